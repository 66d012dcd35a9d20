import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from tongxing.lib.collector import cycle_collector_paused

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxing.settings")
# What a worker builds at start-up (modules, models, the URLconf) lives as long as the worker: the cyclic
# collector scanning it while it is built costs a sixth of start-up, and once frozen it is never scanned again
# by the collections that run while pages are served.
with cycle_collector_paused():
    application = get_wsgi_application()
    get_resolver().url_patterns  # noqa: B018 - the URLconf, which the first request would otherwise load
gc.freeze()
# A page makes tens of thousands of short-lived objects: at Python's default threshold (700) the young generation
# is collected a few times per page, promoting what the page still holds, and every few dozen pages a full
# collection scans all the worker built after start-up (tens of ms of CPU; ~150 ms with 50 users). At 5,000 the
# collector's time per page halves and full collections become rare (bench/load_pages.py, 2-core machine).
gc.set_threshold(5000, 10, 10)
