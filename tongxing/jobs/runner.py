"""Running a queued job in the worker (`tongxing worker`): the import, its progress and its refusals."""

import json
import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxing.accounts.scope import access_of, units_for
from tongxing.exchange.schema import COLLECTIONS, loads, parse
from tongxing.exchange.services import ImportBusy, ImportRefused, import_document

from .models import Job
from .progress import Reporter

log = logging.getLogger(__name__)

SPREADSHEET = "tongxing-spreadsheet"


class Refused(Exception):
    """The job cannot be done as asked; its lines say why, in the words the user sees."""

    def __init__(self, *lines):
        super().__init__(*lines)
        self.lines = list(lines)


def _sheet_import(job, doc, reporter):
    import base64

    from tongxing.exchange.spreadsheet import check, commit
    from tongxing.organisations.models import Unit

    unit = units_for(job.created_by).filter(code=doc["unit"]).first()
    if unit is None and job.created_by.is_superuser:
        unit = Unit.objects.filter(code=doc["unit"]).first()
    if unit is None:
        raise Refused(_("This file is for unit %(code)s, which is not yours to import into; nothing was imported.")
                      % {"code": doc["unit"]})
    reporter(_("Checking every record"), 0, 0, force=True)
    outcome = check(unit, doc["kind"], doc["name"], base64.b64decode(doc["content"]), mapping=doc["mapping"])
    if outcome.problems:
        raise Refused(*[str(p) for p in outcome.problems[:200]],
                      _("%(n)s problem(s); nothing was imported.") % {"n": len(outcome.problems)})
    total = sum(len(outcome.document.records[name]) for name in COLLECTIONS)
    written = {}

    def progress(name, done, _of):
        written[name] = done
        reporter(name.replace("_", " "), sum(written.values()), total)

    summary = commit(outcome, progress=progress)
    job.step, job.done, job.total = "", total, total
    verdict = _("imported") if summary.changed else _("already up to date; nothing changed")
    return [*summary.lines(), f"{job.unit_code}: {verdict}"]


def this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(worker):
    """True when the job's worker ran on this machine and its process no longer exists."""
    if not worker:
        return True  # started before workers were named: no worker can still be running it
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker; that machine's worker recovers it when it starts again
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return int(pid) != os.getpid() and _is_zombie(int(pid))


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def recover_abandoned(jobs=None):
    """Mark not done the running jobs whose worker was killed (an import writes all or nothing, so nothing
    of it was written). The worker calls this when it starts, and a job's page when it is looked at."""
    from tongxing.audit.models import Action
    from tongxing.audit.services import record

    running = Job.objects.filter(state=Job.State.RUNNING) if jobs is None else jobs
    recovered = []
    for pk, worker in running.filter(state=Job.State.RUNNING).values_list("pk", "worker"):
        if not _gone(worker):
            continue
        with transaction.atomic():
            job = Job.objects.select_for_update().defer("payload").get(pk=pk)
            if job.state != Job.State.RUNNING or job.worker != worker:
                continue
            access = access_of(job.created_by)
            with translation.override((access.language if access else "") or settings.LANGUAGE_CODE):
                job.lines = [_("The background worker stopped while running this job (it was restarted or "
                               "killed); nothing was imported. Start the import again.")]
            job.state, job.payload, job.finished_at = Job.State.FAILED, None, timezone.now()
            job.save(update_fields=["state", "lines", "payload", "finished_at"])
            record(Action.CHANGE, object_type="jobs.job", object_id=job.pk, unit_code=job.unit_code,
                   summary=f"job {job.pk} marked not done: its worker {worker or '(unnamed)'} had stopped")
        Reporter(pk).close()
        log.warning("job %s marked not done: its worker %s had stopped", pk, worker)
        recovered.append(pk)
    return recovered


