"""Start-up stays light: a web worker and every command pay for what is imported when the URLconf loads."""

import json
import subprocess
import sys

HEAVY = ("scipy", "numpy", "matplotlib", "weasyprint", "openpyxl")

LOAD_AS_A_WORKER_DOES = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
from tongxing.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))))
"""


def test_settings_and_urlconf_import_no_heavy_library():
    # A fresh interpreter: this test process has long since imported everything.
    out = subprocess.run([sys.executable, "-c", LOAD_AS_A_WORKER_DOES, *HEAVY], capture_output=True, text=True,
                         check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
