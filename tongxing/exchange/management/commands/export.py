import sys

from django.core.management.base import BaseCommand, CommandError

from tongxing.exchange.selectors import dumps, export_unit
from tongxing.lib.db import ensure_migrated
from tongxing.organisations.models import Unit


class Command(BaseCommand):
    help = "Write a unit's records as one exchange file (EXCHANGE.md) to standard output or --output."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, unit, output, **options):
        ensure_migrated()
        found = Unit.objects.select_related("organisation").filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        text = dumps(export_unit(found))
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
