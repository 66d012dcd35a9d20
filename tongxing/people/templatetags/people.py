from django import template

from tongxing.people.models import Person

register = template.Library()


@register.simple_tag
def field_label(name):
    return Person._meta.get_field(name).verbose_name


@register.simple_tag
def field_value(person, name):
    """The displayed value of a field: choice labels rather than codes, a dash for blank."""
    display = getattr(person, f"get_{name}_display", None)
    value = display() if display else getattr(person, name)
    return "—" if value in ("", None) else value
