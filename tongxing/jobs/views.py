from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import can_manage

from . import progress, runner, services
from .models import Job

RECENT = 20


def _job_for(request, pk):
    """A user follows only the jobs they started; one whose worker was killed is shown as not done."""
    job = get_object_or_404(Job.objects.defer("payload"), pk=pk, created_by=request.user)
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


@require_GET
@login_required
def job_page(request, pk):
    return render(request, "jobs/job.html", {"job": progress.current(_job_for(request, pk))})


@require_GET
@login_required
def job_progress(request, pk):
    """The progress bar alone, polled by the job's page while it runs."""
    return render(request, "jobs/_progress.html", {"job": progress.current(_job_for(request, pk))})
