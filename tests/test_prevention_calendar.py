"""ROC (民國) and Gregorian year display (tongxing/lib/roc.py); seed 004 writes 民國 106 年 for 2017."""

import datetime as dt

import pytest

from tongxing.lib.roc import GREGORIAN, ROC, format_date, format_span, format_year, roc_year


def test_seed_004_year():
    assert roc_year(2017) == 106
    assert format_year(2017) == "民國 106 年"
    assert format_year(2018, ROC) == "民國 107 年"
    assert format_year(2017, GREGORIAN) == "2017"


def test_first_year_and_before():
    assert format_year(1912) == "民國 1 年"
    assert format_year(1911) == "民國前 1 年"
    assert format_year(1900) == "民國前 12 年"


def test_dates_and_spans():
    day = dt.date(2018, 1, 5)
    assert format_date(day) == "民國 107 年 1 月 5 日"
    assert format_date(day, GREGORIAN) == "2018-01-05"
    assert format_span(dt.date(2017, 1, 1), dt.date(2017, 12, 31)) == "民國 106 年"
    assert format_span(dt.date(2017, 1, 1), dt.date(2017, 12, 31), GREGORIAN) == "2017"
    assert format_span(dt.date(2018, 1, 1), dt.date(2018, 1, 31)) == "民國 107 年 1 月 1 日 至 民國 107 年 1 月 31 日"
    assert format_span(dt.date(2018, 1, 1), dt.date(2018, 1, 31), GREGORIAN) == "2018-01-01 至 2018-01-31"


def test_unknown_calendar():
    with pytest.raises(ValueError):
        format_year(2017, "julian")
