"""Production refuses to start on development defaults.

Imported by the settings module, so it must not import Django: a refusal is a plain message on
standard error and exit status 2, never a traceback.
"""

import sys

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret-set-TONGXING_SECRET_KEY"
ENVIRONMENTS = ("development", "production")
MIN_KEY_LENGTH = 32


def production_problems(env, *, secret_key, field_key, debug, allowed_hosts):
    """What makes these settings unsafe to serve real records with; empty when they are fine."""
    if env not in ENVIRONMENTS:
        return [f"TONGXING_ENV={env!r} is not one of: {', '.join(ENVIRONMENTS)}."]
    if env != "production":
        return []
    problems = []
    if secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < MIN_KEY_LENGTH:
        problems.append(
            "TONGXING_SECRET_KEY is the development key or shorter than "
            f"{MIN_KEY_LENGTH} characters: set a long random one (docs/deploy.md shows how)."
        )
    if not field_key:
        problems.append(
            "TONGXING_FIELD_KEY is not set: identity numbers would be encrypted with a key derived from the "
            "secret key. Set its own long random key and keep it with the backups."
        )
    elif field_key in (secret_key, DEVELOPMENT_SECRET_KEY) or len(field_key) < MIN_KEY_LENGTH:
        problems.append(
            "TONGXING_FIELD_KEY must be its own random key of at least "
            f"{MIN_KEY_LENGTH} characters, not the secret key or the development key."
        )
    if debug:
        problems.append("TONGXING_DEBUG=1: debug pages would show records and settings to anyone; unset it.")
    if not allowed_hosts:
        problems.append("TONGXING_ALLOWED_HOSTS is empty: name the host names this server answers to.")
    return problems


def refuse_unsafe_production(env, **settings):
    problems = production_problems(env, **settings)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        sys.stderr.write(f"Tongxing will not start in {env} mode:\n{lines}\n")
        raise SystemExit(2)
