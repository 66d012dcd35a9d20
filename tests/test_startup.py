"""Start-up stays light: a web worker and every command pay for what is imported when the URLconf loads."""

import json
import subprocess
import sys

HEAVY = ("scipy", "numpy", "matplotlib", "weasyprint", "openpyxl", "PIL", "ninja", "pydantic")

LOAD_AS_A_WORKER_DOES = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
from tongxing.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
from django.urls import reverse
reverse("home")  # every page reverses names: the API's include must still wait for its own first use
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))))
"""


def test_settings_and_urlconf_import_no_heavy_library():
    # A fresh interpreter: this test process has long since imported everything.
    out = subprocess.run([sys.executable, "-c", LOAD_AS_A_WORKER_DOES, *HEAVY], capture_output=True, text=True,
                         check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


HELP_AS_THE_CONSOLE_SCRIPT_DOES = """
import json, sys
from tongxing.cli import main
main(["--help"])
print(json.dumps(sorted(name for name in sys.modules if name.startswith(("django.db", "django.core.management",
                                                                       "django.apps", "ninja", "pydantic")))))
"""


def test_help_lists_the_commands_without_setting_django_up():
    out = subprocess.run([sys.executable, "-c", HELP_AS_THE_CONSOLE_SCRIPT_DOES], capture_output=True, text=True,
                         check=True, timeout=120).stdout.splitlines()
    assert json.loads(out[-1]) == []
    listed = {line.strip() for line in out[:-1]}
    assert {"[server]", "serve", "[reports]", "report", "[exchange]", "import", "migrate"} <= listed


def test_help_is_djangos_own_list(monkeypatch):
    """The quick list must be the one Django would print: every command of every installed app, in its app."""
    from django.core.management import ManagementUtility

    from tongxing.cli import help_text

    monkeypatch.setenv("DJANGO_COLORS", "nocolor")
    assert help_text() == ManagementUtility(["tongxing"]).main_help_text()


def test_the_lazily_mounted_api_answers_to_its_names_and_paths():
    from django.urls import get_resolver, resolve, reverse

    from tongxing.api import api

    [mount] = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"]
    assert (mount.app_name, mount.namespace) == api.urls[1:]
    assert reverse("api:units") == "/api/units"
    assert resolve("/api/docs").view_name == "api:openapi-view"


def test_a_web_worker_collects_cycles_less_often_than_pythons_default():
    script = "import gc, json; from tongxing.wsgi import application; print(json.dumps(gc.get_threshold()))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1])[0] >= 5000
