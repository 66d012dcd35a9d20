"""Issue 15 benchmark: the annual return on several shapes of city-scale unit, with a plan check of its queries.

For each shape (bench/shapes.py) and database: a fresh database, the shape's document imported (and again as three
neighbouring units, so the unit measured is a quarter of each table, as in an organisation's database), then the full
annual return timed (best and median of 5), its query count, its ratio to the hand-written bound and to the
reading floor (bench/fsa_report.py), and the slowest query. Every query the return runs is then explained
(SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN) and flagged where its plan reads a table of more than 10,000
rows by a full scan, or builds an automatic index. Exits 1 if any query is flagged.

    .venv/bin/python bench/shapes_report.py                      # every shape, SQLite then PostgreSQL
    .venv/bin/python bench/shapes_report.py sqlite case_heavy    # one database, chosen shapes
    .venv/bin/python bench/shapes_report.py --reuse              # the databases of an earlier run, if present
    TONGXING_CODE=/path/to/other/checkout .venv/bin/python bench/shapes_report.py --reuse   # A/B on the same data
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from city import OUT, configure, database_exists, database_url, fresh_database, import_city
from fsa_report import LOWER_BOUND_SQL, READING_FLOOR_SQL, best_of
from shapes import BENCH_FY, SHAPES, census, shape_document

LARGE = 10_000
# Units sharing the database with the one measured, each with the same records: in a database holding one unit
# alone, reading the unit's year is reading half of every table, and a full scan is then the right plan.
NEIGHBOURS = 3
DATABASES = ("sqlite", "postgres")


def table_sizes(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        sizes = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            sizes[table] = cursor.fetchone()[0]
    return sizes


_DEFINITION = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"\s+(?:AS\s+)?"?([A-Z]\d+)"?$', re.IGNORECASE)
_TOKEN = re.compile(r'[()]|(?:FROM|JOIN)\s+"\w+"\s+(?:AS\s+)?"?[A-Z]\d+"?(?=[\s),])|\b[A-Z]\d+(?=\.)', re.IGNORECASE)
_SQLITE_SCAN = re.compile(r"^SCAN (\S+)")


def named_by_table(sql: str) -> str:
    """`sql` with every table alias renamed after its table, unique across the query (`t~3`).

    Django reuses aliases (U0, U1...) in sibling subqueries, and SQLite's plan names a table by its alias only: a
    scan of a small table in one subquery would otherwise be taken for a scan of a large one in another. Each
    parenthesis opens a scope; an alias is defined in the scope its FROM/JOIN is in, and a reference (`U0."col"`)
    means the innermost enclosing scope defining it (a definition may follow its references, hence two passes).
    """
    tokens = list(_TOKEN.finditer(sql))
    defined: dict[int, dict[str, str]] = {}
    stack, scope_of, scopes = [0], {}, 0
    for n, token in enumerate(tokens):
        text = token.group()
        if text == "(":
            scopes += 1
            stack.append(scopes)
        elif text == ")":
            stack.pop()
        else:
            scope_of[n] = tuple(stack)
            definition = _DEFINITION.match(text)
            if definition:
                table, alias = definition.groups()
                defined.setdefault(stack[-1], {})[alias] = f"{table}~{n}"
    out, last = [], 0
    for n, token in enumerate(tokens):
        if n not in scope_of:
            continue
        text = token.group()
        definition = _DEFINITION.match(text)
        alias = definition.group(2) if definition else text
        renamed = next((defined[s][alias] for s in reversed(scope_of[n]) if alias in defined.get(s, {})), None)
        if renamed is None:
            continue
        start, end = (token.start() + definition.start(2), token.start() + definition.end(2)) if definition \
            else token.span()
        out += [sql[last:start], f'"{renamed}"']
        last = end
    return "".join(out) + sql[last:]


def sqlite_findings(cursor, sql, params, sizes) -> list[str]:
    """Full scans of large tables and automatic indexes in SQLite's plan, each table named by its own alias."""
    cursor.execute(f"EXPLAIN QUERY PLAN {named_by_table(sql)}", params)
    found = []
    for row in cursor.fetchall():
        detail = row[-1]
        if "AUTOMATIC" in detail:
            found.append(detail)
            continue
        scan = _SQLITE_SCAN.match(detail)
        if scan:
            table = scan.group(1).split("~")[0]
            if sizes.get(table, 0) > LARGE:
                found.append(f"{detail} ({table}: {sizes[table]:,} rows)")
    return found


