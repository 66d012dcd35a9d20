"""Second-factor devices (django-otp) asked as one SQL condition."""

from django.db.models import Exists, Q
from django_otp import device_classes


def confirmed_device_exists(user) -> Q:
    """Whether `user` (a user, an id or an OuterRef) has a confirmed device of any kind django-otp knows: one EXISTS
    per kind, OR-ed, to annotate a row read anyway instead of one query per kind (django_otp.user_has_device)."""
    condition = Q()
    for model in device_classes():
        condition |= Exists(model.objects.filter(user=user, confirmed=True))
    return condition
