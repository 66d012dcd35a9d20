from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background task worker (web imports, whole-year PDFs): it takes jobs from the "
        "database queue. `tongxing serve` starts one; run more on other machines if needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run the jobs waiting now, then exit")

    def handle(self, *args, batch, **options):
        from tongxing.jobs.runner import recover_abandoned

        # A job left running by a worker that was killed would show "running" for ever.
        for pk in recover_abandoned():
            self.stderr.write(f"job {pk}: its worker had stopped; marked not done")
        call_command("db_worker", queue_name="*", interval=1, batch=batch, reload=False, startup_delay=not batch,
                     verbosity=options["verbosity"])
