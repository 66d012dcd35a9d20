"""Figures remembered while the records they count stay as they were.

The annual return costs a supervisor's home page and the return's own page hundreds of milliseconds of ORM work
per request, yet changes only when a record does. Each figure is remembered under its unit, year, the reader's
language (warnings are worded in it) and the data version that every audited change replaces (audit.services):
a change made anywhere, by any server, makes the next page count afresh, so a remembered figure is never stale.
Kept in this process's memory rather than the shared cache: nothing to unpickle, and a new release of the
counting rules starts with nothing remembered.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.utils import translation

from tongxing.audit.services import data_version

SIZE = 64  # figures kept; the least recently used goes first
_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def remembered(name: str, *key, compute: Callable[[], object]):
    """`compute()`, or its value from an earlier call with the same name, key, language and data version.
    The caller gets its own copy, free to change."""
    full = (name, *key, translation.get_language(), data_version())
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return copy.deepcopy(_kept[full])
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return copy.deepcopy(value)


def forget_all():
    with _lock:
        _kept.clear()
