from django import template

from tongxing.accounts.scope import can_set_up

register = template.Library()


@register.filter
def may_set_up(user) -> bool:
    return user.is_authenticated and can_set_up(user)
