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
        parser.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                            help="give up, writing no backup, when the database stays locked this long (default 60)")

    def handle(self, *args, file, dir, keep, wait, **options):
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
            self._copy(db, sqlite, target, wait)
        except BaseException:
            # Never leave half a copy behind, where --keep would count it as a backup.
            target.unlink(missing_ok=True)
            raise
        finally:
            os.umask(previous)
        self.stdout.write(f"backup written to {target}")
        if keep is not None:
            # Names sort by time; only this command's own names are ever deleted.
            dated = sorted(p for p in target.parent.iterdir() if BACKUP_NAME.fullmatch(p.name))
            for old in dated[:-keep]:
                old.unlink()
                self.stdout.write(f"removed old backup {old}")

    def _copy(self, db, sqlite, target, wait):
        if sqlite:
            self._sqlite_copy(target, wait)
        else:
            # pg_dump waits for its table locks (a migration holds them) at most --wait seconds.
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--lock-wait-timeout={int(wait * 1000)}",
                                     "--file", str(target)],
                                    env={**os.environ, **pg_env(db)}, capture_output=True, text=True, check=False)
            if result.returncode:
                reason = result.stderr.strip()
                if "canceling statement due to statement timeout" in reason:
                    reason = (f"a table stayed locked for {wait:g} seconds (a migration or a transaction left open). "
                              f"Try again when it has finished, or give --wait. ({reason})")
                raise CommandError(f"no backup written: {reason}")

    def _sqlite_copy(self, target, wait):
        """SQLite's online copy, a few pages a step. A step answers BUSY or LOCKED while a write transaction
        holds the database, and Python's backup() retries those for ever: a copy taken on a connection
        whose own write transaction is open (inside transaction.atomic) can never finish. So the copy
        stops when no step has progressed for `wait` seconds."""
        connection.ensure_connection()
        last = {"moved": time.monotonic()}

        def progress(status, remaining, total):
            now = time.monotonic()
            if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                last["moved"] = now
            elif now - last["moved"] > wait:
                raise CommandError(
                    f"no backup written: the database stayed locked by a write for {wait:g} seconds "
                    "(a long import or a transaction left open). Try again when it has finished, or give --wait.")

        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest, pages=1024, progress=progress, sleep=0.1)
        finally:
            dest.close()
