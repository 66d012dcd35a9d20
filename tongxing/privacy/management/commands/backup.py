import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tongxing.audit.models import Action
from tongxing.audit.services import record

BACKUP_NAME = re.compile(r"tongxing-\d{8}-\d{6}\.(sqlite3|dump)")


def pg_env(db):
    env = {"PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or "",
           "PGDATABASE": db["NAME"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v}


class Command(BaseCommand):
    help = "Back up the whole database to a file (SQLite: online copy; PostgreSQL: pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="default: DIR/tongxing-YYYYmmdd-HHMMSS.(sqlite3|dump)")
        parser.add_argument("--dir", help="folder for a backup named by its time (default: var/backups)")
        parser.add_argument("--keep", type=int, metavar="N",
                            help="then delete all but the newest N backups named by their time in that folder")

    def handle(self, *args, file, dir, keep, **options):
        db = settings.DATABASES["default"]
        sqlite = db["ENGINE"].endswith("sqlite3")
        if keep is not None and (keep < 1 or file is not None):
            raise CommandError("--keep needs N of at least 1, and a backup named by its time (no FILE)")
        if file is None:
            folder = Path(dir) if dir else settings.HOME / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            file = folder / f"tongxing-{time.strftime('%Y%m%d-%H%M%S')}.{'sqlite3' if sqlite else 'dump'}"
        target = Path(file)
        # The backup event goes in before the copy so the copy carries its own record.
        record(Action.EXPORT, object_type="database", object_id=db["NAME"] if sqlite else db["NAME"],
               summary=f"backup to {target.name}")
        # A backup holds every record: readable by its owner only, however the process's umask is set.
        previous = os.umask(0o077)
        try:
            if target.exists():
                target.chmod(0o600)
            self._copy(db, sqlite, target)
        finally:
            os.umask(previous)
        self.stdout.write(f"backup written to {target}")
        if keep is not None:
            # Names sort by time; only this command's own names are ever deleted.
            dated = sorted(p for p in target.parent.iterdir() if BACKUP_NAME.fullmatch(p.name))
            for old in dated[:-keep]:
                old.unlink()
                self.stdout.write(f"removed old backup {old}")

    def _copy(self, db, sqlite, target):
        if sqlite:
            connection.ensure_connection()
            with sqlite3.connect(target) as dest:
                connection.connection.backup(dest)
        else:
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)],
                                    env={**os.environ, **pg_env(db)}, capture_output=True, text=True, check=False)
            if result.returncode:
                raise CommandError(result.stderr.strip())
