import sys

from django.core.management.base import BaseCommand

from tongxing.audit.models import Event
from tongxing.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Audit trail: `audit verify` checks the hash chain and names every event that was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        problems = verify_chain()
        total = Event.objects.count()
        for p in problems:
            self.stdout.write(f"event {p.event_id}: {p.problem}")
        if problems:
            self.stdout.write(f"audit chain BROKEN: {len(problems)} problem(s) in {total} events")
            sys.exit(1)
        self.stdout.write(f"audit chain intact: {total} events")
