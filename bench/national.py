"""Issue 15 benchmark, national scale on PostgreSQL: one organisation with 20 units, 100,000 people and about
1.5 million activities over five financial years (FY 2020-2024).

Each unit is generated with its own seed (`tongxing.demo.generate`, 5,000 people and 15,000 activities a year) and
written by the importer (COPY on PostgreSQL), one unit at a time so memory stays at one unit's document. Then, in
this process (median of 5 each):

- one unit's annual return (`fsa_report`) for FY 2024;
- the drill-down of that unit's largest standard (the count standard with the most counted records);
- the organisation's year at a glance (`organisation-year`) through Django's test client, signed in as a
  supervisor of several units and as the organisation's auditor;

and the five slowest queries of each, with PostgreSQL's plan (EXPLAIN ANALYZE), so the ones to fix are named.
Targets (issue 15): one unit's return under 500 ms; the organisation-wide page under 2 s.

    TONGXING_BENCH_DB=tongxing_h8 .venv/bin/python bench/national.py            # load (the missing units), measure
    TONGXING_BENCH_DB=tongxing_h8 .venv/bin/python bench/national.py --fresh    # load again
    .venv/bin/python bench/national.py --scale 0.05 --fresh                     # a small trial run
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/national.py    # another checkout's code, same data

Each figure is the median wall time and, as the machine is shared, the median CPU time of this process and of its
PostgreSQL server process (the work itself, whatever else runs).
"""

from __future__ import annotations

import os
import sys

if os.environ.get("TONGXING_CODE"):  # another checkout's code first, the editable install's finder set aside
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, os.environ["TONGXING_CODE"])

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from city import configure, database_exists, database_url, fresh_database  # noqa: E402
from import_city import server_cpu  # noqa: E402

UNITS = 20
PEOPLE = 5000                  # per unit: 100,000 in all
ACTIVITIES_PER_YEAR = 15000    # per unit: 75,000 over five years, 1.5 million in all
YEARS = tuple(range(2020, 2025))
FY = 2024
ORGANISATION = {"code": "NATION", "name": "全港戒毒輔導服務"}
SUPERVISED = 4                 # the several units the bench's supervisor supervises


def unit_code(i: int) -> str:
    return f"N{i:02d}"


def load(scale: float):
    """Generate and import every unit; returns seconds taken and the activities written."""
    from django.core.management import call_command
    from django.db import connection

    from tongxing.demo.generate import generate
    from tongxing.exchange.schema import parse
    from tongxing.exchange.services import import_document
    from tongxing.organisations.models import Unit

    call_command("migrate", verbosity=0)
    started, written = time.perf_counter(), 0
    done = set(Unit.objects.values_list("code", flat=True))  # a load cut short resumes at its first missing unit
    for i in range(1, UNITS + 1):
        if unit_code(i) in done:
            continue
        t = time.perf_counter()
        doc = generate(unit_code=unit_code(i), unit_name=f"第{i}區戒毒輔導中心", people=max(10, int(PEOPLE * scale)),
                       activities_per_year=int(ACTIVITIES_PER_YEAR * scale), years=YEARS, seed=1000 + i)
        doc["organisation"] = ORGANISATION
        document, problems = parse(doc)
        assert not problems, problems[:5]
        import_document(document)
        written += len(doc["activities"])
        print(f"  unit {unit_code(i)}: {len(doc['people'])} people, {len(doc['activities'])} activities "
              f"in {time.perf_counter() - t:.1f} s", flush=True)
        del doc, document
    # Table by table: a database-wide ANALYZE also takes the server's shared catalogs, where it waits on every
    # other database's open transactions.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'ANALYZE "{table}"')
    return time.perf_counter() - started, written


def users():
    """A supervisor of several units (their own and SUPERVISED - 1 more) and the organisation's auditor."""
    from django.contrib.auth import get_user_model

    from tongxing.accounts.models import Access, Level
    from tongxing.organisations.models import Organisation, Unit

    org = Organisation.objects.get(code=ORGANISATION["code"])
    units = list(Unit.objects.filter(organisation=org).order_by("code")[:SUPERVISED])
    model = get_user_model()
    supervisor, _ = model.objects.get_or_create(username="national-supervisor")
    access, _ = Access.objects.update_or_create(user=supervisor, defaults={
        "level": Level.SUPERVISOR, "organisation": org, "unit": units[0]})
    access.more_units.set(units[1:])
    auditor, _ = model.objects.get_or_create(username="national-auditor")
    Access.objects.update_or_create(user=auditor, defaults={"level": Level.AUDITOR, "organisation": org,
                                                            "unit": None})
    return supervisor, auditor


