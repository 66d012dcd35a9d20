import sys

from django.core.management.base import BaseCommand

from tongxing.audit import checkpoints
from tongxing.audit.selectors import verify_trail


class Command(BaseCommand):
    help = ("Audit trail: `audit verify` checks the keyed chain and the signed checkpoints and names every "
            "event that was tampered with; `audit checkpoint` signs the trail's head into the checkpoint file.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            c = checkpoints.take()
            self.stdout.write(f"checkpoint: {c.count} events, head {c.digest[:16] or '-'} at {c.at} "
                              f"-> {checkpoints.path()}")
            return
        problems, total = verify_trail()
        for p in problems:
            self.stdout.write(f"event {p.event_id}: {p.problem}" if p.event_id is not None else p.problem)
        if problems:
            self.stdout.write(f"audit trail BROKEN: {len(problems)} problem(s) in {total} events")
            sys.exit(1)
        signed, _ = checkpoints.read()
        self.stdout.write(f"audit chain intact: {total} events; {len(signed)} signed checkpoint(s) agree")
