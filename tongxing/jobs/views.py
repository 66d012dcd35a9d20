from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxing.accounts.scope import can_manage
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.organisations.selectors import units_for

from . import progress, runner, services
from .models import Job

RECENT = 20


def _job_for(request, pk):
    """A user follows only the jobs they started; one whose worker was killed is shown as not done."""
    job = get_object_or_404(Job.objects.defer("payload", "result"), pk=pk, created_by=request.user)
    if job.state == Job.State.RUNNING and runner.recover_abandoned(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request):
    """Import a unit's exchange file from the browser: it runs in the background, with a progress bar."""
    if not can_manage(request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.size:
            error = _("Choose an exchange file (.json) to import.")
        elif upload.size > services.MAX_UPLOAD_BYTES:
            error = _("The file is larger than %(mb)s MB.") % {"mb": services.MAX_UPLOAD_BYTES // 2**20}
        else:
            job = services.start_import(request.user, upload)
            return redirect("jobs:job", job.pk)
    jobs = Job.objects.defer("payload").filter(created_by=request.user, kind=Job.Kind.IMPORT)[:RECENT]
    return render(request, "jobs/import.html", {"jobs": jobs, "error": error}, status=400 if error else 200)


@require_POST
@login_required
def annual_pdf(request, unit, fy):
    """The whole year's annual return as a PDF, made in the background; its page shows the progress."""
    unit = get_object_or_404(units_for(request.user), code=unit)
    return redirect("jobs:job", services.start_annual_pdf(request.user, unit, fy).pk)


@require_GET
@login_required
def job_result(request, pk):
    """Download what a finished job made (only its starter may); the download is audited."""
    job = get_object_or_404(Job.objects.filter(created_by=request.user, state=Job.State.DONE, result__isnull=False),
                            pk=pk)
    with transaction.atomic():
        record(Action.EXPORT, request=request, object_type="jobs.job", object_id=job.pk, unit_code=job.unit_code,
               summary=f"download of {job.filename}")
    response = HttpResponse(bytes(job.result), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@require_GET
@login_required
def job_page(request, pk):
    return render(request, "jobs/job.html", {"job": progress.current(_job_for(request, pk))})


@require_GET
@login_required
def job_progress(request, pk):
    """The progress bar alone, polled by the job's page while it runs."""
    return render(request, "jobs/_progress.html", {"job": progress.current(_job_for(request, pk))})
