"""Progress of a running job, visible to every app server while the job's own transaction is open.

An import writes all or nothing in one transaction, so its progress cannot travel in that
transaction. PostgreSQL: a second, autocommitting connection updates the job's row. SQLite allows one
writer at a time and the import is it, so progress goes to a small file beside the database (SQLite
serves from one machine, whose processes all see the file).
"""

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

EVERY_SECONDS = 0.5


def _file(job_id) -> Path:
    return Path(settings.TONGXING_JOBS_DIR) / f"job-{job_id}.progress.json"


class Reporter:
    """Called with (step, done, total); writes at most twice a second, and always the last call."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.last = 0.0
        self.raw = None

    def __call__(self, step, done, total, force=False):
        now = time.monotonic()
        if not force and now - self.last < EVERY_SECONDS:
            return
        self.last = now
        if connection.vendor == "postgresql":
            if self.raw is None:
                self.raw = connection.get_new_connection(connection.get_connection_params())
                self.raw.autocommit = True
            with self.raw.cursor() as cursor:
                cursor.execute("UPDATE jobs_job SET step = %s, done = %s, total = %s WHERE id = %s",
                               [step, done, total, self.job_id])
        else:
            path = _file(self.job_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps([step, done, total]))
            os.replace(tmp, path)

    def close(self):
        if self.raw is not None:
            self.raw.close()
            self.raw = None
        _file(self.job_id).unlink(missing_ok=True)


def current(job):
    """The job with its latest progress filled in (from the side file on SQLite)."""
    if connection.vendor != "postgresql" and not job.finished:
        try:
            job.step, job.done, job.total = json.loads(_file(job.pk).read_text())
        except (OSError, ValueError):
            pass
    return job
