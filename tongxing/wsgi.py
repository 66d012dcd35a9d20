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
