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
    help = "Compute a report: `report fsa --unit CODE --fy 2024 --format json|xlsx|pdf`."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["fsa"])
        parser.add_argument("--unit", required=True)
        parser.add_argument("--fy", type=int, required=True, help="financial year starting 1 April")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", "-o", help="file to write (xlsx/pdf default: fsa-UNIT-FY.EXT)")

    def handle(self, *args, report, unit, fy, format, output, **options):
        ensure_migrated()
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        # The human reports (xlsx, pdf) follow the product's language.
        data = annual_return_document(found, fy) if format == "json" else fsa_report(found, fy)
        with transaction.atomic():
            record(Action.EXPORT, object_type="organisations.unit", object_id=found.pk, unit_code=found.code,
                   summary=f"annual return {fy} as {format} via command line")
        if format == "json":
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                sys.stdout.write(text)
            return
        from tongxing.reports import render

        path = output or f"fsa-{unit}-{fy}.{format}"
        content = render.fsa_xlsx(found, data) if format == "xlsx" else render.fsa_pdf(found, data)
        with open(path, "wb") as fh:
            fh.write(content)
        self.stdout.write(f"wrote {path}")
