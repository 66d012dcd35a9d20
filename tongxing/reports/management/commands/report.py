import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.lib.db import ensure_migrated
from tongxing.organisations.models import Unit
from tongxing.standards.report import annual_return_document, fsa_report


class Command(BaseCommand):
    help = ("Compute a report: `report fsa --unit CODE --fy 2024`, `report taiwan --unit CODE --year 2017 "
            "[--month 1]`, `report project --project CODE`; each `--format json|xlsx|pdf` (docs/reports.md).")

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["fsa", "taiwan", "project"])
        parser.add_argument("--unit", help="unit code (fsa, taiwan; project: when two units share a code)")
        parser.add_argument("--fy", type=int, help="fsa: financial year starting 1 April")
        parser.add_argument("--year", type=int, help="taiwan: calendar year (Gregorian, e.g. 2017 = 民國 106)")
        parser.add_argument("--month", type=int, help="taiwan: one month of the year (1-12)")
        parser.add_argument("--project", help="project: the project's code")
        parser.add_argument("--precision", action="append", default=[], metavar="TABLE=DECIMALS",
                            help="taiwan: decimals of one table's shares (e.g. age=1); repeatable")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", "-o", help="file to write (xlsx/pdf default: REPORT-...EXT)")

    def handle(self, *args, report, unit, fy, format, output, **options):
        ensure_migrated()
        if report == "taiwan":
            return self.taiwan(unit, options["year"], options["month"], options["precision"], format, output)
        if report == "project":
            return self.project(options["project"], unit, format, output)
        if unit is None or fy is None:
            raise CommandError("report fsa needs --unit CODE and --fy YEAR")
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        # The human reports (xlsx, pdf) follow the product's language.
        data = annual_return_document(found, fy) if format == "json" else fsa_report(found, fy)
        with transaction.atomic():
            record(Action.EXPORT, object_type="organisations.unit", object_id=found.pk, unit_code=found.code,
                   summary=f"annual return {fy} as {format} via command line")
        if format == "json":
            return self.write_json(data, output)
        from tongxing.reports import render

        content = render.fsa_xlsx(found, data) if format == "xlsx" else render.fsa_pdf(found, data)
        self.write_file(content, output or f"fsa-{unit}-{fy}.{format}")

    def write_json(self, data, output):
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)

    def write_file(self, content: bytes, path: str):
        with open(path, "wb") as fh:
            fh.write(content)
        self.stdout.write(f"wrote {path}")

    def taiwan(self, unit, year, month, precision, format, output):
        from tongxing.prevention.document import statistics_document
        from tongxing.prevention.services import record_export
        from tongxing.prevention.statistics import Span, report

        if unit is None or year is None:
            raise CommandError("report taiwan needs --unit CODE and --year YEAR")
        if not 1900 <= year <= 2200 or month is not None and not 1 <= month <= 12:
            raise CommandError("--year must be a Gregorian year (1900-2200) and --month 1-12")
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        span = Span.month(year, month) if month else Span.year(year)
        try:
            data = report(found, span, precision=parse_precision(precision))
        except ValueError as error:
            raise CommandError(str(error)) from None
        record_export(unit=found, user=None, fmt=format, span=span, request=None)
        if format == "json":
            return self.write_json(statistics_document(found, data), output)
        from tongxing.lib.roc import GREGORIAN, ROC
        from tongxing.prevention import render

        calendar = ROC if found.timezone == "Asia/Taipei" else GREGORIAN
        content = (render.statistics_xlsx(found, data, calendar) if format == "xlsx"
                   else render.statistics_pdf(found, data, calendar))
        self.write_file(content, output or f"taiwan-{unit}-{span.start}-{span.end}.{format}")

    def project(self, code, unit, format, output):
        from tongxing.projects import render
        from tongxing.projects.document import project_document
        from tongxing.projects.models import Project
        from tongxing.projects.selectors import dashboard

        if code is None:
            raise CommandError("report project needs --project CODE")
        found = Project.objects.filter(code=code).select_related("unit__organisation")
        if unit is not None:
            found = found.filter(unit__code=unit)
        projects = list(found[:2])
        if not projects:
            raise CommandError(f"no project with code {code!r}")
        if len(projects) > 1:
            raise CommandError(f"two units have a project {code!r}: name one with --unit")
        project = projects[0]
        figures = dashboard(project)
        with transaction.atomic():
            record(Action.EXPORT, obj=project, unit_code=project.unit.code,
                   summary=f"{project.code} final report {format} via command line")
        if format == "json":
            return self.write_json(project_document(project, figures), output)
        content = render.project_xlsx(project, figures) if format == "xlsx" else render.project_pdf(project, figures)
        self.write_file(content, output or f"project-{project.pk}.{format}")


def parse_precision(values: list[str]) -> dict[str, int]:
    """`["age=1", "contacts=2"]` → {"age": 1, "contacts": 2}."""
    chosen = {}
    for value in values:
        table, _sep, places = value.partition("=")
        if not places.isdigit():
            raise CommandError(f"--precision {value!r}: write TABLE=DECIMALS, e.g. age=1")
        chosen[table.strip()] = int(places)
    return chosen
