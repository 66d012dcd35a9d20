"""Years in the Republic of China (民國) calendar, as Taiwanese reports write them, or Gregorian.

Seed 004 (Kaohsiung, 2017) dates everything in ROC years: 民國 106 年 is 2017, because
民國元年 (year 1) is 1912. Only the year differs; months and days are the Gregorian ones.
Years before 1912 are written 民國前 N 年 (1911 is 民國前 1 年). Pure standard library.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["CALENDARS", "GREGORIAN", "ROC", "format_date", "format_span", "format_year", "roc_year"]

ROC = "roc"
GREGORIAN = "gregorian"
CALENDARS = (ROC, GREGORIAN)

#: 民國元年 is 1912, so ROC year = Gregorian year − 1911.
OFFSET = 1911


def roc_year(year: int) -> int:
    """The ROC year of Gregorian `year`; zero or negative before 1912 (1911 → 0, shown as 民國前 1 年)."""
    return year - OFFSET


def _check(calendar: str) -> None:
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r}; expected one of {', '.join(CALENDARS)}")


def format_year(year: int, calendar: str = ROC) -> str:
    """``format_year(2017)`` → ``"民國 106 年"``; ``format_year(2017, "gregorian")`` → ``"2017"``."""
    _check(calendar)
    if calendar == GREGORIAN:
        return str(year)
    roc = roc_year(year)
    if roc >= 1:
        return f"民國 {roc} 年"
    return f"民國前 {1 - roc} 年"


def format_date(day: dt.date, calendar: str = ROC) -> str:
    """``民國 106 年 1 月 5 日`` or ISO ``2017-01-05``."""
    _check(calendar)
    if calendar == GREGORIAN:
        return day.isoformat()
    return f"{format_year(day.year, ROC)} {day.month} 月 {day.day} 日"


def format_span(start: dt.date, end: dt.date, calendar: str = ROC) -> str:
    """A reporting period: a whole calendar year is just its year; otherwise "start 至 end"."""
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return format_year(start.year, calendar)
    return f"{format_date(start, calendar)} 至 {format_date(end, calendar)}"
