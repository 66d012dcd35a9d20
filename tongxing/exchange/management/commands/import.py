import json
import sys
import time

from django.core.management.base import BaseCommand

from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.lib.db import ensure_migrated
from tongxing.lib.progress import Progress


class Command(BaseCommand):
    help = "Import a unit's records from an exchange file (all or nothing; see EXCHANGE.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="exchange JSON file, or - for standard input")

    def handle(self, *args, file, **options):
        started = time.perf_counter()
        try:
            with (sys.stdin if file == "-" else open(file, encoding="utf-8")) as fh:
                doc = json.load(fh)
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
            self.stderr.write(f"{file}: {e}")
            sys.exit(2)
        document, problems = parse(doc)
        if problems:
            for line in problems:
                self.stderr.write(line)
            self.stderr.write(f"{len(problems)} problem(s); nothing was imported.")
            sys.exit(2)
        ensure_migrated()
        summary = import_document(document, progress=Progress(self.stderr._out))
        for line in summary.lines():
            self.stdout.write(line)
        verdict = "imported" if summary.changed else "already up to date; nothing changed"
        self.stdout.write(f"unit {summary.unit}: {verdict} in {time.perf_counter() - started:.1f} s")
