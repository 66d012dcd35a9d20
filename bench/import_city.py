"""Issue 2 benchmark: import a generated city-scale exchange file (70,000 activities) and time it.

    .venv/bin/python bench/import_city.py [sqlite|postgres ...]
"""

import sys
import time

from city import city_document, configure, fresh_database


def main(kinds):
    for kind in kinds:
        configure(fresh_database(kind))
        doc, generated = city_document()
        activities = len(doc["activities"])
        parse_s, import_s = __import__("city").import_city(doc)
        from tongxing.exchange.schema import parse
        from tongxing.exchange.services import import_document

        started = time.perf_counter()
        summary = import_document(parse(doc)[0])
        reimport_s = time.perf_counter() - started
        assert not summary.changed
        print(f"{kind}: {activities} activities, {len(doc['people'])} people; generate {generated:.1f} s, "
              f"validate {parse_s:.1f} s, import {import_s:.1f} s, re-import (no change) {reimport_s:.1f} s")
        from django.db import connections

        connections.close_all()
        if len(kinds) > 1:  # Django settings are read once per process
            break


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite"])
