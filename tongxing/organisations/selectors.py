from .models import Unit


def units_for(user):
    """The units a signed-in user may see: their own unit's, or all for a superuser."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(staff__user=user).distinct()
