"""KPI formulas over named figures: the safe arithmetic language, met / not met, and KPIs as data."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from tongxing.organisations.models import Organisation, Unit
from tongxing.prevention.kpi import FormulaError, evaluate, met, parse
from tongxing.prevention.models import Consultation, ConsultationCategory, Kpi, Lecture
from tongxing.prevention.statistics import FIGURES, Span, kpi_results, report

FIGS = {"consultations": 12, "lecture_attended": 94, "lecture_required": 118, "zero": 0}


def test_seed_004_ratios():
    # 107 年 1 月: 12 consultations / 94 attendees = 12.8% (target 11%); 94 / 118 attended.
    assert evaluate("consultations / lecture_attended", FIGS) == Fraction(12, 94)
    assert evaluate("lecture_attended / lecture_required * 100", FIGS) == Fraction(9400, 118)


def test_arithmetic_is_exact_and_follows_precedence():
    assert evaluate("0.1 + 0.2", {}) == Fraction(3, 10)
    assert evaluate("(consultations + 3) * 2 - -1", FIGS) == 31
    assert evaluate("consultations + 3 * 2", FIGS) == 18
    assert evaluate("+consultations", FIGS) == 12


def test_division_by_zero_is_not_assessable():
    assert evaluate("consultations / zero", FIGS) is None
    assert met(None, Decimal(11)) is None


@pytest.mark.parametrize("formula", [
    "__import__('os').system('true')", "consultations.real", "consultations ** 2", "consultations // 2",
    "consultations if zero else 1", "lambda: 1", "[consultations]", "consultations < 1", "'text'",
    "consultations; zero", "f(consultations)", "", "   ", "1 +", "True", "x" * 301,
])
def test_anything_but_arithmetic_is_refused(formula):
    with pytest.raises(FormulaError):
        evaluate(formula, FIGS)


def test_unknown_names_are_refused():
    with pytest.raises(FormulaError, match="lecture_atended"):
        parse("consultations / lecture_atended", names=FIGURES)
    parse("consultations / lecture_attended", names=FIGURES)
    parse("anything / at_all")  # without names only the shape is checked


def test_met():
    assert met(Fraction(128, 10), Decimal(11)) is True
    assert met(Fraction(11), Decimal("11.0")) is True
    assert met(Fraction(109, 10), Decimal(11)) is False
    assert met(Fraction(5), Decimal(10), "at_most") is True
    assert met(Fraction(15), Decimal(10), "at_most") is False


@pytest.fixture
def unit(db):
    organisation = Organisation.objects.create(code="KH", name="高雄")
    return Unit.objects.create(organisation=organisation, code="KH1", name="高雄中心", timezone="Asia/Taipei")


@pytest.mark.django_db
def test_kpi_model_validates_its_formula(unit):
    kpi = Kpi(unit=unit, name="bad", formula="open('/etc/passwd')", target=1, starts=dt.date(2018, 1, 1),
              ends=dt.date(2018, 12, 31))
    with pytest.raises(ValidationError) as error:
        kpi.full_clean()
    assert "formula" in error.value.message_dict
    kpi.formula = "consultations / lecture_atended"
    with pytest.raises(ValidationError):
        kpi.full_clean()
    kpi.formula = "consultations / lecture_attended"
    kpi.full_clean()


@pytest.mark.django_db
def test_kpis_of_the_period_with_met_and_not_met(unit):
    lecture = Lecture.objects.create(unit=unit, date=dt.date(2018, 1, 20), required=118, attended=94)
    Consultation.objects.bulk_create([Consultation(lecture=lecture, category=ConsultationCategory.WORK)] * 12)
    january = Span(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    common = {"unit": unit, "starts": dt.date(2018, 1, 1), "ends": dt.date(2018, 12, 31)}
    Kpi.objects.create(name="a 個別諮詢比率", formula="consultations / lecture_attended", target=11, **common)
    Kpi.objects.create(name="b 出席率 (too ambitious)", formula="lecture_attended / lecture_required", target=80,
                       **common)
    Kpi.objects.create(name="c 場次", formula="lectures", target=2, as_percent=False, **common)
    Kpi.objects.create(name="d 缺席上限", formula="lecture_required - lecture_attended", target=30,
                       as_percent=False, comparison="at_most", **common)
    Kpi.objects.create(name="e 熱線", formula="hotline_calls_client_family / hotline_calls", target=50, **common)
    Kpi.objects.create(name="z last year", formula="lectures", target=1, as_percent=False, unit=unit,
                       starts=dt.date(2017, 1, 1), ends=dt.date(2017, 12, 31))

    results = kpi_results(unit, january, report(unit, january)["figures"])
    assert [(r.kpi.name, r.achieved_text, r.target_text, r.met) for r in results] == [
        ("a 個別諮詢比率", "12.8%", "11.0%", True),
        ("b 出席率 (too ambitious)", "79.7%", "80.0%", False),
        ("c 場次", "1.00", "2.00", False),
        ("d 缺席上限", "24.00", "30.00", True),
        ("e 熱線", "—", "50.0%", None),
    ]
