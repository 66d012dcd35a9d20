import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import pg_env


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `tongxing backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes, **options):
        source = Path(file)
        if not source.exists():
            raise CommandError(f"no such file: {source}")
        db = settings.DATABASES["default"]
        if not yes and input(f"Replace every record in {db['NAME']} with {source}? [y/N] ").lower() != "y":
            raise CommandError("not restored")
        if db["ENGINE"].endswith("sqlite3"):
            connection.ensure_connection()
            with sqlite3.connect(source) as src:
                src.backup(connection.connection)
        else:
            connection.close()
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                     "--dbname", db["NAME"], str(source)],
                                    env={**os.environ, **pg_env(db)}, capture_output=True, text=True, check=False)
            if result.returncode:
                raise CommandError(result.stderr.strip())
        self.stdout.write(f"restored {db['NAME']} from {source}")
