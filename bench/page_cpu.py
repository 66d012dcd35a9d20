"""Issue 15 benchmark: CPU time a page costs the server, in-process, for the pages bench/load_pages.py browses.

The machine is shared, so wall time under load says little; CPU time per request (process time of this one
process: the view, the middleware, the templates and the database driver; SQLite's own work included) is what
decides how many requests two cores can serve. Uses the database bench/load_pages.py prepared (run it once
first), or with `--database-url` an existing one (the national-scale copy, say), browsed as bench/load_pages.py
does: as `load-supervisor` of `--unit` (default: the first unit by code). Prints the median CPU ms and query count
per page; `--profile PAGE` prints that page's cProfile.

    .venv/bin/python bench/page_cpu.py [--database sqlite|postgres] [--runs 15] [--profile home]
    .venv/bin/python bench/page_cpu.py --database-url postgres://postgres@127.0.0.1:5432/tongxing_h8_national [--unit N01]
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/page_cpu.py   # the same for another checkout
"""

import os
import sys

if os.environ.get("TONGXING_CODE"):  # another checkout's code first, the editable install's finder set aside
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, os.environ["TONGXING_CODE"])

import argparse  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from city import database_url  # noqa: E402
from load_pages import PASSWORD, pages  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="an existing database, migrated (bench/load_pages.py does it)")
    parser.add_argument("--unit", help="with --database-url: the unit whose supervisor browses")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", help="a page's name, e.g. home")
    args = parser.parse_args()
    os.environ["TONGXING_REQUIRE_2FA"] = ""
    os.environ.setdefault("TONGXING_SECURE_COOKIES", "")
    username, urls = pages(args.database_url or database_url(args.database, "load"), args.unit,
                           bool(args.database_url))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Not setup_test_environment(): its instrumented template rendering sends a signal per template, a cost the
    # server does not pay. A host the settings allow instead of 'testserver'.
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username=username, password=PASSWORD)
    code = os.environ.get("TONGXING_CODE", "this checkout")
    for page, path in urls.items():
        assert client.get(path).status_code == 200, page  # warm: templates, translations, caches
        if page == args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                client.get(path)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        cpu, wall = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started, clock = time.process_time(), time.perf_counter()
                client.get(path)
                cpu.append(time.process_time() - started)
                wall.append(time.perf_counter() - clock)
        # Wall time adds what this process waits for: PostgreSQL's work, and other processes' on a shared machine.
        print(f"[{code}] {page:<14} cpu median {statistics.median(cpu) * 1000:6.1f} ms  "
              f"min {min(cpu) * 1000:6.1f} ms  wall median {statistics.median(wall) * 1000:6.1f} ms  "
              f"queries {len(queries)}", flush=True)


if __name__ == "__main__":
    main()
