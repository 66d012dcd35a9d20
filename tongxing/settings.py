"""Django settings for Tongxing.

The database comes from DATABASE_URL (PostgreSQL in production); without it the
embedded SQLite default under TONGXING_HOME (default: <checkout>/var) is used.
"""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

from tongxing.server.guard import DEVELOPMENT_SECRET_KEY, refuse_unsafe_production

BASE_DIR = Path(__file__).resolve().parent
# django-ninja's Swagger page and files, found without importing ninja: as an installed app it would load
# ninja and pydantic into every worker at start-up, while only /api/ paths need them (tongxing/urls.py).
NINJA_DIR = Path(find_spec("ninja").origin).parent
HOME = Path(os.environ.get("TONGXING_HOME", BASE_DIR.parent / "var"))

# TONGXING_ENV=production refuses to start on development defaults (tongxing/server/guard.py).
TONGXING_ENV = os.environ.get("TONGXING_ENV", "development")
PRODUCTION = TONGXING_ENV == "production"
DEBUG = os.environ.get("TONGXING_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("TONGXING_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
# Encrypts identity numbers and keys their look-up hash; set it (and keep it) in production.
TONGXING_FIELD_KEY = os.environ.get("TONGXING_FIELD_KEY", "")
# Keys the audit trail's chain and signed checkpoints (tongxing/audit/checkpoints.py); without it, derived
# from the field key. Keep it outside the database, with the backups.
TONGXING_AUDIT_KEY = os.environ.get("TONGXING_AUDIT_KEY", "")
# Where the signed checkpoints go (default: one file per database under TONGXING_HOME), how often one is
# written automatically, and whether they are also sent to syslog.
TONGXING_AUDIT_CHECKPOINTS = os.environ.get("TONGXING_AUDIT_CHECKPOINTS", "")
TONGXING_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("TONGXING_AUDIT_CHECKPOINT_EVERY", "20"))
TONGXING_AUDIT_SYSLOG = os.environ.get("TONGXING_AUDIT_SYSLOG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TONGXING_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
refuse_unsafe_production(TONGXING_ENV, secret_key=SECRET_KEY, field_key=TONGXING_FIELD_KEY, debug=DEBUG,
                         allowed_hosts=ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django_otp.plugins.otp_static",
    "tongxing.organisations",
    "tongxing.people",
    "tongxing.cases",
    "tongxing.activities",
    "tongxing.standards",
    "tongxing.reports",
    "tongxing.exchange",
    "tongxing.demo",
    "tongxing.accounts",
    "tongxing.audit",
    "tongxing.outcomes",
    "tongxing.projects",
    "tongxing.prevention",
    "tongxing.privacy",
    "tongxing.setup",
    "tongxing.teams",
    "tongxing.appointments",
    "tongxing.attachments",
    "tongxing.web",
    "tongxing.server",
    "tongxing.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongxing.lib.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tongxing.accounts.middleware.IdleTimeoutMiddleware",
    "tongxing.accounts.middleware.SecondFactorMiddleware",
    "tongxing.accounts.middleware.ContentSecurityPolicyMiddleware",
    "tongxing.accounts.middleware.AdminReadAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "tongxing.accounts.backends.LockoutBackend",
    # ModelBackend's password check, the signed-in user read with their Access row in one query.
    "tongxing.accounts.backends.AccessBackend",
]

ROOT_URLCONF = "tongxing.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form templates, with those drawn for every field and input written in Python (same HTML, a fraction of
# the cost).
FORM_RENDERER = "tongxing.web.form_renderer.FormRenderer"

WSGI_APPLICATION = "tongxing.wsgi.application"


def _database():
    url = os.environ.get("DATABASE_URL")
    if not url:
        HOME.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{HOME / 'tongxing.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while an import writes; IMMEDIATE avoids
        # "database is locked" upgrades inside write transactions. A writer waits for the write lock up to 30 s
        # (Python's default is 5): every audited page writes, so under load workers queue for it, and pages
        # already took up to 4.5 s with 50 users on a busy 2-core machine (bench/load_pages.py, p99).
        # synchronous=NORMAL: a commit (an audited read's event too) is written to the WAL through the operating
        # system before the page is served, so it outlives the server process, but not fsynced: a power cut or an
        # OS crash may lose the last commits, never corrupt the file. PostgreSQL flushes each event to disk first.
        # Connections are kept (conn_max_age, as for PostgreSQL): a new one per request cost ~2 ms of CPU to open
        # and re-read its schema and pages, and 15-20% of each page's CPU under load (bench/load_pages.py).
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs more than the short counting queries it would speed up.
        db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return db


DATABASES = {"default": _database()}

# Nothing lives in one process: sessions and the cache are in the database, so any app server
# behind a load balancer can answer any request (docs/deploy.md, "Several app servers").
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tongxing_cache",  # created by `tongxing migrate` (tongxing/server/apps.py)
    }
}
# Long jobs (web imports, whole-year PDFs) queue in the database; `tongxing serve` starts a worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# SQLite only: where a running job's progress is written (tongxing/jobs/progress.py).
TONGXING_JOBS_DIR = Path(os.environ.get("TONGXING_JOBS_DIR", HOME / "jobs"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("TONGXING_STATIC_ROOT", HOME / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("TONGXING_MEDIA_ROOT", HOME / "media"))
# WhiteNoise serves static files from the app server itself: `collectstatic` (run by `tongxing serve`,
# up.sh and the test session) writes content-hashed, gzip- and brotli-compressed copies, which
# WhiteNoise sends with a far-future immutable Cache-Control header.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

def _env_int(name, default):
    return int(os.environ.get(name, default))


# Files attached to people, cases and referrals (tongxing/attachments): the largest accepted, in megabytes.
TONGXING_ATTACHMENT_MAX_BYTES = _env_int("TONGXING_ATTACHMENT_MAX_MB", 10) * 1024 * 1024

# Login throttling (django-axes): the Nth wrong password in a row locks the account for the cool-off time.
AXES_FAILURE_LIMIT = _env_int("TONGXING_LOGIN_FAILURES", 6)
AXES_COOLOFF_TIME = _env_int("TONGXING_LOCKOUT_MINUTES", 30) / 60  # hours
# Locked per username and address together: wrong passwords from one address (a centre behind one NAT
# address) lock only the account tried, never its colleagues' accounts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Two-factor authentication (django-otp TOTP) is required for these access levels; others may turn it on.
TONGXING_REQUIRE_2FA_LEVELS = {
    level for level in os.environ.get("TONGXING_REQUIRE_2FA", "supervisor,org_admin").split(",") if level
}
OTP_TOTP_ISSUER = "Tongxing 同行"
TONGXING_IDLE_TIMEOUT = _env_int("TONGXING_IDLE_MINUTES", 30) * 60

TONGXING_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Production is served over HTTPS (a reverse proxy in front, docs/deploy.md) unless told otherwise.
SESSION_COOKIE_SECURE = os.environ.get("TONGXING_SECURE_COOKIES", "1" if PRODUCTION else "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
# A load balancer or monitor may probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SESSION_COOKIE_SECURE
SECURE_HSTS_PRELOAD = SESSION_COOKIE_SECURE and os.environ.get("TONGXING_HSTS_PRELOAD", "1") == "1"

# Named readings of the ambiguous rules in DOMAIN.md ("interpretation" rows).
TONGXING = {
    # DOMAIN.md "full day ≤3": a full-day activity counts its whole hours, capped at 3.
    "FULL_DAY_CAP_SESSIONS": 3,
    # OS1(a): evening starts at the later of this hour and the unit's closing time.
    "EVENING_FROM": "18:00",
}

