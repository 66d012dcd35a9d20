from django import template

from tongxing.lib.roc import format_date

register = template.Library()


@register.filter
def in_calendar(day, calendar):
    """A date in the chosen calendar: ``{{ lecture.date|in_calendar:calendar }}`` → 民國 106 年 3 月 1 日."""
    return format_date(day, calendar) if day else ""
