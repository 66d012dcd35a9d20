"""Python's cycle collector paused for work that builds a large, long-lived heap (an import's records, a web
worker's modules and URLconf at start-up)."""

import contextlib
import gc


@contextlib.contextmanager
def cycle_collector_paused():
    """Reading or writing a city-scale exchange file keeps about a million dicts and lists alive until it ends;
    the collector, set off by their allocation, goes over all of them again and again (a full pass each time
    the heap grows by a quarter): a third of the import's CPU, and nothing to collect, since the records hold no
    cycles and reference counting frees them. Paused for the block and put back as it was (nested blocks and
    a collector already off stay as they are)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
