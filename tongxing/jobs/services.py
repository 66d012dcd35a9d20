"""Queueing long jobs: the page that starts one follows its progress; the worker runs it (runner.py)."""

import json

from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .models import Job
from .runner import SPREADSHEET
from .tasks import run_job

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


@transaction.atomic
def start_import(user, upload) -> Job:
    """Queue an exchange file for import; the page that started it follows the job's progress."""
    job = Job.objects.create(kind=Job.Kind.IMPORT, created_by=user, filename=upload.name[:255],
                             payload=b"".join(upload.chunks()))
    record(Action.CREATE, user=user, object_type="jobs.job", object_id=job.pk,
           summary=f"import of {job.filename} queued ({upload.size} bytes)")
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@transaction.atomic
def start_annual_pdf(user, unit, fy) -> Job:
    """Queue a whole year's annual return as a PDF: counting and drawing take longer than a page may wait."""
    job = Job.objects.create(kind=Job.Kind.ANNUAL_PDF, created_by=user, unit_code=unit.code,
                             filename=f"fsa-{unit.code}-{fy}.pdf", payload=json.dumps({"fy": fy}).encode())
    record(Action.EXPORT, user=user, obj=unit, unit_code=unit.code, summary=f"annual return {fy} as pdf queued")
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@transaction.atomic
def start_sheet_import(user, unit, kind, name, content: bytes, mapping) -> Job:
    """Queue a checked spreadsheet: the worker checks it again against the unit as it then is, and writes it."""
    import base64

    payload = json.dumps({"format": SPREADSHEET, "unit": unit.code, "kind": kind, "name": name,
                          "mapping": mapping, "content": base64.b64encode(content).decode()}).encode()
    job = Job.objects.create(kind=Job.Kind.IMPORT, created_by=user, filename=name[:255], unit_code=unit.code,
                             payload=payload)
    record(Action.CREATE, user=user, object_type="jobs.job", object_id=job.pk, unit_code=unit.code,
           summary=f"spreadsheet import of {job.filename} ({kind}) queued ({len(content)} bytes)")
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job