def run(job_id):
    """Run a queued job to its end: finished with its summary, or not done with the reasons."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.state != Job.State.QUEUED:
            return job.state  # another worker took it, or it already ran
        job.state, job.started_at, job.worker = Job.State.RUNNING, timezone.now(), this_worker()
        job.save(update_fields=["state", "started_at", "worker"])
    reporter = Reporter(job.pk)
    access = access_of(job.created_by)
    try:
        # The job speaks the language of the person who started it, whatever the worker's.
        with translation.override((access.language if access else "") or settings.LANGUAGE_CODE):
            job.lines = (_annual_pdf if job.kind == Job.Kind.ANNUAL_PDF else _import)(job, reporter)
        job.state = Job.State.DONE
    except Refused as e:
        job.lines, job.state = e.lines, Job.State.FAILED
    except Exception:
        log.exception("job %s failed", job.pk)
        with translation.override((access.language if access else "") or settings.LANGUAGE_CODE):
            job.lines = [_("The job stopped on an error of the system. "
                           "The administrator can find it in the server's log.") if job.kind == Job.Kind.ANNUAL_PDF
                         else _("The import stopped on an error of the system; nothing was imported. "
                                "The administrator can find it in the server's log.")]
        job.state = Job.State.FAILED
    finally:
        reporter.close()
    job.payload, job.finished_at = None, timezone.now()
    job.save(update_fields=["state", "lines", "payload", "result", "finished_at", "unit_code", "step", "done",
                            "total"])
    return job.state


def _annual_pdf(job, reporter):
    from tongxing.reports import render
    from tongxing.standards.report import fsa_report

    unit = units_for(job.created_by).filter(code=job.unit_code).first()
    if unit is None:
        raise Refused(_("Unit %(code)s is not yours to report on.") % {"code": job.unit_code})
    fy = json.loads(bytes(job.payload))["fy"]
    reporter(_("Counting the year"), 0, 2, force=True)
    report = fsa_report(unit, fy)
    reporter(_("Drawing the PDF"), 1, 2, force=True)
    job.result = render.fsa_pdf(unit, report)
    job.step, job.done, job.total = "", 2, 2
    return [_("The annual return %(fy)s–%(next)s of %(unit)s is ready.") % {"fy": fy, "next": fy + 1, "unit": unit}]


def _import(job, reporter):
    reporter(_("Reading the file"), 0, 0, force=True)
    try:
        doc = loads(bytes(job.payload).decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(_("The file is not UTF-8 text; nothing was imported.")) from None
    except json.JSONDecodeError as e:
        raise Refused(_("The file is not valid JSON (line %(line)s, column %(col)s); nothing was imported.")
                      % {"line": e.lineno, "col": e.colno}) from None
    except ValueError as e:  # NaN, Infinity, nesting too deep
        raise Refused(f"(document): {e}", _("%(n)s problem(s); nothing was imported.") % {"n": 1}) from None
    if isinstance(doc, dict) and doc.get("format") == SPREADSHEET:
        return _sheet_import(job, doc, reporter)
    reporter(_("Checking every record"), 0, 0, force=True)
    document, problems = parse(doc)
    if problems:
        raise Refused(*problems[:200], _("%(n)s problem(s); nothing was imported.") % {"n": len(problems)})
    job.unit_code = document.unit["code"]
    user = job.created_by
    mine = units_for(user).filter(code=job.unit_code).exists()
    if not mine and not user.is_superuser:
        raise Refused(_("This file is for unit %(code)s, which is not yours to import into; nothing was imported.")
                      % {"code": job.unit_code})
    total = sum(len(document.records[name]) for name in COLLECTIONS)
    written = {}
    labels = {name: name.replace("_", " ") for name in COLLECTIONS}

    def progress(name, done, _of):
        written[name] = done
        reporter(labels.get(name, name), sum(written.values()), total)

    try:
        summary = import_document(document, progress=progress)
    except ImportRefused as e:
        raise Refused(*e.problems, _("%(n)s problem(s); nothing was imported.") % {"n": len(e.problems)}) from None
    except ImportBusy:
        raise Refused(_("Another import is running; try again when it has finished. Nothing was imported.")) from None
    job.step, job.done, job.total = "", total, total
    verdict = _("imported") if summary.changed else _("already up to date; nothing changed")
    return [*summary.lines(), f"{job.unit_code}: {verdict}"]
