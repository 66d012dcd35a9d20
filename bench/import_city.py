"""Issue 2/15 benchmark: import a generated city-scale exchange file (70,000 activities) and time it.

Prints the time to validate the file, to write it, and to re-import it (nothing changes), with the activities a
second written and end to end (validation and writing), then the same for the unit's export in format v2. Target:
at least 10,000 activities a second. The machine may be shared: the CPU seconds of this process and, on
PostgreSQL, of its server process (same machine) are printed too, and the rate they give (activities over the
sum), which other processes' load does not change.

    .venv/bin/python bench/import_city.py [sqlite|postgres ...]
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/import_city.py   # the same for another checkout
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from city import city_document, configure, fresh_database


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL server process so far (0 on SQLite, which runs in this one)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(kind):
    configure(fresh_database(kind, "import"))
    doc, generated = city_document()
    activities = len(doc["activities"])
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    cpu, server = time.process_time(), server_cpu()
    parse_s, import_s = __import__("city").import_city(doc)
    cpu, server = time.process_time() - cpu, server_cpu() - server
    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document

    started = time.perf_counter()
    summary = import_document(parse(doc)[0])
    reimport_s = time.perf_counter() - started
    assert not summary.changed
    import tongxing

    print(f"{kind} [{os.path.dirname(os.path.dirname(tongxing.__file__))}]: {activities} activities, "
          f"{len(doc['people'])} people; generate {generated:.1f} s, validate {parse_s:.1f} s, write {import_s:.1f} s "
          f"({activities / import_s:,.0f} activities/s written, {activities / (parse_s + import_s):,.0f}/s with "
          f"validation), re-import (no change) {reimport_s:.1f} s; CPU validating and writing {cpu:.1f} s here + "
          f"{server:.1f} s server = {activities / (cpu + server):,.0f} activities per CPU second", flush=True)
    v2_file(kind)


def v2_file(kind):
    """The same unit exported in format v2 (docs/exchange.md: every record, and the JSON Schema check on import),
    imported as a second unit of the organisation: every one of its records is written anew."""
    from tongxing.exchange.schema import parse
    from tongxing.exchange.selectors import dumps, export_unit
    from tongxing.exchange.services import import_document
    from tongxing.organisations.models import Unit

    doc = json.loads(dumps(export_unit(Unit.objects.get(code="CITY"))))
    doc["unit"]["code"] = "CITY2"
    activities = len(doc["activities"])
    started = time.perf_counter()
    document, problems = parse(doc)
    assert not problems, problems[:5]
    parsed = time.perf_counter()
    summary = import_document(document)
    written = time.perf_counter()
    assert summary.changed
    print(f"{kind}: the unit's v2 export imported as a second unit: validate (with the JSON Schema) "
          f"{parsed - started:.1f} s, write {written - parsed:.1f} s, "
          f"{activities / (written - started):,.0f} activities/s with validation", flush=True)


def main(kinds):
    if len(kinds) == 1:
        measure(kinds[0])
        return 0
    # Django reads its settings once per process: one process per database.
    return max(subprocess.call([sys.executable, __file__, kind]) for kind in kinds)


if __name__ == "__main__":
    if os.environ.get("TONGXING_CODE"):
        # Another checkout's code first, the editable install's finder (which always answers with this one) aside.
        sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
        sys.path.insert(0, os.environ["TONGXING_CODE"])
    sys.exit(main(sys.argv[1:] or ["sqlite", "postgres"]))
