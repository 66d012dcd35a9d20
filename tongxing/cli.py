"""The `tongxing` console script: Django's manage.py under the product's name."""

import importlib
import os
import pkgutil
import sys
from collections import defaultdict
from importlib.util import find_spec
from pathlib import Path

ASKING_FOR_HELP = ([], ["help"], ["--help"], ["-h"])


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
    argv = sys.argv[1:] if argv is None else argv
    if argv in ASKING_FOR_HELP and (text := help_text()) is not None:
        sys.stdout.write(text + "\n")
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongxing", *argv])


def help_text() -> str | None:
    """Django's list of subcommands, found as Django finds them (management/commands/*.py of each installed app,
    the first app listed winning a name) but without setting Django up: importing the models, the admin and the
    API would cost `tongxing --help` most of a second. None where an app cannot be found that way (an AppConfig
    path in INSTALLED_APPS, settings that fail to load): Django's own help then says it."""
    try:
        apps = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"]).INSTALLED_APPS
        commands = {name: "django" for name in _commands(_package_dir("django.core"))}
        for app in reversed(apps):
            commands.update({name: app.rpartition(".")[2] for name in _commands(_package_dir(app))})
    except Exception:  # noqa: BLE001 - whatever the reason, Django's own help knows how to report it
        return None
    by_app = defaultdict(list)
    for name, app in commands.items():
        by_app[app].append(name)
    lines = ["", "Type 'tongxing help <subcommand>' for help on a specific subcommand.", "", "Available subcommands:"]
    for app in sorted(by_app):
        lines += ["", f"[{app}]", *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(lines)


def _package_dir(name: str) -> Path:
    """A package's directory, found without importing it (nor its parents, whose __init__ may be heavy)."""
    top, *rest = name.split(".")
    spec = find_spec(top)
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location, *rest)
        if (path / "__init__.py").is_file():
            return path
    raise LookupError(name)


def _commands(package: Path) -> list[str]:
    return [name for _, name, is_pkg in pkgutil.iter_modules([str(package / "management" / "commands")])
            if not is_pkg and not name.startswith("_")]


if __name__ == "__main__":
    main()
