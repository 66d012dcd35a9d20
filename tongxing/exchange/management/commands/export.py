import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.exchange.selectors import dumps, export_unit
from tongxing.lib.db import ensure_migrated
from tongxing.organisations.models import Unit
from tongxing.privacy.deidentify import deidentify as deidentify_document
from tongxing.privacy.services import REDISCLOSURE_NOTICE


class Command(BaseCommand):
    help = "Write a unit's records as one exchange file (EXCHANGE.md) to standard output or --output."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--deidentify", action="store_true",
                            help="no names or free text, pseudonymous ids, age bands instead of birth dates")

    def handle(self, *args, unit, output, deidentify, **options):
        ensure_migrated()
        found = Unit.objects.select_related("organisation").filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        document = export_unit(found)
        with transaction.atomic():
            if deidentify:
                text = json.dumps(deidentify_document(document, timezone.localdate()), ensure_ascii=False,
                                  indent=1) + "\n"
            else:
                text = dumps(document, notice=REDISCLOSURE_NOTICE)
            record(Action.EXPORT, object_type="organisations.unit", object_id=found.pk, unit_code=found.code,
                   summary=f"exchange export{' (de-identified)' if deidentify else ''} via command line")
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
