"""Seed 004 (Kaohsiung drug-abuse prevention centre, 民國 106 = 2017) rebuilt from records.

`build_seed_004` generates person, case, activity, referral, lecture, hotline and prison-session
records whose totals are the seed's, mixed with records that must not be counted (outside the year
by a few minutes of local time, another unit, referrals in, family cases, closed episodes); the
tests then check that every table of the statistics page prints the seed's counts and percentages.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

import pytest

from tongxing.activities.models import Activity, ActivityKind, Attendance, Group, GroupKind
from tongxing.cases.models import (
    NOT_A_REFERRAL,
    Case,
    CaseType,
    Episode,
    Referral,
    ReferralCategory,
    ReferralStatus,
)
from tongxing.lib.percentages import PLAIN
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person, Sex
from tongxing.prevention.models import (
    CallerType,
    Consultation,
    ConsultationCategory,
    HotlineCall,
    HotlineItem,
    Institution,
    Kpi,
    Lecture,
    LectureRegistrant,
    PreReleaseKind,
    PreReleaseSession,
    ServiceItem,
)
from tongxing.prevention.statistics import Span, report

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
YEAR = Span.year(2017)

# --- The seed's figures ----------------------------------------------------------------------------

SEX = {Sex.MALE: 4185, Sex.FEMALE: 755}
AGE = {(12, 19): 28, (20, 29): 1415, (30, 39): 1459, (40, 49): 1349, (50, 59): 576, (60, 69): 110, (70, 84): 3}
CONTACTS = {ActivityKind.PHONE: 27749, ActivityKind.HOME_VISIT: 5048, ActivityKind.INTERVIEW: 846,
            ActivityKind.OTHER: 1365}
REFERRALS = {ReferralCategory.MEDICAL_TREATMENT: 55, ReferralCategory.SOCIAL_WELFARE: 21,
             ReferralCategory.EMPLOYMENT: 190, ReferralCategory.REHABILITATION_PROTECTION: 2,
             ReferralCategory.NGO: 15, ReferralCategory.HALFWAY_HOUSE: 11}
CONSULTATIONS = {ConsultationCategory.FAMILY: 19, ConsultationCategory.WORK: 45,
                 ConsultationCategory.SELF_EXPLORATION: 41, ConsultationCategory.RELATIONSHIP: 40,
                 ConsultationCategory.PHYSICAL_HEALTH: 26, ConsultationCategory.LEGAL: 20,
                 ConsultationCategory.OTHER: 5}
PRERELEASE = {PreReleaseKind.GROUP: (92, 5602), PreReleaseKind.INDIVIDUAL: (56, 749),
              PreReleaseKind.FAMILY_MEETING: (4, 314)}
INSTITUTIONS = ["高雄監獄", "高雄第二監獄", "高雄戒治所", "高雄女子監獄", "高雄女子勒戒所"]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` as `parts` positive integers."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _moment(rng: random.Random, year: int = 2017) -> dt.datetime:
    start = dt.datetime(year, 1, 1, tzinfo=TAIPEI)
    return start + dt.timedelta(days=rng.randrange(365), hours=rng.randrange(9, 21), minutes=rng.randrange(60))


def _activities(unit, kind, rows, rng, prefix):
    """`rows` is [(start, attendees, headcount)]; bulk-created with their derived local columns."""
    objs = []
    for i, (start, _people, headcount) in enumerate(rows):
        activity = Activity(unit=unit, external_id=f"{prefix}-{i}", kind=kind, start=start,
                            end=start + dt.timedelta(minutes=rng.choice((15, 30, 60))), headcount=headcount)
        activity.derive(TAIPEI)
        objs.append(activity)
    Activity.objects.bulk_create(objs, batch_size=2000)
    created = dict(Activity.objects.filter(unit=unit, external_id__startswith=f"{prefix}-").values_list(
        "external_id", "pk"))
    Attendance.objects.bulk_create(
        [Attendance(activity_id=created[f"{prefix}-{i}"], person_id=pid)
         for i, (_start, people, _headcount) in enumerate(rows) for pid in people], batch_size=5000)


def build_seed_004(unit: Unit, rng: random.Random | None = None, held: dict | None = None) -> dict:
    """The seed's records in bulk. `held` leaves out what a test enters through the product's forms instead, so
    the totals stay the seed's: "people" [(sex, age)], "contacts" {kind: n}, "referrals" {category: n},
    "lecture" (the first 2017 lecture, returned with its figures), "january" (the 2018 lecture kept by name),
    "hotline" [(caller, [items])], "prerelease" {kind: (sessions, person-times)}."""
    rng = rng or random.Random(4)
    held = held or {}
    other = Unit.objects.create(organisation=unit.organisation, code="TN", name="臺南", timezone="Asia/Taipei")

    # Registered cases: one drug-user case per person, episodes open at some time in 2017.
    sex_counts, age_counts = dict(SEX), dict(AGE)
    for sex, age in held.get("people", ()):
        sex_counts[sex] -= 1
        age_counts[next(band for band in AGE if band[0] <= age <= band[1])] -= 1
    ages = [age for (low, high), n in age_counts.items() for age in (rng.randint(low, high) for _ in range(n))]
    sexes = [sex for sex, n in sex_counts.items() for _ in range(n)]
    rng.shuffle(sexes)
    people = Person.objects.bulk_create([
        Person(unit=unit, external_id=f"P{i}", sex=sex,
               birth_date=dt.date(2017 - age, 12, 31) - dt.timedelta(days=rng.randrange(365)))
        for i, (sex, age) in enumerate(zip(sexes, ages, strict=True))])
    # Not registered in 2017: closed the day before the year, opened the day after, a family case.
    outsiders = Person.objects.bulk_create([Person(unit=unit, external_id=f"X{i}", sex=Sex.MALE) for i in range(3)])
    cases = Case.objects.bulk_create(
        [Case(unit=unit, external_id=f"C{p.external_id}", type=CaseType.PSA, client=p) for p in people + outsiders[:2]]
        + [Case(unit=unit, external_id="CF", type=CaseType.FAMILY, client=outsiders[2])]
        + [Case(unit=unit, external_id=f"C2-{p.external_id}", type=CaseType.PSA, client=p) for p in people[:40]])
    shapes = [(dt.date(2015, 5, 1), None), (dt.date(2016, 3, 1), dt.date(2017, 1, 1)),
              (dt.date(2017, 12, 31), None), (dt.date(2017, 4, 1), dt.date(2017, 9, 30))]
    episodes = []
    for case in cases:
        if case.external_id == "CX0":
            episodes.append(Episode(case=case, opened=dt.date(2016, 1, 1), closed=dt.date(2016, 12, 31)))
        elif case.external_id == "CX1":
            episodes.append(Episode(case=case, opened=dt.date(2018, 1, 1)))
        else:  # a second case of a person and the family case are open too: still one person each
            opened, closed = rng.choice(shapes)
            episodes.append(Episode(case=case, opened=opened, closed=closed))
    Episode.objects.bulk_create(episodes)
    ids = [p.pk for p in people]

    # 表一: person-times as attendance rows, some of two people (joint interviews), some anonymous.
    for kind, total in CONTACTS.items():
        total -= held.get("contacts", {}).get(kind, 0)
        pairs, anonymous = total // 50, total // 100
        rows = ([(_moment(rng), rng.sample(ids, 2), 0) for _ in range(pairs)]
                + [(_moment(rng), [], 1) for _ in range(anonymous)]
                + [(_moment(rng), [rng.choice(ids)], 0) for _ in range(total - 2 * pairs - anonymous)])
        _activities(unit, kind, rows, rng, f"{kind}")
    # Not counted: just outside the year in Taipei time (inside it in UTC), other kinds, another unit.
    _activities(unit, ActivityKind.PHONE, [(dt.datetime(2016, 12, 31, 23, 50, tzinfo=TAIPEI), [ids[0]], 0),
                                           (dt.datetime(2018, 1, 1, 0, 10, tzinfo=TAIPEI), [ids[1]], 0)], rng, "edge")
    _activities(unit, ActivityKind.OUTREACH, [(_moment(rng), [ids[2]], 5)], rng, "outreach")
    _activities(other, ActivityKind.PHONE, [(_moment(rng), [], 3)], rng, "other-unit")

    # 表二: referrals out, with closed-loop statuses; referrals in, other years and referrals cancelled or
    # withdrawn before being acted on are not counted.
    statuses = [s for s in ReferralStatus.values if s not in NOT_A_REFERRAL]
    referrals = [Referral(unit=unit, external_id=f"R{category}{i}", person_id=rng.choice(ids), direction="out",
                          category=category, date=_moment(rng).date(), status=rng.choice(statuses))
                 for category, n in REFERRALS.items() for i in range(n - held.get("referrals", {}).get(category, 0))]
    referrals += [Referral(unit=unit, external_id="RIN", person_id=ids[0], direction="in",
                           category=ReferralCategory.EMPLOYMENT, date=dt.date(2017, 5, 1)),
                  Referral(unit=unit, external_id="R2016", person_id=ids[0], direction="out",
                           category=ReferralCategory.EMPLOYMENT, date=dt.date(2016, 12, 31))]
    referrals += [Referral(unit=unit, external_id=f"R{status}", person_id=ids[1], direction="out",
                           category=ReferralCategory.HALFWAY_HOUSE, date=dt.date(2017, 6, 1), status=status,
                           status_date=dt.date(2017, 6, 2), status_reason="個案已自行入住 moved in on his own")
                  for status in NOT_A_REFERRAL]
    Referral.objects.bulk_create(referrals)

    # Lectures: 26 in 2017 (1,357 attended, 92%), consultations at 24 of them (表三); January 2018.
    attended = _split(1357, 26, rng)
    absent = [n - 1 for n in _split(118 + 26, 26, rng)]  # 118 absent in all (1,357 / 1,475 = 92.0%)
    required = [a + b for a, b in zip(attended, absent, strict=True)]
    days = sorted(rng.sample(range(1, 360), 26))
    rows = [(dt.date(2017, 1, 1) + dt.timedelta(days=d), r, a) for d, r, a in zip(days, required, attended, strict=True)]
    # A lecture left for the form: the best attended of those with a counselling station (its form refuses more
    # consultations than attendees).
    skip = max(range(24), key=lambda i: rows[i][2]) if held.get("lecture") else None
    first = {"date": rows[skip or 0][0], "required": rows[skip or 0][1], "attended": rows[skip or 0][2],
             "consultations": {}}
    made = iter(Lecture.objects.bulk_create([Lecture(unit=unit, date=d, required=r, attended=a)
                                             for i, (d, r, a) in enumerate(rows) if i != skip]))
    lectures = [None if i == skip else next(made) for i in range(26)]
    categories = [c for c, n in CONSULTATIONS.items() for _ in range(n)]
    rng.shuffle(categories)
    stations = lectures[:24]
    Consultation.objects.bulk_create([Consultation(lecture=stations[i % 24], category=c)
                                      for i, c in enumerate(categories) if stations[i % 24] is not None])
    for i, c in enumerate(categories):
        if stations[i % 24] is None:  # the held lecture's consultations, entered with it through its form
            first["consultations"][c] = first["consultations"].get(c, 0) + 1
    # January 2018's lecture is kept by name: 118 people fined and required to attend, 94 marked present; the
    # 24 absent are on the list to be followed up and do not count as attending.
    fined = Person.objects.bulk_create(Person(unit=unit, external_id=f"L{i}", name=f"受講者{i}", sex=Sex.MALE)
                                       for i in range(118))
    if not held.get("january"):
        january = Lecture.objects.create(unit=unit, date=dt.date(2018, 1, 20), required=0, attended=0)
        LectureRegistrant.objects.bulk_create(LectureRegistrant(lecture=january, person=p, attended=i < 94)
                                              for i, p in enumerate(fined))
        Consultation.objects.bulk_create([Consultation(lecture=january, category=ConsultationCategory.WORK)] * 12)

    # Pre-release counselling in the five institutions.
    institutions = [Institution.objects.create(unit=unit, name=name) for name in INSTITUTIONS]
    sessions = []
    for kind, (count, person_times) in PRERELEASE.items():
        less_sessions, less_person_times = held.get("prerelease", {}).get(kind, (0, 0))
        count, person_times = count - less_sessions, person_times - less_person_times
        for i, participants in enumerate(_split(person_times, count, rng)):
            sessions.append(PreReleaseSession(unit=unit, institution=institutions[i % 5], kind=kind,
                                              date=_moment(rng).date(), participants=participants))
    PreReleaseSession.objects.bulk_create(sessions)

    # Hotline: 1,014 calls (509 from clients and families), 1,055 items (心理支持 497, 講習 181).
    by_form = held.get("hotline", ())
    fewer = {c: sum(1 for caller, _items in by_form if caller == c) for c in CallerType.values}
    callers = ([CallerType.CLIENT] * (300 - fewer[CallerType.CLIENT]) + [CallerType.FAMILY] * (209 - fewer[
        CallerType.FAMILY]) + [CallerType.OTHER] * (505 - fewer[CallerType.OTHER]))
    given = [item for _caller, items in by_form for item in items]
    calls = []
    for caller in callers:
        call = HotlineCall(unit=unit, received=_moment(rng), caller=caller)
        call.derive()
        calls.append(call)
    calls = HotlineCall.objects.bulk_create(calls)
    rest = [ServiceItem.TREATMENT, ServiceItem.LEGAL, ServiceItem.WELFARE, ServiceItem.EMPLOYMENT, ServiceItem.OTHER]
    items = ([ServiceItem.PSYCHOLOGICAL_SUPPORT] * (497 - given.count(ServiceItem.PSYCHOLOGICAL_SUPPORT))
             + [ServiceItem.LECTURE_ENQUIRY] * (181 - given.count(ServiceItem.LECTURE_ENQUIRY)))
    items += [rest[i % 5] for i in range(1055 - len(given) - len(items))]
    rows = [HotlineItem(call=call, category=items[i]) for i, call in enumerate(calls)]
    # The 41 calls that gave a second item give one of the "rest" categories besides a first one.
    seconds = len(items) - len(calls)
    rows += [HotlineItem(call=calls[i], category=items[len(calls) + i]) for i in range(seconds)
             if items[len(calls) + i] != items[i]]
    assert len(rows) == len(items)
    HotlineItem.objects.bulk_create(rows)

    # Community support group: 51 sessions, 482 person-times (attendance plus anonymous headcount).
    group = Group.objects.create(unit=unit, external_id="G1", kind=GroupKind.MUTUAL_HELP, title="彩虹編織 飛躍夢想")
    split = _split(482, 51, rng)
    for i, n in enumerate(split):
        start = _moment(rng)
        session = Activity.objects.create(unit=unit, external_id=f"G1-{i}", kind=ActivityKind.GROUP_SESSION,
                                          group=group, start=start, end=start + dt.timedelta(hours=2),
                                          headcount=n // 2)
        Attendance.objects.bulk_create([Attendance(activity=session, person_id=pid)
                                        for pid in rng.sample(ids, n - n // 2)])

    Kpi.objects.create(unit=unit, name="講習出席率 lecture attendance rate", formula="lecture_attended / lecture_required",
                       target=70, starts=dt.date(2017, 1, 1), ends=dt.date(2018, 12, 31))
    Kpi.objects.create(unit=unit, name="個別諮詢比率 consultations per attendee", formula="consultations / lecture_attended",
                       target=11, starts=dt.date(2018, 1, 1), ends=dt.date(2018, 12, 31))
    return {"people": people, "first_lecture": first, "fined": fined, "institutions": institutions}


@pytest.fixture
def kaohsiung(db):
    organisation = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    return Unit.objects.create(organisation=organisation, code="KH1", name="高雄市毒品危害防制中心",
                               timezone="Asia/Taipei")


def _printed(table):
    return [(row.key, row.count, row.share_text) for row in table.rows]


@pytest.mark.django_db
def test_seed_004_tables_from_records(kaohsiung):
    build_seed_004(kaohsiung)
    assert_seed_004_as_printed(kaohsiung)


def assert_seed_004_as_printed(kaohsiung):
    """Every figure and percentage of seed 004 as the seed prints it (its two misprints printed correctly)."""
    data = report(kaohsiung, YEAR)
    tables = data["tables"]

    # 圖一、圖二: 4,940 people registered, by sex and by age band.
    assert tables["sex"].total == 4940
    # Printed as the seed prints them: two decimals for sex and age bands.
    assert _printed(tables["sex"]) == [("M", 4185, "84.72%"), ("F", 755, "15.28%")]
    assert [(row.count, row.share_text) for row in tables["age"].rows] == [
        (28, "0.57%"), (1415, "28.64%"), (1459, "29.53%"), (1349, "27.31%"), (576, "11.66%"), (110, "2.23%"),
        (3, "0.06%")]
    assert (tables["age"].total_share_text, tables["sex"].total_share_text) == ("100.00%", "100.00%")
    assert data["precision"]["contacts"] == 1 and data["precision"]["age"] == 2

    # 表一: 35,008 contacts.
    assert _printed(tables["contacts"]) == [
        ("phone", 27749, "79.3%"), ("home_visit", 5048, "14.4%"), ("interview", 846, "2.4%"), ("other", 1365, "3.9%")]
    assert (tables["contacts"].total, tables["contacts"].total_share_text) == (35008, "100.0%")

    # 表二: 294 referrals; 中途之家 11/294 = 3.74% is printed 3.8% so the column reads 100.0%.
    assert _printed(tables["referrals"]) == [
        ("medical_treatment", 55, "18.7%"), ("social_welfare", 21, "7.1%"), ("employment", 190, "64.6%"),
        ("rehabilitation_protection", 2, "0.7%"), ("ngo", 15, "5.1%"), ("halfway_house", 11, "3.8%")]
    assert (tables["referrals"].total, tables["referrals"].total_share_text) == (294, "100.0%")
    assert tables["referral_status"].total == 294
    assert not {row.key for row in tables["referral_status"].rows} & set(NOT_A_REFERRAL)
    assert data["figures"]["referrals_closed_loop"] == 294 - sum(
        row.count for row in tables["referral_status"].rows if row.key == ReferralStatus.SENT)

    # 表三: 196 consultations; 其他 5/196 = 2.55% is printed 2.5%; 工作 is the seed's "23%".
    assert _printed(tables["consultations"]) == [
        ("family", 19, "9.7%"), ("work", 45, "23.0%"), ("self_exploration", 41, "20.9%"),
        ("relationship", 40, "20.4%"), ("physical_health", 26, "13.3%"), ("legal", 20, "10.2%"),
        ("other", 5, "2.5%")]
    assert (tables["consultations"].total, tables["consultations"].total_share_text) == (196, "100.0%")

    # The text's other figures.
    figures = data["figures"]
    assert (figures["lectures"], figures["lecture_attended"], figures["consultation_sessions"]) == (26, 1357, 24)
    assert data["lecture"]["rate"] == Decimal("92.0")
    assert [(c["sessions"], c["person_times"]) for c in data["prerelease"]["total_cells"]] == [
        (92, 5602), (56, 749), (4, 314)]
    assert len(data["prerelease"]["rows"]) == 5
    assert (figures["hotline_calls"], figures["hotline_calls_client_family"], figures["hotline_items"]) == (
        1014, 509, 1055)
    assert (figures["hotline_items_psychological_support"], figures["hotline_items_lecture_enquiry"]) == (497, 181)
    items = {row.key: row.share_text for row in tables["hotline_items"].rows}
    assert (items["psychological_support"], items["lecture_enquiry"]) == ("47.11%", "17.16%")
    # The seed prints 50.1% for 509 / 1,014 = 50.197%: a misprint; the product prints the correct 50.2%.
    assert data["hotline"]["client_family_share"] == Decimal("50.2")
    assert (figures["support_group_sessions"], figures["support_group_person_times"]) == (51, 482)
    assert [(k.kpi.formula, k.achieved_text, k.met) for k in data["kpis"]] == [
        ("lecture_attended / lecture_required", "92.0%", True)]

    # 107 年 1 月: 94 of 118 attended (the seed's 79.4% is a misprint of 94 / 118 = 79.66%, printed 79.7%);
    # 12 consultations / 94 attendees = 12.8% against the 11% target.
    january = report(kaohsiung, Span(dt.date(2018, 1, 1), dt.date(2018, 1, 31)))
    assert [(k.kpi.name, k.achieved_text, k.target_text, k.met) for k in january["kpis"]] == [
        ("講習出席率 lecture attendance rate", "79.7%", "70.0%", True),
        ("個別諮詢比率 consultations per attendee", "12.8%", "11.0%", True)]


@pytest.mark.django_db
def test_plain_rounding_differs_where_the_seed_shows(kaohsiung):
    """The setting `rounding=plain` prints 3.7% (column 99.9%) and 2.6% (column 100.1%)."""
    person = Person.objects.create(unit=kaohsiung, external_id="P", sex=Sex.MALE)
    Referral.objects.bulk_create([
        Referral(unit=kaohsiung, external_id=f"R{category}{i}", person=person, direction="out", category=category,
                 date=dt.date(2017, 6, 1)) for category, n in REFERRALS.items() for i in range(n)])
    lecture = Lecture.objects.create(unit=kaohsiung, date=dt.date(2017, 6, 1), required=300, attended=250)
    Consultation.objects.bulk_create([Consultation(lecture=lecture, category=c)
                                      for c, n in CONSULTATIONS.items() for _ in range(n)])

    seed = report(kaohsiung, YEAR)["tables"]
    plain = report(kaohsiung, YEAR, method=PLAIN)["tables"]
    assert (seed["referrals"].rows[-1].share_text, seed["referrals"].total_share_text) == ("3.8%", "100.0%")
    assert (plain["referrals"].rows[-1].share_text, plain["referrals"].total_share_text) == ("3.7%", "99.9%")
    assert (seed["consultations"].rows[-1].share_text, seed["consultations"].total_share_text) == ("2.5%", "100.0%")
    assert (plain["consultations"].rows[-1].share_text, plain["consultations"].total_share_text) == (
        "2.6%", "100.1%")
    # Everything but the last column is the same under both rules.
    assert [r.share for r in seed["referrals"].rows[:-1]] == [r.share for r in plain["referrals"].rows[:-1]]


@pytest.mark.django_db
def test_every_figure_opens_the_records_it_counts(kaohsiung):
    """One definition per figure: its drill-down's counted records add up to the figure, and the records left out
    say why (a cancelled referral with its reason; the absent names of a lecture kept by name)."""
    from tongxing.prevention.statistics import counts, rules
    from tongxing.prevention.views import RECORD_COLUMNS
    from tongxing.standards.drilldown import present

    build_seed_004(kaohsiung)
    figures, every = counts(kaohsiung, YEAR), rules(kaohsiung, YEAR)
    sampled = ["sex:F", "age:to_19", "contacts:interview", "referrals:halfway_house", "referral_status:sent",
               "prerelease:family_meeting:sessions", "prerelease:family_meeting:person_times", "lectures",
               "lecture_required", "lecture_attended", "consultation_sessions", "consultations:other",
               "hotline_callers:client", "hotline_items:lecture_enquiry", "support_group_person_times"]
    for name in sampled:
        rule = every[name]
        data = present(rule, RECORD_COLUMNS[rule.candidates.model._meta.model_name])
        assert sum(r["weight"] for r in data["rows"] if r["counted"]) == figures[name], name
    halfway = present(every["referrals:halfway_house"], RECORD_COLUMNS["referral"])
    left_out = [r for r in halfway["rows"] if not r["counted"]]
    assert len(left_out) == 2 and all("個案已自行入住" in r["cells"][-1] for r in left_out)
    assert {r["link"] is not None for r in halfway["rows"]} == {True}

    january = Span(dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    assert [(r["weight"], r["counted"]) for r in present(rules(kaohsiung, january)["lecture_attended"],
                                                         RECORD_COLUMNS["lecture"])["rows"]] == [(94, True)]
    assert counts(kaohsiung, january)["lecture_required"] == 118
    assert LectureRegistrant.objects.filter(lecture__date=dt.date(2018, 1, 20), attended=False).count() == 24


@pytest.mark.django_db
def test_report_taiwan_from_the_command_line(kaohsiung, tmp_path):
    """`tongxing report taiwan --unit KH1 --year 2017 [--month 1]`: the JSON of docs/reports.md, percentages as
    numbers to each table's precision; bad arguments are refused with a message."""
    import json

    from django.core.management import CommandError, call_command

    build_seed_004(kaohsiung)
    out = tmp_path / "kh.json"
    call_command("report", "taiwan", unit="KH1", year=2017, output=str(out), precision=["contacts=2"])
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["report"] == "taiwan" and document["period"] == {"start": "2017-01-01", "end": "2017-12-31"}
    assert [r["percent"] for r in document["tables"]["sex"]["rows"]] == [84.72, 15.28]
    assert [r["percent"] for r in document["tables"]["contacts"]["rows"]] == [79.26, 14.42, 2.42, 3.9]
    assert document["tables"]["referrals"]["rows"][-1]["percent"] == 3.8
    assert document["precision"]["age"] == 2 and document["precision"]["contacts"] == 2
    assert document["hotline"]["from_clients_and_families_percent"] == 50.2
    assert document["prerelease"]["totals"]["group"] == {"sessions": 92, "person_times": 5602}
    call_command("report", "taiwan", unit="KH1", year=2018, month=1, output=str(out))
    january = json.loads(out.read_text(encoding="utf-8"))
    assert (january["lectures"]["required"], january["lectures"]["attended"]) == (118, 94)
    assert january["lectures"]["attendance_percent"] == 79.7
    for bad in ({"year": 2017, "month": 13}, {"year": 2017, "precision": ["age=x"]},
                {"year": 2017, "precision": ["colour=1"]}, {"year": None}):
        with pytest.raises(CommandError):
            call_command("report", "taiwan", unit="KH1", output=str(out), **bad)