def signed_in(client, user):
    """A session after both sign-in steps: the password (force_login) and an authenticator's code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class Timing:
    """Medians of `runs` calls: wall, this process's CPU and the PostgreSQL server process's CPU, in seconds."""

    def __init__(self, fn, runs=5):
        walls, cpus, servers = [], [], []
        for _ in range(runs):
            wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            fn()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            servers.append(server_cpu() - server)
        self.wall, self.cpu, self.server = (statistics.median(v) for v in (walls, cpus, servers))

    def __str__(self):
        return (f"median {self.wall * 1000:.0f} ms (CPU: this process {self.cpu * 1000:.0f} ms, "
                f"database server {self.server * 1000:.0f} ms)")


def slowest(fn, top=5):
    """The `top` slowest queries of one run of `fn`, each with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:top]
    out = []
    for q in queries:
        plan = ""
        if q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + q["sql"])
                plan = "\n".join("        " + row[0] for row in cursor.fetchall())
        out.append(f"    {float(q['time']) * 1000:.0f} ms: {q['sql'][:300]}\n{plan}")
    return len(captured.captured_queries), out


def measure(explain: bool):
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from tongxing.activities.models import Activity
    from tongxing.organisations.models import Unit
    from tongxing.people.models import Person
    from tongxing.standards.codes import OUTPUT_STANDARDS
    from tongxing.standards.drilldown import drilldown
    from tongxing.standards.engine import Period
    from tongxing.standards.fsa import Scope
    from tongxing.standards.report import fsa_report

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages name their static files without the collected manifest production serves them from.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    print(f"database: {Unit.objects.count()} units, {Person.objects.count():,} people, "
          f"{Activity.objects.count():,} activities", flush=True)
    supervisor, auditor = users()
    unit = Unit.objects.order_by("code").first()
    report = fsa_report(unit, FY)
    report_s = Timing(lambda: fsa_report(unit, FY))
    counts = {code: report["standards"][code]["achieved"] or 0 for code in OUTPUT_STANDARDS
              if code not in ("OS11", "OS17")}
    largest = max(counts, key=counts.get)
    scope = lambda: Scope(unit, Period.financial_year(FY))  # noqa: E731 - a fresh scope per run, as a request has
    drill_s = Timing(lambda: drilldown(largest, scope(), supervisor))
    print(f"one unit's annual return ({unit.code}, FY{FY}): {report_s}", flush=True)
    print(f"drill-down of its largest standard {largest} ({counts[largest]} counted): {drill_s}", flush=True)

    page = reverse("organisation-year", args=[FY])
    results = {}
    for who, user in (("supervisor of several units", supervisor), ("auditor", auditor)):
        client = signed_in(Client(), user)
        response = client.get(page)
        assert response.status_code == 200, response.status_code
        shown = response.content.decode().count('class="unit-row"')
        results[who] = (Timing(lambda c=client: c.get(page)), shown, client)
        print(f"organisation-wide page as the {who} ({shown} units): {results[who][0]}", flush=True)
    if explain:
        for name, fn in (("annual return", lambda: fsa_report(unit, FY)),
                         (f"drill-down {largest}", lambda: drilldown(largest, scope(), supervisor)),
                         ("organisation-wide page (auditor)", lambda: results["auditor"][2].get(page))):
            n, plans = slowest(fn)
            print(f"\n{name}: {n} queries; the slowest:")
            print("\n".join(plans))
    return report_s, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (1 = 1.5M activities)")
    parser.add_argument("--fresh", action="store_true", help="drop and load the database again")
    parser.add_argument("--no-explain", action="store_true", help="skip the slowest queries' plans")
    args = parser.parse_args()
    os.environ.setdefault("TONGXING_BENCH_DB", "tongxing_bench")
    print(f"code: {os.environ.get('TONGXING_CODE', 'this checkout')}")
    name = "national" if args.scale == 1 else f"national_{str(args.scale).replace('.', '_')}"
    if args.fresh or not database_exists("postgres", name):
        configure(fresh_database("postgres", name))
    else:
        configure(database_url("postgres", name))
    print(f"loading {database_url('postgres', name)} at scale {args.scale}", flush=True)
    seconds, written = load(args.scale)
    if written:
        print(f"loaded {written:,} activities in {seconds:.0f} s ({written / seconds:,.0f} activities/s)",
              flush=True)
    measure(not args.no_explain)
    print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
