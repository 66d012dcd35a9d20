"""Issue 15 benchmark: audited reads from several processes at once, as concurrent page views write them.

Each process appends `--events` VIEW events through `audit.services.record` (each in a transaction of its own, as
a page's read is), all starting together. Prints the events per second the trail takes, the per-event latency
(p50, p95) and the CPU per event, for 1, 4 and 8 processes. Uses the database bench/load_pages.py prepared (run it
once first); the events it writes stay in that trail (they verify like any other).

    .venv/bin/python bench/audit_reads.py [--database sqlite|postgres] [--events 200]
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/audit_reads.py   # the same for another checkout
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time

if os.environ.get("TONGXING_CODE"):  # another checkout's code first, the editable install's finder set aside
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, os.environ["TONGXING_CODE"])

from city import configure, database_url  # noqa: E402


def reader(url, n, label, start, results):
    configure(url)
    from django.db import connection

    from tongxing.audit.models import Action
    from tongxing.audit.services import record

    connection.ensure_connection()
    start.wait()
    latencies, began, cpu = [], time.perf_counter(), time.process_time()
    for k in range(n):
        t = time.perf_counter()
        record(Action.VIEW, object_type="people.person", object_id=f"{label}-{k}", summary="bench/audit_reads.py")
        latencies.append(time.perf_counter() - t)
    results.put((time.perf_counter() - began, time.process_time() - cpu, latencies))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    url, code = database_url(args.database, "load"), os.environ.get("TONGXING_CODE", "this checkout")
    for processes in (1, 4, 8):
        start, results = multiprocessing.Barrier(processes), multiprocessing.Queue()
        workers = [multiprocessing.Process(target=reader, args=(url, args.events, f"{os.getpid()}-{processes}-{i}",
                                                                start, results)) for i in range(processes)]
        for w in workers:
            w.start()
        done = [results.get(timeout=600) for _ in workers]
        for w in workers:
            w.join()
        latencies = sorted(x for _wall, _cpu, each in done for x in each)
        rate = processes * args.events / max(wall for wall, _cpu, _each in done)
        cpu = sum(c for _wall, c, _each in done) / (processes * args.events)
        print(f"[{code}] {args.database} {processes} process(es): {rate:5.0f} events/s, latency p50 "
              f"{statistics.median(latencies) * 1000:5.1f} ms p95 {latencies[int(len(latencies) * 0.95)] * 1000:5.1f} ms,"
              f" cpu/event {cpu * 1000:.2f} ms", flush=True)


if __name__ == "__main__":
    main()
