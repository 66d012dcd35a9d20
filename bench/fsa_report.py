"""Issue 3 benchmark: the full annual return on a city-scale unit, against a hand-written SQL lower bound.

Generates ~6,000 people and 35,000 activities a year over two years, imports them, then times
`fsa_report` (every standard, warnings included) and one hand-written aggregate over the same
activity table. Prints both and their ratio. Target: report under 1 s and within 3x the bound.
Also times the reading floor: hand-written SQL reading, once each and applying no rule, the records the return's
bases read (the unit's activities in the year, the staff at them, the brief-counselling attendance, the feedback
forms, the episodes, the people identified). No report computed from the records can take less; its ratio to the
bound shows how much of the 3x the reading alone uses. Also times what the report page computes: the return and
its cumulative quarters.

    .venv/bin/python bench/fsa_report.py sqlite
    .venv/bin/python bench/fsa_report.py postgres
"""

import statistics
import sys
import time

from city import city_document, configure, fresh_database, import_city

LOWER_BOUND_SQL = """
SELECT kind, COUNT(*), SUM(CASE WHEN minutes >= 60 THEN 1 ELSE 0 END), SUM(minutes)
FROM activities_activity
WHERE unit_id = %(unit)s AND date BETWEEN %(start)s AND %(end)s
GROUP BY kind
"""

IN_YEAR = "a.unit_id = %(unit)s AND a.date BETWEEN %(start)s AND %(end)s"
READING_FLOOR_SQL = {
    "activities": f"SELECT COUNT(*), SUM(a.minutes) FROM activities_activity a WHERE {IN_YEAR}",
    "staff at them": f"""SELECT COUNT(*), SUM(a.minutes) FROM activities_activitystaff s
        JOIN activities_activity a ON a.id = s.activity_id WHERE {IN_YEAR}""",
    "brief-counselling attendance": f"""SELECT COUNT(*), SUM(a.minutes) FROM activities_attendance p
        JOIN activities_activity a ON a.id = p.activity_id WHERE {IN_YEAR} AND a.kind = 'brief_counselling'""",
    "feedback forms": f"""SELECT COUNT(*), SUM(CASE WHEN f.positive THEN 1 ELSE 0 END) FROM activities_feedback f
        JOIN activities_activity a ON a.id = f.activity_id WHERE {IN_YEAR}""",
    "episodes": """SELECT COUNT(*), MAX(e.opened) FROM cases_episode e JOIN cases_case c ON c.id = e.case_id
        WHERE c.unit_id = %(unit)s""",
    "people identified": """SELECT COUNT(*), MAX(p.identified_on) FROM people_person p
        WHERE p.unit_id = %(unit)s AND p.identified_on BETWEEN %(start)s AND %(end)s""",
}


def best_of(fn, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main(kind):
    configure(fresh_database(kind))
    doc, _generated = city_document()
    _parse, imported = import_city(doc)
    from django.db import connection, connections

    # As when `tongxing import` exits: its connection closes and SQLite folds the import's write-ahead log into
    # the database, which the report then reads directly.
    connections.close_all()

    from tongxing.organisations.models import Unit
    from tongxing.standards.report import fsa_report, quarterly_progress

    unit = Unit.objects.get(code="CITY")
    fy = 2024

    def read(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"unit": unit.pk, "start": f"{fy}-04-01", "end": f"{fy + 1}-03-31"})
            cursor.fetchall()

    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = fsa_report(unit, fy)  # also warms caches once, as a second request would
    report_best, report_median = best_of(lambda: fsa_report(unit, fy))
    page_best, page_median = best_of(lambda: quarterly_progress(unit, fy, fsa_report(unit, fy)["standards"]))
    bound_best, _ = best_of(lambda: read(LOWER_BOUND_SQL), runs=20)
    floor = {name: best_of(lambda sql=sql: read(sql), runs=20)[0] for name, sql in READING_FLOOR_SQL.items()}
    floor_best = sum(floor.values())
    in_year = sum(1 for a in doc["activities"] if f"{fy}-04-01" <= a["start"][:10] <= f"{fy + 1}-03-31")
    print(f"{kind}: {len(doc['activities'])} activities ({in_year} in FY{fy}), {len(doc['people'])} people; "
          f"import {imported:.1f} s")
    print(f"{kind}: full FSA report best {report_best * 1000:.0f} ms (median {report_median * 1000:.0f} ms, "
          f"{len(queries)} queries); "
          f"hand-written SQL aggregate {bound_best * 1000:.1f} ms; ratio {report_best / bound_best:.1f}x")
    print(f"{kind}: reading floor {floor_best * 1000:.1f} ms ({floor_best / bound_best:.1f}x the bound; "
          + ", ".join(f"{name} {t * 1000:.1f}" for name, t in floor.items())
          + f"); the report is {report_best / floor_best:.1f}x the floor")
    print(f"{kind}: report page (return and quarterly progress) best {page_best * 1000:.0f} ms "
          f"(median {page_median * 1000:.0f} ms)")
    print(f"{kind}: OS1={report['standards']['OS1']['achieved']} OS9={report['standards']['OS9']['achieved']} "
          f"OS17={report['standards']['OS17']['achieved']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