def postgres_findings(cursor, sql, params, sizes) -> list[str]:
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    found = []

    def walk(node):
        if node["Node Type"] == "Seq Scan" and sizes.get(node["Relation Name"], 0) > LARGE:
            found.append(f"Seq Scan on {node['Relation Name']} ({sizes[node['Relation Name']]:,} rows)")
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def run_shape(kind: str, name: str, reuse: bool) -> bool:
    """Time the return on the shape's `kind` database (imported afresh unless `reuse` finds it) and check its
    plans; True if no query is flagged."""
    from django.db import connection, connections

    doc, description = shape_document(name)
    imported = None
    if not (reuse and database_exists(kind, name)):
        fresh_database(kind, name)
        _parse, imported = import_city(doc)
        for n in range(NEIGHBOURS):
            import_city({**doc, "unit": {**doc["unit"], "code": f"NEXT{n + 1}", "name": f"鄰近中心 {n + 1}"}})
        connections.close_all()  # as when `tongxing import` exits

    from tongxing.organisations.models import Unit
    from tongxing.standards.report import fsa_report

    unit = Unit.objects.get(code="CITY")
    fy = BENCH_FY
    captured = []

    def capture(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, params, time.perf_counter() - started))

    with connection.execute_wrapper(capture):
        report = fsa_report(unit, fy)
    cpu = []

    def timed():
        started = time.process_time()
        fsa_report(unit, fy)
        cpu.append(time.process_time() - started)

    best, median = best_of(timed)
    period = {"unit": unit.pk, "start": f"{fy}-04-01", "end": f"{fy + 1}-03-31"}

    def read(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, period)
            cursor.fetchall()

    bound, _ = best_of(lambda: read(LOWER_BOUND_SQL), runs=20)
    floor = sum(best_of(lambda sql=sql: read(sql), runs=20)[0] for sql in READING_FLOOR_SQL.values())
    sizes = table_sizes(connection)
    findings = []
    with connection.cursor() as cursor:
        for sql, params, _seconds in captured:
            check = sqlite_findings if connection.vendor == "sqlite" else postgres_findings
            for finding in check(cursor, sql, params, sizes):
                findings.append((sql, finding))
    slowest = max(captured, key=lambda q: q[2])
    figures = {code: s.get("achieved") for code, s in report["standards"].items()}
    print(f"{kind} {name} [{code_under_test()}]: {description}; {census(doc)}; "
          f"import {'(reused)' if imported is None else f'{imported:.1f} s'}")
    # This process's CPU time: all of the work on SQLite, the client's share on PostgreSQL. On a shared machine it
    # moves less with the load than the wall-clock time.
    print(f"{kind} {name}: full return best {best * 1000:.0f} ms (median {median * 1000:.0f} ms, "
          f"CPU median {statistics.median(cpu) * 1000:.0f} ms, {len(captured)} "
          f"queries); bound {bound * 1000:.1f} ms, {best / bound:.1f}x; reading floor {floor * 1000:.1f} ms, "
          f"{best / floor:.1f}x; slowest query {slowest[2] * 1000:.0f} ms: {' '.join(slowest[0].split())[:90]}…")
    print(f"{kind} {name}: figures {json.dumps(figures, sort_keys=True)}")
    for sql, finding in findings:
        print(f"{kind} {name}: PLAN FLAGGED: {finding}\n    in: {' '.join(sql.split())[:300]}…")
    print(f"{kind} {name}: plan check {'FAILED, ' + str(len(findings)) + ' finding(s)' if findings else 'clean'}",
          flush=True)
    return not findings


def code_under_test() -> str:
    import tongxing

    return str(Path(tongxing.__file__).parent.parent)


def main(argv):
    reuse = "--reuse" in argv
    argv = [a for a in argv if a != "--reuse"]
    kinds = [a for a in argv if a in DATABASES] or list(DATABASES)
    names = [a for a in argv if a in SHAPES] or list(SHAPES)
    unknown = [a for a in argv if a not in DATABASES and a not in SHAPES]
    if unknown:
        sys.exit(f"unknown argument(s) {unknown}; databases {DATABASES}, shapes {list(SHAPES)}, --reuse")
    if len(kinds) > 1 or len(names) > 1:  # Django reads its settings once per process: one per database and shape
        flags = ["--reuse"] if reuse else []
        return max(subprocess.call([sys.executable, __file__, kind, name, *flags]) for kind in kinds for name in names)
    configure(database_url(kinds[0], names[0]))
    return 0 if run_shape(kinds[0], names[0], reuse) else 1


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    if os.environ.get("TONGXING_CODE"):
        # Measure another checkout's code (say, the previous commit's) on the same databases: its folder first, and
        # the editable install's finder, which would otherwise always answer with this checkout, set aside.
        sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
        sys.path.insert(0, os.environ["TONGXING_CODE"])
    sys.exit(main(sys.argv[1:]))
