import sys
import time

from django.core.management.base import BaseCommand

from tongxing.exchange.schema import loads, parse
from tongxing.exchange.services import ImportBusy, ImportRefused, import_document, import_lock
from tongxing.lib.collector import cycle_collector_paused
from tongxing.lib.db import ensure_migrated
from tongxing.lib.progress import Progress


class Command(BaseCommand):
    help = "Import a unit's records from an exchange file (all or nothing; see EXCHANGE.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="exchange JSON file, or - for standard input; or a spreadsheet (.xlsx, .csv)")
        parser.add_argument("--kind", help="spreadsheets: the kind of record the file holds "
                                           "(people, cases, activities, group_sessions, groups, referrals, "
                                           "involvements, collaborations, medical_assessments, feedback)")
        parser.add_argument("--unit", help="spreadsheets: the code of the unit the records belong to")
        parser.add_argument("--map", action="append", default=[], metavar="HEADING=COLUMN",
                            help="spreadsheets: read the file's HEADING as the template's COLUMN (repeatable; "
                                 "an empty COLUMN ignores the heading)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument("--progress", action="store_true",
                            help="show the progress bar on standard error even when it is not a terminal")

    @cycle_collector_paused()  # reading the file too: see import_document
    def handle(self, *args, file, progress, **options):
        if file.lower().endswith((".xlsx", ".xlsm", ".csv")):
            return self.spreadsheet(file, progress=progress, **options)
        started = time.perf_counter()
        try:
            with (sys.stdin if file == "-" else open(file, encoding="utf-8")) as fh:
                doc = loads(fh.read())
        except (OSError, ValueError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            self.refuse([f"{file}: {e}"])
        document, problems = parse(doc)
        if problems:
            self.refuse(problems)
        try:
            with import_lock(on_wait=lambda: self.stderr.write("waiting for another import to finish…")):
                ensure_migrated()
                summary = import_document(document, progress=Progress(self.stderr._out, always=progress))
        except ImportRefused as e:
            self.refuse(e.problems)
        except ImportBusy as e:
            self.stderr.write(f"{file}: {e}; nothing was imported.")
            sys.exit(2)
        for line in summary.lines():
            self.stdout.write(line)
        verdict = "imported" if summary.changed else "already up to date; nothing changed"
        self.stdout.write(f"unit {summary.unit}: {verdict} in {time.perf_counter() - started:.1f} s")

    def spreadsheet(self, file, *, kind, unit, map, dry_run, progress, **options):
        from django.utils import translation

        from tongxing.exchange.spreadsheet import KINDS, check, commit
        from tongxing.organisations.models import Unit

        ensure_migrated()
        translation.activate(translation.get_language() or "zh-hant")
        if kind not in KINDS:
            self.refuse([f"--kind: choose one of {', '.join(KINDS)}"])
        target = Unit.objects.filter(code=unit).first() if unit else (
            Unit.objects.first() if Unit.objects.count() == 1 else None)
        if target is None:
            self.refuse([f"--unit: no unit {unit!r}" if unit else "--unit: name the unit the records belong to"])
        mapping = {}
        for pair in map:
            heading, sep, column = pair.partition("=")
            if not sep:
                self.refuse([f"--map {pair}: write HEADING=COLUMN"])
            mapping[heading.strip()] = column.strip()
        try:
            with open(file, "rb") as fh:
                content = fh.read()
        except OSError as e:
            self.refuse([f"{file}: {e}"])
        outcome = check(target, kind, file, content, mapping=mapping)
        if outcome.problems:
            self.refuse([str(p) for p in outcome.problems])
        if dry_run:
            self.stdout.write(f"{file}: {outcome.rows} record(s) checked, no problems; nothing written (--dry-run)")
            return
        summary = commit(outcome, progress=Progress(self.stderr._out, always=progress))
        for line in summary.lines():
            self.stdout.write(line)
        verdict = "imported" if summary.changed else "already up to date; nothing changed"
        self.stdout.write(f"unit {summary.unit}: {verdict}")

    def refuse(self, problems):
        for line in problems:
            # A file's keys may hold unpaired surrogates, which no terminal can print.
            self.stderr.write(line.encode("utf-8", "backslashreplace").decode("utf-8"))
        self.stderr.write(f"{len(problems)} problem(s); nothing was imported.")
        sys.exit(2)
