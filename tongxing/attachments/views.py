"""Adding, downloading and removing files on a person, case or referral; scope.py decides who may."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tongxing.accounts.scope import (
    attachments_for,
    cases_for,
    may_attach,
    may_remove_attachment,
    people_for,
)
from tongxing.activities.selectors import referrals_for
from tongxing.cases.models import Case, Referral

from . import services
from .forms import AttachmentForm, RemoveAttachmentForm


def page_of(record) -> str:
    """The page showing a record's files, at their section."""
    if isinstance(record, Referral):
        url = reverse("activities:referral", args=[record.pk])
    elif isinstance(record, Case):
        url = reverse("case-detail", args=[record.pk])
    else:
        url = reverse("person-detail", args=[record.pk])
    return f"{url}#attachments"


def _attach(request, record):
    if not may_attach(request.user, record):
        raise PermissionDenied("may not add files to this record")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(page_of(record))
    upload = form.cleaned_data["file"]
    try:
        attachment = services.attach(record, name=upload.name, data=services.read_upload(upload),
                                     description=form.cleaned_data["description"], user=request.user,
                                     request=request)
    except ValidationError as error:
        messages.error(request, _("The file was not attached: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, _("Attached %(name)s.") % {"name": attachment.filename})
    return redirect(page_of(record))


@require_POST
@login_required
def attach_to_person(request, pk):
    return _attach(request, get_object_or_404(people_for(request.user), pk=pk))


@require_POST
@login_required
def attach_to_case(request, pk):
    return _attach(request, get_object_or_404(cases_for(request.user), pk=pk))


@require_POST
@login_required
def attach_to_referral(request, pk):
    return _attach(request, get_object_or_404(referrals_for(request.user), pk=pk))


@require_GET
@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(attachments_for(request.user).select_related("unit"), pk=pk)
    data = services.download(attachment, user=request.user, request=request)
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Content-Length"] = str(len(data))
    # The browser saves the file, never guesses another type for it, and runs nothing inside it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def attachment_remove(request, pk):
    attachment = get_object_or_404(attachments_for(request.user).select_related(
        "unit", "person", "case", "referral"), pk=pk)
    if not may_remove_attachment(request.user, attachment):
        raise PermissionDenied("only the one who attached it or a supervisor")
    form = RemoveAttachmentForm(request.POST)
    if form.is_valid():
        services.remove(attachment, reason=form.cleaned_data["reason"], user=request.user, request=request)
        messages.success(request, _("Removed %(name)s.") % {"name": attachment.filename})
    else:
        messages.error(request, _("Say why the file is removed."))
    return redirect(page_of(attachment.on))
