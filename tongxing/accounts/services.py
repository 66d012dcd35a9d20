"""Second-factor changes: each one audited in its transaction and told to the account's owner."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.utils import formats, timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongxing.audit.models import Action
from tongxing.audit.services import client_ip, record

from .models import NoticeKind, SecurityNotice

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def has_second_factor(user) -> bool:
    """A confirmed authenticator or recovery codes: such an account signs in only through the second step."""
    return user_has_device(user, confirmed=True)


def notify(user, kind, request=None, by=None):
    SecurityNotice.objects.create(user=user, kind=kind, ip=client_ip(request),
                                  by=by.get_username() if by is not None else "")


def show_notices(request, user):
    """At sign-in: every second-factor change since the last one, then marked as shown."""
    pending = list(SecurityNotice.objects.filter(user=user, shown=False))
    for notice in pending:
        when = formats.date_format(timezone.localtime(notice.at), "DATETIME_FORMAT")
        messages.warning(request, f"{when}: {notice.get_kind_display()}")
    if pending:
        SecurityNotice.objects.filter(pk__in=[n.pk for n in pending]).update(shown=True)


def confirm_device(request, device) -> list[str]:
    """The authenticator's first code was right: it becomes a second factor. A first enrolment also gets
    recovery codes, returned to be shown once."""
    user = request.user
    with transaction.atomic():
        first = not has_second_factor(user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(Action.CHANGE, request=request, obj=user, summary="two-factor device added")
        notify(user, NoticeKind.DEVICE_ADDED, request, by=user)
        codes = new_recovery_codes(request, user, notice=False) if first else []
    return codes


def new_recovery_codes(request, user, notice=True) -> list[str]:
    """Replaces the account's recovery codes; each works once. Only the returned list ever holds them in
    readable form outside the database."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        record(Action.CHANGE, request=request, obj=user, summary="recovery codes made")
        if notice:
            notify(user, NoticeKind.RECOVERY_CODES, request, by=request.user)
    return codes


def recovery_code_used(request, user):
    with transaction.atomic():
        record(Action.LOGIN, request=request, user=user, summary="second factor verified with a recovery code")
        notify(user, NoticeKind.RECOVERY_CODE_USED, request, by=user)


def reset_second_factor(request, target):
    """A supervisor or administrator removes every authenticator and recovery code of a login that lost them;
    the owner pairs a new authenticator at their next sign-in."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=target).delete()[0]
        StaticDevice.objects.filter(user=target).delete()
        record(Action.DELETE, request=request, obj=target, summary="second factor reset",
               changes={"authenticators removed": removed})
        notify(target, NoticeKind.SECOND_FACTOR_RESET, request, by=request.user)
