"""The funder's counting rules, one rule at a time.

DOMAIN.md OS1–OS17, OC1–OC10 and "Schools (OS11)", as agreed in /tmp/fsa_notes.md.

Each test builds a small exchange document by hand with records that must count and records that must
not (one per exclusion rule), imports it, and checks the engine's figure. Every report is also checked
figure by figure against the independent reference implementation (tests/fsa_oracle.py).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import translation

from tests.fsa_oracle import compute
from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.organisations.models import School, Unit
from tongxing.standards import fsa
from tongxing.standards.engine import Period
from tongxing.standards.report import fsa_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Exclusion reasons are checked in English; the product's default language is Traditional Chinese."""
    with translation.override("en"):
        yield

FY = 2024
HOURS = {"mon": ["09:00", "18:00"], "tue": ["09:00", "18:00"], "wed": ["12:00", "20:00"],
         "thu": ["09:00", "18:00"], "fri": ["09:00", "18:00"], "sat": ["09:00", "13:00"], "sun": None}
STAFF = [
    {"id": "sw", "name": "社工 SW", "roles": ["social_worker"]},
    {"id": "sup", "name": "主任 supervisor", "roles": ["supervisor", "social_worker"]},
    {"id": "nurse", "name": "護士 nurse", "roles": ["nurse"]},
    {"id": "doctor", "name": "醫生 doctor", "roles": ["doctor"]},
    {"id": "ex", "name": "朋輩 ex-user", "roles": ["peer_support_worker"], "peer_type": "ex_user"},
    {"id": "ex2", "name": "朋輩 ex-user 2", "roles": ["peer_support_worker"], "peer_type": "ex_user"},
    {"id": "fam", "name": "朋輩 family", "roles": ["peer_support_worker"], "peer_type": "family"},
    {"id": "hm1", "name": "家務指導員 1", "roles": ["homemaker"]},
    {"id": "hm2", "name": "家務指導員 2", "roles": ["homemaker"]},
    {"id": "other", "name": "其他 other", "roles": ["other"]},
]
PLAN = {"direction": "戒毒及重建家庭關係", "timetable": "六個月", "actions": "每週面談；案主出席小組",
        "goals": "停用毒品90日"}
# The figures the report must give (compare_fsa.py's list) and that the oracle is checked on.
FIGURE_FIELDS = ("achieved", "agreed", "met", "before_conversion", "served", "converted", "workplaces",
                 "base", "numerator", "denominator")


def ago(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=days)).isoformat()


def ep(opened, closed=None, plan=True, achieved=None, last_use=None):
    """An episode; `plan` True for a complete plan, False for none, or a dict overriding parts."""
    e = {"opened": opened, "closed": closed}
    if plan:
        e["plan"] = {"date": opened, **PLAN, **(plan if isinstance(plan, dict) else {})}
    if closed:
        e["closure"] = {"plan_achieved": achieved, "last_drug_use": last_use, "reason": "完成"}
    return e


def figures(report: dict) -> dict:
    """The figures of a report (EXCHANGE.md), without warnings."""
    out = {code: {k: v for k, v in fig.items() if k in FIGURE_FIELDS}
           for code, fig in report["standards"].items()}
    out["family_case_share"] = report["family_case_share"]
    return out


class Doc:
    """A minimal valid exchange document for unit U: opening hours, staff of every role, then records."""

    def __init__(self, code="U", hours=None):
        self.code = code
        self.d = {"format": "tongxing-exchange", "version": 1,
                  "unit": {"code": code, "name": f"中心 {code}", "opening_hours": hours or HOURS},
                  "staff": [dict(s) for s in STAFF]}
        self._n = itertools.count(1)
        self.unit = None

    def _add(self, name, rec):
        self.d.setdefault(name, []).append(rec)
        return rec.get("id")

    def _id(self, prefix):
        return f"{prefix}{next(self._n)}"

    # --- records ---
    def person(self, pid=None, *, birth="1990-01-01", last_used=None, ident=None, channel="outreach",
               pregnant=False, children=(), sex="M"):
        rec = {"id": pid or self._id("p"), "sex": sex, "birth_date": birth, "pregnant": pregnant,
               "children": [{"birth_date": c} for c in children]}
        if last_used:
            rec["drug_use"] = [{"drug": "ketamine", "last_used": last_used}]
        if ident:
            rec["identification"] = {"date": ident, "channel": channel}
        return self._add("people", rec)

    def case(self, *episodes, client=None, type="psa", parent=False, members=(), merged_into=None, cid=None):
        return self._add("cases", {
            "id": cid or self._id("c"), "type": type, "parent_case": parent,
            "client": client or self.person(), "members": list(members), "worker": "sw",
            "merged_into": merged_into, "episodes": list(episodes)})

    def act(self, kind, start, minutes=60, staff=("sw",), people=(), **kw):
        if len(start) == 10:
            start += "T10:00"
        begin = dt.datetime.fromisoformat(start)
        return self._add("activities", {
            "id": kw.pop("id", None) or self._id("a"), "kind": kind, "start": start,
            "end": (begin + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M"),
            "staff": list(staff), "people": list(people), **kw})

    def group(self, kind="counselling", gid=None):
        return self._add("groups", {"id": gid or self._id("g"), "kind": kind, "title": f"{kind} group"})

    def school(self, sid=None, *, kind="secondary", area=True, ssw=True, hsp=False, intl=False):
        return self._add("schools", {
            "id": sid or self._id("sch"), "name": "學校", "kind": kind, "in_service_area": area,
            "school_social_work": ssw, "healthy_school_programme": hsp, "international_or_esf": intl})

    def workplace(self, employees=10, wid=None):
        return self._add("workplaces", {"id": wid or self._id("w"), "name": "公司", "employees": employees})

    def involvement(self, case, date, party="stakeholder", stakeholder="probation"):
        rec = {"case": case, "date": date, "party": party, "stage": "intervention", "mode": "meeting"}
        if party == "stakeholder":
            rec["stakeholder"] = stakeholder
        self._add("involvements", rec)

    def collaboration(self, case, date, kind="mdcc"):
        self._add("collaborations", {"case": case, "date": date, "kind": kind})

    def assessment(self, person, date, by="nurse", plan=True):
        self._add("medical_assessments", {"person": person, "date": date, "by": by, "plan": plan})

    def feedback(self, activity, topic="drug_harm", positive=True, person=None, school=None):
        self._add("feedback", {"activity": activity, "person": person, "school": school, "topic": topic,
                               "positive": positive})

    def training(self, staff, date, paid=True):
        self._add("trainings", {"staff": staff, "date": date, "paid": paid, "title": "培訓"})

    def establishment(self, as_of, count, role="peer_support_worker"):
        self._add("establishment", {"role": role, "as_of": as_of, "count": count})

    def conversion(self, route, schools, fy=FY):
        self._add("conversions", {"fy": fy, "route": route, "schools": schools})

    def agreed(self, fy=FY, **levels):
        self._add("agreed_levels", {"fy": fy, **levels})

    # --- use ---
    def load(self):
        if self.unit is None:
            document, problems = parse(self.d)
            assert problems == []
            import_document(document)
            self.unit = Unit.objects.get(code=self.code)
        return self.unit

    def scope(self, fy=FY):
        return fsa.Scope(self.load(), Period.financial_year(fy))

    def report(self, fy=FY):
        """The engine's report, checked figure by figure against the oracle."""
        report = fsa_report(self.load(), fy)
        assert figures(report) == figures(compute(self.d, self.code, fy))
        return report


def achieved(report, code):
    return report["standards"][code]["achieved"]


def explained(tally, activity_id, key="external_id"):
    rows = [r for r in tally.explain(key) if r[key] == activity_id]
    assert len(rows) == 1
    return rows[0]


# --- OS1 / OS1a outreach ---------------------------------------------------------------------------------

def test_os1_outreach_one_hour_direct_contact_in_year():
    doc = Doc()
    counted = [
        doc.act("outreach", "2024-05-06T10:00", 60, psa_contacted=2),
        doc.act("outreach", "2024-04-01T10:00", 90, psa_contacted=1),           # first day of the year
        doc.act("outreach", "2025-03-31T23:30", 60, psa_contacted=1),           # starts on the last day
        doc.act("outreach", "2024-06-03T09:00", 300, full_day=True, psa_contacted=4),  # counts 1, no cap rule
        doc.act("outreach", "2024-06-04T10:00", 60, staff=["ex"], psa_contacted=1),    # peer-led still counts
    ]
    short = doc.act("outreach", "2024-05-07T10:00", 45, psa_contacted=3)
    no_contact = doc.act("outreach", "2024-05-07T14:00", 120, psa_contacted=0)
    doc.act("outreach", "2024-05-07T16:00", 120)                                 # psa_contacted not given
    doc.act("outreach", "2024-03-31T10:00", 120, psa_contacted=1)                # previous year
    doc.act("outreach", "2024-03-31T23:30", 90, psa_contacted=1)                 # ends 1 April, starts before
    doc.act("outreach", "2025-04-01T10:00", 120, psa_contacted=1)                # next year
    doc.act("interview", "2024-05-08T10:00", 60, people=[doc.person()], psa_contacted=1)  # not outreach
    doc.agreed(OS1=5, OS1a=1)
    rep = doc.report()
    assert rep["standards"]["OS1"] == {"achieved": len(counted), "agreed": 5, "met": True}
    assert fsa.outreach_sessions(doc.scope()).value() == 5
    tally = fsa.outreach_sessions(doc.scope())
    assert {r["external_id"] for r in tally.explain("external_id") if r["counted"]} == set(counted)
    row = explained(tally, short)
    assert row["counted"] is False and row["weight"] == 0
    assert [str(r) for r in row["reasons"]] == [str(fsa.AT_LEAST_ONE_HOUR.reason)]
    assert "under 1 hour" in str(row["reasons"][0])
    assert ["no direct contact" in str(r) for r in explained(tally, no_contact)["reasons"]] == [True]


def test_os1a_evening_from_the_later_of_18_and_closing_time():
    doc = Doc()
    for day, weekday in [("2024-05-06", 0), ("2024-05-08", 2), ("2024-05-11", 5), ("2024-05-12", 6)]:
        assert dt.date.fromisoformat(day).weekday() == weekday
    evening = [
        doc.act("outreach", "2024-05-06T18:00", 120, psa_contacted=1),   # Mon closes 18:00: at 18:00 counts
        doc.act("outreach", "2024-05-08T20:00", 120, psa_contacted=1),   # Wed closes 20:00
        doc.act("outreach", "2024-05-11T18:00", 120, psa_contacted=1),   # Sat closes 13:00: 18:00 floor
        doc.act("outreach", "2024-05-12T18:00", 120, psa_contacted=1),   # Sun closed: 18:00
        doc.act("outreach", "2024-05-13T22:30", 120, psa_contacted=1),   # Mon late night, crosses midnight
    ]
    daytime = [
        doc.act("outreach", "2024-05-06T17:59", 120, psa_contacted=1),   # one minute before
        doc.act("outreach", "2024-05-08T19:00", 120, psa_contacted=1),   # Wed: still open at 19:00
        doc.act("outreach", "2024-05-11T17:00", 120, psa_contacted=1),   # Sat after closing but before 18:00
        doc.act("outreach", "2024-05-12T10:00", 120, psa_contacted=1),   # Sun closed, daytime
        doc.act("outreach", "2024-05-12T17:59", 120, psa_contacted=1),   # Sun closed: before 18:00
    ]
    doc.act("outreach", "2024-05-06T19:00", 45, psa_contacted=1)        # evening but under 1 h
    doc.act("outreach", "2024-05-06T21:00", 120, psa_contacted=0)       # evening, no PSA met
    rep = doc.report()
    assert achieved(rep, "OS1") == len(evening) + len(daytime)
    assert achieved(rep, "OS1a") == len(evening)
    assert rep["standards"]["OS1a"]["agreed"] is None and rep["standards"]["OS1a"]["met"] is None
    tally = fsa.evening_outreach_sessions(doc.scope())
    assert {r["external_id"] for r in tally.explain("external_id") if r["counted"]} == set(evening)
    assert ["before the evening" in str(r) for r in explained(tally, daytime[1])["reasons"]] == [True]


# --- OS2 / OS3 identification ----------------------------------------------------------------------------

def test_os2_proactive_first_identification_of_a_psa():
    doc = Doc()
    day = "2024-06-01"
    counted = [
        doc.person(ident=day, channel="outreach", last_used=ago(day, 30)),
        doc.person(ident=day, channel="friends_family", last_used=ago(day, 30)),
        doc.person(ident=day, channel="publicity", last_used=ago(day, 30)),
        doc.person(ident=day, channel="social_media", last_used=ago(day, 30)),
        doc.person(ident=day, last_used=ago(day, 183)),                            # 6 months exactly
        doc.person(ident=day, last_used=ago(day, 300), pregnant=True, sex="F"),  # 12-month window
        doc.person(ident=day, last_used=ago(day, 365), pregnant=True, sex="F"),
        doc.person(ident=day, last_used=ago(day, 300), children=["2012-06-02"]),  # child 11 that day
        doc.person(ident="2024-04-01", last_used="2024-03-01"),
        doc.person(ident="2025-03-31", last_used="2025-03-01"),
    ]
    doc.person(ident=day, channel="professional_referral", last_used=ago(day, 30))
    doc.person(ident=day, channel="community_referral", last_used=ago(day, 30))
    doc.person(ident=day, channel="self", last_used=ago(day, 30))
    doc.person(ident=day, last_used=ago(day, 184))                                # over 6 months
    doc.person(ident=day, last_used=ago(day, 366), pregnant=True, sex="F")       # over 12 months
    doc.person(ident=day, last_used=ago(day, 300), children=["2012-06-01"])      # child turns 12 that day
    doc.person(ident=day, last_used=ago(day, 300))                                # no child, 300 days
    doc.person(ident=day)                                                         # no drug use disclosed
    doc.person(ident="2024-03-31", last_used="2024-03-01")                        # previous year
    doc.person(ident="2025-04-01", last_used="2025-03-01")                        # next year
    doc.person(last_used=ago(day, 10))                                            # never identified
    rep = doc.report()
    assert achieved(rep, "OS2") == len(counted)
    tally = fsa.proactively_identified_psa(doc.scope())
    assert set(tally.counted().values_list("external_id", flat=True)) == set(counted)


def test_os3_under_21_on_the_identification_date():
    doc = Doc()
    day = "2024-06-01"
    young = doc.person(ident=day, birth="2003-06-02", last_used=ago(day, 10))   # 20, turns 21 tomorrow
    doc.person(ident=day, birth="2003-06-01", last_used=ago(day, 10))           # 21st birthday that day
    doc.person(ident=day, birth="1980-01-01", last_used=ago(day, 10))
    doc.person(ident=day, birth=None, last_used=ago(day, 10))                   # age unknown
    doc.person(ident=day, birth="2008-01-01", channel="professional_referral", last_used=ago(day, 10))
    doc.person(ident=day, birth="2008-01-01", last_used=ago(day, 200))          # young, not a PSA
    rep = doc.report()
    assert achieved(rep, "OS2") == 4
    assert achieved(rep, "OS3") == 1
    assert list(fsa.young_proactively_identified_psa(doc.scope()).counted().values_list(
        "external_id", flat=True)) == [young]


# --- OS4 / OS4a / OS4b / OS5 cases -----------------------------------------------------------------------

def test_os4_os5_episodes_in_hand_or_opened_with_a_complete_plan():
    doc = Doc()
    doc.case(ep("2023-10-01", "2024-03-31", achieved=True, last_use="2023-11-01"))  # closed before 1 April
    doc.case(ep("2023-10-01", "2024-04-01", achieved=True, last_use="2023-11-01"))  # in hand on 1 April
    doc.case(ep("2023-10-01"))                                                      # in hand, open
    doc.case(ep("2024-03-31"))                                                      # in hand, not new
    doc.case(ep("2024-04-01"))                                                      # new on the first day
    target = doc.case(ep("2024-06-01"))                                             # new
    doc.case(ep("2024-06-01", plan={"goals": ""}))                                  # a blank part
    doc.case(ep("2024-06-01", plan={"timetable": "   "}))                           # a blank part
    doc.case(ep("2024-06-01", plan=False))                                          # no plan
    doc.case(ep("2024-07-01"), parent=True)                                         # (a) and (b)
    doc.case(ep("2024-05-01"), type="family")                                       # family case
    doc.case(ep("2024-05-01"), type="family", merged_into=target)                   # merged: not again
    doc.case(ep("2023-05-01", "2023-12-31", achieved=False, last_use="2023-12-01"),
             ep("2024-09-01"))  # reopened
    doc.case(ep("2024-04-10", "2024-06-30", achieved=True, last_use="2024-01-01"), ep("2024-09-01"))  # twice
    doc.case(ep("2025-04-01"))                                                      # next year
    doc.case(ep("2022-01-01", "2023-01-01", achieved=True, last_use="2022-06-01"))  # long closed
    doc.agreed(OS4=20)
    rep = doc.report()
    assert rep["standards"]["OS4"] == {"achieved": 10, "agreed": 20, "met": False, "before_conversion": 10}
    assert achieved(rep, "OS4a") == 9
    assert achieved(rep, "OS4b") == 1
    assert rep["standards"]["OS5"]["before_conversion"] == 7
    assert achieved(rep, "OS5") == 7
    assert rep["family_case_share"] == 0.05
    tally = fsa.cases_with_plan(doc.scope())
    reasons = {str(r) for row in tally.explain("pk") for r in row["reasons"]}
    assert str(fsa.PLAN_COMPLETE.reason) in reasons and str(fsa.NOT_MERGED.reason) in reasons


def test_family_case_share_of_the_agreed_level_and_warning():
    doc = Doc()
    for _ in range(3):
        doc.case(ep("2024-05-01"))
    doc.case(ep("2024-05-01"), type="family")
    doc.case(ep("2024-05-01", plan={"direction": ""}), type="family")   # not an OS4 case
    doc.agreed(OS4=5)
    rep = doc.report()
    assert rep["standards"]["OS4"]["before_conversion"] == 4 and achieved(rep, "OS4a") == 3
    assert rep["family_case_share"] == 0.2
    assert any(w.startswith("OS4: family cases") for w in rep["warnings"])

    other = Doc(code="V")
    other.case(ep("2024-05-01"))
    other.case(ep("2024-05-01"), type="family")
    other.agreed(OS4=20)
    rep = other.report()
    assert rep["family_case_share"] == 0.05
    assert not any(w.startswith("OS4:") for w in rep["warnings"])

    no_level = Doc(code="W")
    no_level.case(ep("2024-05-01"), type="family")
    assert no_level.report()["family_case_share"] is None


# --- OS6 / OS7 -------------------------------------------------------------------------------------------

def test_os6_stakeholder_involvement_in_the_year_and_within_the_episode():
    doc = Doc()
    yes1 = doc.case(ep("2023-06-01"))
    doc.involvement(yes1, "2024-05-01")
    no_prev_year = doc.case(ep("2023-06-01"))
    doc.involvement(no_prev_year, "2024-03-15")                       # in the episode, previous year
    no_before = doc.case(ep("2024-06-01"))
    doc.involvement(no_before, "2024-05-20")                          # in the year, before the episode
    no_after = doc.case(ep("2024-06-01", "2024-08-31", achieved=True, last_use="2024-01-01"))
    doc.involvement(no_after, "2024-09-01")                           # the day after closure
    on_closure = doc.case(ep("2024-06-01", "2024-08-31", achieved=True, last_use="2024-01-01"))
    doc.involvement(on_closure, "2024-08-31")                         # on the closing day
    family_only = doc.case(ep("2024-06-01"))
    doc.involvement(family_only, "2024-07-01", party="family")
    no_plan = doc.case(ep("2024-06-01", plan={"actions": ""}))
    doc.involvement(no_plan, "2024-07-01")                            # not an OS4 case
    merged_target = doc.case(ep("2024-06-01"))
    merged = doc.case(ep("2024-05-01"), type="family", merged_into=merged_target)
    doc.involvement(merged, "2024-07-01", stakeholder="school")       # history moved to the PSA case
    reopened = doc.case(ep("2023-05-01", "2023-12-31", achieved=True, last_use="2023-06-01"),
                        ep("2024-09-01"))
    doc.involvement(reopened, "2024-06-01")                           # between the episodes
    rep = doc.report()
    assert achieved(rep, "OS4") == 8
    assert achieved(rep, "OS6") == 3


def test_os7_collaborations_in_the_year_on_parent_cases():
    doc = Doc()
    parent = doc.case(ep("2024-06-01", "2024-12-31", achieved=True, last_use="2024-01-01"), parent=True)
    doc.collaboration(parent, "2024-06-15", "mdcc")
    doc.collaboration(parent, "2024-07-15", "case_review")
    doc.collaboration(parent, "2024-05-01", "consultation")           # before the case opened: still counts
    doc.collaboration(parent, "2025-02-01", "consultation")           # after closure: still counts
    doc.collaboration(parent, "2024-03-31")                           # previous year
    doc.collaboration(parent, "2025-04-01")                           # next year
    plain = doc.case(ep("2024-06-01"))
    doc.collaboration(plain, "2024-06-15")                            # not a parent case
    rep = doc.report()
    assert achieved(rep, "OS7") == 4


# --- OS8 counselling groups ------------------------------------------------------------------------------

def test_os8_counselling_group_sessions():
    doc = Doc()
    people = [doc.person() for _ in range(6)]
    too_few = doc.group(gid="g1")                         # only 3 sessions of 1 h (and one of 45 min)
    for day in ("2024-05-06", "2024-05-13", "2024-05-20"):
        doc.act("group_session", day, 90, group=too_few, people=people)
    doc.act("group_session", "2024-05-27", 45, group=too_few, people=people)
    small = doc.group(gid="g2")                           # 4 long sessions in all, 3 participants
    doc.act("group_session", "2024-06-03", 60, group=small, people=people[:3])                  # 1
    doc.act("group_session", "2024-06-10", 60, staff=["nurse"], group=small, people=people[:2])  # 1
    doc.act("group_session", "2024-06-17", 60, staff=["ex"], group=small, people=people[:3])     # no SW/nurse
    doc.act("group_session", "2024-06-24T09:00", 300, full_day=True, staff=["sw", "ex"],
            group=small, people=people[:3])                                                      # full day: 3
    doc.act("group_session", "2024-07-01", 45, group=small, people=people[:3])                  # under 1 h
    across = doc.group(gid="g3")                          # 4 sessions counted over the group's whole life
    doc.act("group_session", "2024-03-25", 90, group=across, people=people)  # previous year
    doc.act("group_session", "2024-04-08", 90, group=across, people=people)                     # 1
    doc.act("group_session", "2024-04-15", 90, group=across, people=people)                     # 1
    doc.act("group_session", "2024-04-22T09:00", 150, full_day=True, group=across, people=people)  # 2
    mutual = doc.group("mutual_help", gid="g4")           # not a counselling group
    for day in ("2024-05-06", "2024-05-13", "2024-05-20", "2024-05-27"):
        doc.act("group_session", day, 90, group=mutual, people=people[:2])
    doc.agreed(OS8=9)
    rep = doc.report()
    assert rep["standards"]["OS8"] == {"achieved": 9, "agreed": 9, "met": True, "before_conversion": 9}
    assert "OS8: group g2 has 3 participants (fewer than 6)" in rep["warnings"]
    assert not any(w.startswith(("OS8: group g1", "OS8: group g3", "OS8: group g4")) for w in rep["warnings"])
    assert fsa.counselling_group_sessions(doc.scope()).value() == 9
    assert achieved(doc.report(2023), "OS8") == 1


def test_os8_small_group_warning_counts_people_over_all_sessions():
    doc = Doc()
    people = [doc.person() for _ in range(6)]
    split = doc.group(gid="g5")                           # at most 3 a session, 6 people in all: not small
    five = doc.group(gid="g6")                            # 5 every session (no session has a sixth): small
    for n, day in enumerate(("2024-05-06", "2024-05-13", "2024-05-20", "2024-05-27")):
        doc.act("group_session", day, 90, group=split, people=people[:3] if n % 2 else people[3:])
        doc.act("group_session", day, 90, group=five, people=people[:5])
    rep = doc.report()
    assert "OS8: group g6 has 5 participants (fewer than 6)" in rep["warnings"]
    assert not any(w.startswith("OS8: group g5") for w in rep["warnings"])


# --- OS9 brief counselling -------------------------------------------------------------------------------

def test_os9_brief_counselling_without_a_case_first_four_sessions():
    doc = Doc()
    regular = doc.person()                       # five sessions: the fifth is not counted
    sessions = [doc.act("brief_counselling", f"2024-05-{d:02d}", 60, people=[regular])
                for d in (6, 7, 8, 9, 10)]
    with_case = doc.person()
    doc.case(ep("2024-05-01"), client=with_case)
    doc.act("brief_counselling", "2024-04-15", 60, people=[with_case])                 # before the case: 1
    with_case_day = doc.act("brief_counselling", "2024-06-01", 60, people=[with_case])  # case in hand
    member = doc.person()
    doc.case(ep("2024-01-01"), type="family", members=[member])
    doc.act("brief_counselling", "2024-06-01", 60, people=[member])                     # member of a case
    closed = doc.person()
    doc.case(ep("2024-01-01", "2024-06-30", achieved=True, last_use="2023-06-01"), client=closed)
    doc.act("brief_counselling", "2024-06-30", 60, people=[closed])                     # closing day: in hand
    doc.act("brief_counselling", "2024-07-01", 60, people=[closed])                     # the day after: 1
    other = doc.person()
    doc.act("brief_counselling", "2024-07-02", 59, people=[other])                      # 59 minutes
    doc.act("brief_counselling", "2024-07-03", 60, staff=["ex"], people=[other])        # peer only
    doc.act("brief_counselling", "2024-07-04", 60, staff=["other", "doctor"], people=[other])
    doc.act("brief_counselling", "2024-07-05", 60, staff=["nurse"], people=[other, regular])  # nurse: 1
    doc.act("nursing", "2024-07-06", 60, staff=["nurse"], people=[other])               # never OS9 (OS14)
    doc.act("consultation", "2024-07-06", 60, staff=["nurse", "doctor"], people=[other],
            funded_by="medical_support")                                                 # OS13, not OS9
    earlier = doc.person()                       # two sessions last year: only two more this year
    for day in ("2024-02-01", "2024-03-01", "2024-04-02", "2024-05-02", "2024-06-02"):
        doc.act("brief_counselling", day, 60, people=[earlier])
    doc.act("brief_counselling", "2025-04-01", 60, people=[doc.person()])                # next year
    doc.agreed(OS9=10)
    rep = doc.report()
    assert rep["standards"]["OS9"] == {"achieved": 9, "agreed": 10, "met": False, "before_conversion": 9}
    assert achieved(rep, "OS14") == 1 and achieved(rep, "OS13") == 1
    assert achieved(doc.report(2023), "OS9") == 2
    tally = fsa.brief_counselling_sessions(doc.scope())
    # OS9 counts attendance rows (a session's first person), so its records are named through the activity.
    counted = {r["activity__external_id"] for r in tally.explain("activity__external_id") if r["counted"]}
    assert set(sessions[:4]) <= counted and sessions[4] not in counted
    fifth = explained(tally, sessions[4], key="activity__external_id")
    assert len(fifth["reasons"]) == 1
    assert "already had 4 brief-counselling sessions" in str(fifth["reasons"][0])
    assert ["case in hand" in str(r) for r in explained(tally, with_case_day, key="activity__external_id")["reasons"]] == [True]


# --- OS10 education --------------------------------------------------------------------------------------

def test_os10_education_and_publicity_sessions():
    doc = Doc()
    edu = "education"
    doc.act(edu, "2024-05-06", 30, format="talk")                                  # talk under 1 h: 0
    doc.act(edu, "2024-05-07", 60, format="talk")                                  # 1
    doc.act(edu, "2024-05-08T09:00", 360, full_day=True, format="workshop")        # full day capped: 3
    doc.act(edu, "2024-05-09T09:00", 150, full_day=True, format="group", staff=["nurse"])  # 2
    doc.act(edu, "2024-05-10", 30, format="exhibition")                            # 1 whatever its length
    doc.act(edu, "2024-05-11", 20, format="large_event")                           # 1
    doc.act(edu, "2024-05-12", 15, format="publication")                           # 1
    doc.act(edu, "2024-05-13", 600, full_day=True, format="web")                   # 1, no multiplier
    doc.act("professional_training", "2024-05-14", 90, format="talk", staff=["nurse"])  # 1
    doc.act(edu, "2024-05-15", 90, format="talk", staff=["ex"])                    # no SW/nurse
    doc.act(edu, "2024-05-16", 60, format="media", staff=["other"])                # no SW/nurse
    doc.act(edu, "2024-03-31", 90, format="talk")                                  # previous year
    doc.act("interview", "2024-05-17", 90, people=[doc.person()])                  # not education
    rep = doc.report()
    assert achieved(rep, "OS10") == 1 + 3 + 2 + 1 + 1 + 1 + 1 + 1


# --- OS11 schools ----------------------------------------------------------------------------------------

def test_os11_base_and_served_schools():
    doc = Doc()
    served = [doc.school("sch1"), doc.school("sch7"), doc.school("sch9")]
    hsp = doc.school("sch2", hsp=True)
    intl = doc.school("sch3", intl=True)
    outside = doc.school("sch4", area=False)
    no_ssw = doc.school("sch5", ssw=False)
    training_only = doc.school("sch6")
    last_year = doc.school("sch8")
    tertiary = doc.school("sch10", kind="post_secondary")
    doc.act("education", "2024-05-06", 60, format="talk", school="sch1")
    doc.act("education", "2024-05-07", 60, format="talk", school="sch1")           # once per year
    group = doc.group()
    doc.act("group_session", "2024-05-08", 60, group=group, school="sch7", people=[doc.person()])
    doc.act("education", "2024-05-09", 30, format="exhibition", school="sch9", staff=["ex"])  # any service
    for school in (hsp, intl, outside, no_ssw, tertiary):
        doc.act("education", "2024-05-10", 60, format="talk", school=school)
    doc.act("professional_training", "2024-05-10", 120, format="workshop", school=training_only)
    doc.act("education", "2024-03-31", 60, format="talk", school=last_year)
    doc.agreed(OS11=0.5)
    rep = doc.report()
    os11 = rep["standards"]["OS11"]
    assert os11 == {"achieved": 0.5, "agreed": 0.5, "met": True, "served": len(served), "converted": 0,
                    "workplaces": 0, "base": 6}
    assert fsa.served_schools(doc.scope()) == set(
        School.objects.filter(unit=doc.load(), external_id__in=served).values_list("pk", flat=True))


def test_os11_without_base_schools_is_null():
    doc = Doc()
    doc.school(intl=True)
    doc.agreed(OS11=0.8)
    os11 = doc.report()["standards"]["OS11"]
    assert os11["base"] == 0 and os11["achieved"] is None and os11["met"] is None


def test_os11_conversions_capped_in_order_with_warnings():
    doc = Doc()
    for i in range(10):
        doc.school(f"b{i}")
    doc.act("education", "2024-05-06", 60, format="talk", school="b0")
    doc.act("education", "2024-05-06", 60, format="talk", school="b1")
    poly = doc.school("poly", kind="post_secondary")
    ive = doc.school("ive", kind="vocational", area=False)
    doc.act("education", "2024-06-03", 60, format="talk", school=poly)                       # 1
    doc.act("education", "2024-06-04", 45, format="talk", school=ive)                        # under 1 h: 0
    doc.act("education", "2024-06-05T09:00", 120, full_day=True, format="workshop", school=ive)  # 2
    doc.act("education", "2024-03-05", 120, format="workshop", school=poly)                  # previous year
    doc.conversion("post_secondary", 5)       # capped at the 3 sessions held
    doc.conversion("family_brief", 3)         # 5 unserved left: all 3
    doc.conversion("family_group", 4)         # 2 unserved left
    doc.conversion("family_brief", 9, fy=2023)
    rep = doc.report()
    os11 = rep["standards"]["OS11"]
    assert (os11["served"], os11["converted"], os11["workplaces"], os11["base"]) == (2, 8, 0, 10)
    assert os11["achieved"] == 1.0
    assert "OS11: post_secondary conversion of 5 schools exceeds the limit; 3 applied" in rep["warnings"]
    assert "OS11: family_group conversion of 4 schools exceeds the limit; 2 applied" in rep["warnings"]
    assert not any("family_brief" in w for w in rep["warnings"])
    figures_ = fsa.schools_served(doc.scope())
    assert figures_.converted == {"post_secondary": 3, "family_brief": 3, "family_group": 2}
    # family routes: 5 schools deducted; post-secondary deducts nothing
    assert rep["standards"]["OS4"]["achieved"] == round(0 - 0.54 * 5, 2)
    assert rep["standards"]["OS9"]["achieved"] == round(0 - 2.02 * 3, 2)
    assert rep["standards"]["OS8"]["achieved"] == round(0 - 1.62 * 2, 2)


def test_os11_post_secondary_route_comes_first():
    doc = Doc()
    for i in range(3):
        doc.school(f"b{i}")
    poly = doc.school("poly", kind="post_secondary")
    for day in ("2024-06-03", "2024-06-04", "2024-06-05"):
        doc.act("education", day, 60, format="talk", school=poly)
    doc.conversion("family_brief", 2)
    doc.conversion("post_secondary", 2)
    rep = doc.report()
    assert rep["standards"]["OS11"]["converted"] == 3 and rep["standards"]["OS11"]["achieved"] == 1.0
    assert "OS11: family_brief conversion of 2 schools exceeds the limit; 1 applied" in rep["warnings"]
    assert rep["standards"]["OS9"]["achieved"] == -2.02


@pytest.mark.parametrize("base, served, family_brief, workplaces, expected", [
    (10, 6, 0, 3, 0),     # 60%: no substitution yet
    (10, 7, 0, 3, 1),     # 70% reached: up to 10% of the base
    (10, 5, 2, 3, 1),     # conversions help reach 70%
    (20, 14, 0, 3, 2),    # 10% of 20
    (20, 14, 0, 1, 1),    # only as many workplaces as were served
    (10, 9, 0, 3, 1),     # never above the base
    (10, 10, 0, 3, 0),
])
def test_os11_workplaces_replace_the_last_ten_percent(base, served, family_brief, workplaces, expected):
    doc = Doc()
    for i in range(base):
        doc.school(f"b{i}")
        if i < served:
            doc.act("education", "2024-05-06", 60, format="talk", school=f"b{i}")
    for _ in range(workplaces):
        w = doc.workplace(employees=5)
        doc.act("education", "2024-06-03", 60, format="talk", workplace=w)
        doc.act("education", "2024-06-04", 60, format="talk", workplace=w)            # counted once
    small = doc.workplace(employees=4)
    doc.act("education", "2024-06-05", 60, format="talk", workplace=small)            # under 5 employees
    unused = doc.workplace(employees=50)
    doc.act("professional_training", "2024-06-05", 60, format="talk", workplace=unused)  # not education
    doc.act("education", "2024-03-05", 60, format="talk", workplace=unused)           # previous year
    if family_brief:
        doc.conversion("family_brief", family_brief)
    os11 = doc.report()["standards"]["OS11"]
    assert os11["workplaces"] == expected
    assert os11["achieved"] == round((served + family_brief + expected) / base, 4)


def test_os11_conversion_deductions_from_os4_os5_os8_os9():
    doc = Doc()
    for _ in range(3):
        doc.case(ep("2024-05-01"))
    group = doc.group()
    people = [doc.person() for _ in range(6)]
    for day in ("2024-06-03", "2024-06-10", "2024-06-17", "2024-06-24"):
        doc.act("group_session", day, 60, group=group, people=people)
    for p in people[:5]:
        doc.act("brief_counselling", "2024-07-01", 60, people=[p])
    for i in range(4):
        doc.school(f"b{i}")
    poly = doc.school("poly", kind="post_secondary")
    doc.act("education", "2024-06-03", 60, format="talk", school=poly)
    doc.conversion("post_secondary", 1)
    doc.conversion("family_brief", 1)
    doc.conversion("family_group", 1)
    doc.agreed(OS4=2, OS5=3, OS8=2, OS9=3)
    rep = doc.report()
    s = rep["standards"]
    assert s["OS11"]["converted"] == 3 and s["OS11"]["achieved"] == 0.75
    assert s["OS4"] == {"achieved": 1.92, "agreed": 2, "met": False, "before_conversion": 3}
    assert s["OS5"] == {"achieved": 2.75, "agreed": 3, "met": False, "before_conversion": 3}
    assert s["OS8"] == {"achieved": 2.38, "agreed": 2, "met": True, "before_conversion": 4}
    assert s["OS9"] == {"achieved": 2.98, "agreed": 3, "met": False, "before_conversion": 5}
    assert achieved(rep, "OS4a") == 3          # only OS4, OS5, OS8, OS9 are deducted
    assert rep["family_case_share"] == 0.0     # on OS4 before conversion


# --- OS12 / OS13 / OS14 medical support ------------------------------------------------------------------

def test_os12_first_assessment_with_a_plan_by_doctor_or_nurse():
    doc = Doc()
    p = [doc.person(f"m{i}") for i in range(9)]
    doc.assessment(p[0], "2024-05-01", plan=False)                  # without a plan: does not block
    doc.assessment(p[0], "2024-06-01", by="doctor")                 # counts
    doc.assessment(p[1], "2024-05-01", by="ex")                     # by a peer worker: not counted
    doc.assessment(p[2], "2023-12-01")                              # first one last year
    doc.assessment(p[2], "2024-05-01")
    doc.assessment(p[3], "2024-05-01")                              # counts once
    doc.assessment(p[3], "2024-08-01", by="doctor")
    doc.assessment(p[4], "2024-05-01", by="sw")                     # by a social worker
    doc.assessment(p[5], "2024-04-10", by="ex")                     # peer's does not make the first
    doc.assessment(p[5], "2024-05-01", by="doctor")                 # counts
    doc.assessment(p[6], "2025-04-01")                              # next year
    doc.assessment(p[7], "2024-07-01")                              # same day twice: once
    doc.assessment(p[7], "2024-07-01", by="doctor")
    doc.assessment(p[8], "2024-03-31", plan=False)                  # no plan ever
    doc.assessment(p[8], "2024-07-01", plan=False)
    rep = doc.report()
    assert achieved(rep, "OS12") == 4
    counted = fsa.medical_support_psa(doc.scope()).counted().values_list("person__external_id", flat=True)
    assert set(counted) == {"m0", "m3", "m5", "m7"}


def test_os13_consultations_funded_by_medical_support_with_nurse_or_sw():
    doc = Doc()
    person = doc.person()
    ms = {"funded_by": "medical_support", "people": [person]}
    doc.act("consultation", "2024-05-06", 60, staff=["doctor", "nurse"], **ms)      # 1
    doc.act("consultation", "2024-05-07", 30, staff=["doctor", "sw"], **ms)         # no length limit: 1
    doc.act("consultation", "2024-05-08", 60, staff=["doctor"], **ms)               # no nurse/SW
    doc.act("consultation", "2024-05-09", 60, staff=["doctor", "nurse"], people=[person])  # not funded
    doc.act("nursing", "2024-05-10", 60, staff=["nurse"], **ms)                     # not a consultation
    doc.act("consultation", "2024-03-29", 60, staff=["doctor", "nurse"], **ms)      # previous year
    assert achieved(doc.report(), "OS13") == 2


def test_os14_nursing_sessions_by_nurses():
    doc = Doc()
    person = doc.person()
    doc.act("nursing", "2024-05-06", 60, staff=["nurse"], people=[person])          # 1
    doc.act("nursing", "2024-05-07", 20, staff=["nurse"], people=[person])          # no length limit: 1
    doc.act("nursing", "2024-05-08", 60, staff=["nurse"], headcount=3)              # anonymous: 1
    doc.act("nursing", "2024-05-09", 60, staff=["nurse"])                           # nobody served
    doc.act("nursing", "2024-05-10", 60, staff=["sw"], people=[person])             # no nurse
    doc.act("interview", "2024-05-11", 60, staff=["nurse"], people=[person])        # not nursing
    doc.act("nursing", "2025-04-01", 60, staff=["nurse"], people=[person])          # next year
    assert achieved(doc.report(), "OS14") == 3


# --- OS15 peer support -----------------------------------------------------------------------------------

def test_os15_each_peer_worker_present_counts_and_15a_ex_users_only():
    doc = Doc()
    person = doc.person()
    doc.act("interview", "2024-05-06", 60, staff=["sw", "ex"], people=[person])               # 1, ex 1
    group = doc.group()
    doc.act("group_session", "2024-05-07", 90, staff=["ex", "fam"], group=group, people=[person])  # 2, ex 1
    doc.act("outreach", "2024-05-08", 45, staff=["ex"], psa_contacted=2)                       # 45 min: 0
    doc.act("education", "2024-05-09T09:00", 360, full_day=True, staff=["fam"], format="talk")  # 1, ex 0
    doc.act("outreach", "2024-05-10T19:00", 120, staff=["ex", "ex2"], psa_contacted=1)         # 2, ex 2
    doc.act("escort", "2024-03-30", 120, staff=["ex"], people=[person])  # previous year
    doc.act("interview", "2024-05-11", 120, staff=["sw"], people=[person])                      # no peer
    doc.agreed(OS15=6, OS15a=5)
    rep = doc.report()
    assert rep["standards"]["OS15"] == {"achieved": 6, "agreed": 6, "met": True}
    assert rep["standards"]["OS15a"] == {"achieved": 4, "agreed": 5, "met": False}
    assert achieved(rep, "OS1") == 1 and achieved(rep, "OS1a") == 1   # the same outreach counts in OS1 too
    tally = fsa.peer_support_sessions(doc.scope(), ex_user_only=True)
    reasons = {str(r) for row in tally.explain("pk") for r in row["reasons"]}
    assert any("not an ex-user" in r for r in reasons) and any("under 1 hour" in r for r in reasons)


# --- OS16 family-relationship groups ---------------------------------------------------------------------

def test_os16_family_groups_with_two_families_led_by_a_social_worker():
    doc = Doc()
    a_client, a_member, b_client, b_member = (doc.person() for _ in range(4))
    doc.case(ep("2024-01-01"), client=a_client, members=[a_member])
    doc.case(ep("2024-01-01"), type="family", client=b_client, members=[b_member])
    loners = [doc.person(), doc.person()]
    g = doc.group("family_relationship")
    doc.act("group_session", "2024-05-06", 90, group=g, people=[a_client, b_member])       # 2 families: 1
    doc.act("group_session", "2024-05-07", 90, group=g, people=[a_client, a_member])       # one family only
    doc.act("group_session", "2024-05-08", 90, staff=["nurse", "ex"], group=g,
            people=[a_client, b_client])                                                   # no SW
    doc.act("group_session", "2024-05-09", 45, group=g, people=[a_client, b_client])       # under 1 h
    doc.act("group_session", "2024-05-10T09:00", 240, full_day=True, group=g,
            people=[a_member, b_client])                                                   # full day: 3
    doc.act("group_session", "2024-05-11", 90, staff=["sup"], group=g, people=loners)      # no case: no family
    doc.act("group_session", "2024-05-12", 90, group=g, people=[loners[0], a_client])      # one family + no case
    # A family case merged into the PSA case is that case: its member and the PSA client are one family.
    c_client, c_relative = doc.person(), doc.person()
    c_case = doc.case(ep("2024-01-01"), client=c_client)
    doc.case(ep("2023-06-01"), type="family", client=c_relative, merged_into=c_case)
    doc.act("group_session", "2024-05-14", 90, group=g, people=[c_client, c_relative])     # one family
    doc.act("group_session", "2024-05-15", 90, group=g, people=[c_relative, b_member])     # 2 families: 1
    # A client of one case who is a member of another belongs to the case of which they are client.
    doc.case(ep("2024-01-01"), members=[a_client])
    doc.act("group_session", "2024-05-16", 90, group=g, people=[a_client, a_member])       # still one family
    doc.act("group_session", "2024-03-12", 90, group=g, people=[a_client, b_client])       # previous year
    counselling = doc.group("counselling")
    doc.act("group_session", "2024-05-13", 90, group=counselling, people=[a_client, b_client])
    rep = doc.report()
    assert achieved(rep, "OS16") == 1 + 3 + 1
    tally = fsa.family_group_sessions(doc.scope())
    reasons = {str(r) for row in tally.explain("pk") for r in row["reasons"]}
    assert any("fewer than 2 families" in r for r in reasons)
    assert any("no social worker" in r for r in reasons)


# --- OS17 home-makers ------------------------------------------------------------------------------------

def test_os17_homemaker_hours_per_homemaker_for_parent_cases():
    doc = Doc()
    mother = doc.person(sex="F", children=["2019-01-01"])
    partner = doc.person()
    parent_case = doc.case(ep("2024-01-01"), client=mother, members=[partner], parent=True)
    other_case = doc.case(ep("2024-01-01"))
    hs = "homemaker_service"
    doc.act(hs, "2024-05-06", 120, staff=["hm1", "hm2"], case=parent_case, people=[mother])     # 2 × 2 h
    doc.act(hs, "2024-05-07", 45, staff=["hm1"], case=parent_case)                              # 0.75 h
    doc.act(hs, "2024-05-08T09:00", 480, full_day=True, staff=["hm2"], case=parent_case)        # 8 h, no cap
    doc.act(hs, "2024-05-09", 30, staff=["hm1", "sw"], case=parent_case)                        # 0.5 h
    doc.act(hs, "2024-05-10", 60, staff=["hm1"], case=other_case)  # not a parent case
    doc.act(hs, "2024-05-11", 60, staff=["hm1"], people=[doc.person(sex="F", pregnant=True)])   # 1 h
    doc.act(hs, "2024-05-12", 60, staff=["hm1"], people=[doc.person(children=["2019-05-12"])])  # child 5: 1 h
    doc.act(hs, "2024-05-13", 60, staff=["hm1"], people=[doc.person(children=["2011-01-01"])])  # child 13
    doc.act(hs, "2024-05-14", 60, staff=["hm2"], people=[partner])                              # member: 1 h
    doc.act(hs, "2024-05-15", 60, staff=["sw"], case=parent_case)  # no home-maker
    doc.act(hs, "2024-03-15", 60, staff=["hm1"], case=parent_case)  # previous year
    doc.agreed(OS17=16)
    rep = doc.report()
    assert rep["standards"]["OS17"] == {"achieved": 16.25, "agreed": 16, "met": True}


# --- outcome standards -----------------------------------------------------------------------------------

def test_oc1_closed_cases_with_a_plan_achieved():
    doc = Doc()
    doc.case(ep("2023-06-01", "2024-06-30", achieved=True, last_use="2024-01-01"))             # 1/1
    doc.case(ep("2024-05-01", "2024-09-30", achieved=False, last_use="2024-01-01"))            # 0/1
    doc.case(ep("2024-05-01", "2025-03-31", achieved=True, last_use="2024-01-01"))             # 1/1
    doc.case(ep("2024-05-01", "2024-09-30", achieved=True), type="family")                     # 1/1
    doc.case(ep("2024-05-01", "2024-09-30", plan={"goals": ""}, achieved=True))  # incomplete plan
    doc.case(ep("2024-05-01", "2024-09-30", plan=False, achieved=True))                        # no plan
    doc.case(ep("2023-05-01", "2024-03-31", achieved=True))                                    # previous year
    doc.case(ep("2024-05-01"))                                                                 # still open
    target = doc.case(ep("2024-05-01"))
    doc.case(ep("2024-04-01", "2024-05-01", achieved=True), type="family", merged_into=target)  # merged
    doc.agreed(OC1=0.55)
    rep = doc.report()
    assert rep["standards"]["OC1"] == {"numerator": 3, "denominator": 4, "achieved": 0.75, "agreed": 0.55,
                                       "met": True}


def test_oc2_abstinent_at_least_90_days_before_closure():
    doc = Doc()
    closed = "2024-09-30"
    doc.case(ep("2024-05-01", closed, achieved=True, last_use=ago(closed, 89)))   # not abstinent
    doc.case(ep("2024-05-01", closed, achieved=True, last_use=ago(closed, 90)))   # abstinent
    doc.case(ep("2024-05-01", closed, achieved=True, last_use=ago(closed, 91)))   # abstinent
    doc.case(ep("2024-05-01", closed, achieved=False))                            # last use unknown
    doc.case(ep("2024-05-01", closed, plan=False, last_use=ago(closed, 120)))     # no plan needed
    doc.case(ep("2024-05-01", closed, last_use=ago(closed, 120)), type="family")  # family case
    doc.case(ep("2023-05-01", "2024-03-31", last_use="2023-01-01"))               # previous year
    doc.case(ep("2024-05-01"))                                                    # open
    rep = doc.report()
    assert rep["standards"]["OC2"] == {"numerator": 3, "denominator": 5, "achieved": 0.6, "agreed": None,
                                       "met": None}


def test_oc3_family_involvement_within_the_episode_any_year():
    doc = Doc()
    earlier = doc.case(ep("2023-06-01"))
    doc.involvement(earlier, "2023-08-01", party="family")                  # last year, in the episode
    before = doc.case(ep("2024-06-01"))
    doc.involvement(before, "2024-05-01", party="family")                   # before the episode
    after = doc.case(ep("2024-06-01", "2024-09-30", achieved=True, last_use="2024-01-01"))
    doc.involvement(after, "2024-10-01", party="family")                    # after closure
    stakeholder = doc.case(ep("2024-06-01"))
    doc.involvement(stakeholder, "2024-07-01")                              # not family
    target = doc.case(ep("2024-06-01"))
    merged = doc.case(ep("2024-05-01"), type="family", merged_into=target)
    doc.involvement(merged, "2024-07-01", party="family")                   # moved to the PSA case
    family = doc.case(ep("2024-06-01"), type="family")
    doc.involvement(family, "2024-07-01", party="family")                   # not an OS4(a) case
    rep = doc.report()
    assert (rep["standards"]["OC3"]["numerator"], rep["standards"]["OC3"]["denominator"]) == (2, 5)
    assert rep["standards"]["OC3"]["achieved"] == 0.4


def test_oc4_forms_from_served_schools():
    doc = Doc()
    doc.school("sch1")
    doc.school("sch2", hsp=True)
    talk = doc.act("education", "2024-05-06", 60, format="talk", school="sch1")
    hsp_talk = doc.act("education", "2024-05-07", 60, format="talk", school="sch2")
    outreach = doc.act("outreach", "2024-05-08", 60, psa_contacted=1)
    old = doc.act("education", "2024-03-06", 60, format="talk", school="sch1")
    doc.feedback(talk)
    doc.feedback(talk)
    doc.feedback(talk, positive=False)
    doc.feedback(outreach, school="sch1")                          # school named on the form
    doc.feedback(talk, topic="recovery")                           # another topic
    doc.feedback(hsp_talk)                                         # school not served
    doc.feedback(old)                                              # previous year
    rep = doc.report()
    assert rep["standards"]["OC4"]["numerator"] == 3 and rep["standards"]["OC4"]["denominator"] == 4
    assert rep["standards"]["OC4"]["achieved"] == 0.75


def test_oc5_forms_from_medical_support_psa():
    doc = Doc()
    supported, earlier = doc.person(), doc.person()
    doc.assessment(supported, "2024-05-01")
    doc.assessment(earlier, "2023-05-01")
    a = doc.act("nursing", "2024-06-01", 60, staff=["nurse"], people=[supported, earlier])
    old = doc.act("nursing", "2024-03-01", 60, staff=["nurse"], people=[supported])
    doc.feedback(a, person=supported)
    doc.feedback(a, person=supported, positive=False)
    doc.feedback(a, person=earlier)                                # not an OS12 person this year
    doc.feedback(a, person=supported, topic="recovery")            # another topic
    doc.feedback(old, person=supported)                            # previous year's activity
    doc.feedback(a)                                                # anonymous
    s = doc.report()["standards"]["OC5"]
    assert (s["numerator"], s["denominator"], s["achieved"]) == (1, 2, 0.5)


def test_oc6_forms_at_activities_with_a_peer_worker():
    doc = Doc()
    person = doc.person()
    long_ = doc.act("interview", "2024-05-06", 60, staff=["ex"], people=[person])
    short = doc.act("outreach", "2024-05-07", 30, staff=["fam"], psa_contacted=1)   # any length
    no_peer = doc.act("interview", "2024-05-08", 60, staff=["sw"], people=[person])
    doc.feedback(long_, person=person)
    doc.feedback(long_, topic="recovery", positive=False, person=person)
    doc.feedback(short)                                             # anonymous, 30-minute activity
    doc.feedback(no_peer, person=person)                            # no peer worker
    doc.feedback(long_, topic="parenting", person=person)           # another topic
    s = doc.report()["standards"]["OC6"]
    assert (s["numerator"], s["denominator"], s["achieved"]) == (2, 3, 0.6667)


def test_oc7_oc8_responses_from_os4b_clients():
    doc = Doc()
    mother, partner, other = doc.person(sex="F"), doc.person(), doc.person(sex="F")
    doc.case(ep("2024-05-01"), client=mother, members=[partner], parent=True)
    doc.case(ep("2024-05-01", plan={"direction": ""}), client=other, parent=True)   # not OS4(b)
    a = doc.act("homemaker_service", "2024-06-01", 60, staff=["hm1"], people=[mother, partner, other])
    old = doc.act("homemaker_service", "2024-03-01", 60, staff=["hm1"], people=[mother])
    doc.feedback(a, "parenting", True, person=mother)
    doc.feedback(a, "parenting", False, person=mother)
    doc.feedback(a, "parenting", True, person=partner)              # a member, not the client
    doc.feedback(a, "parenting", True, person=other)                # not an OS4(b) client
    doc.feedback(old, "parenting", True, person=mother)             # previous year
    doc.feedback(a, "drug_use", True, person=mother)
    doc.feedback(a, "drug_use", False, person=other)
    s = doc.report()["standards"]
    assert (s["OC7"]["numerator"], s["OC7"]["denominator"], s["OC7"]["achieved"]) == (1, 2, 0.5)
    assert (s["OC8"]["numerator"], s["OC8"]["denominator"], s["OC8"]["achieved"]) == (1, 1, 1.0)


def test_oc9_two_kinds_of_stakeholder_during_the_episode():
    doc = Doc()
    two = doc.case(ep("2023-06-01"), parent=True)
    doc.involvement(two, "2023-09-01", stakeholder="probation")      # last year, in the episode
    doc.involvement(two, "2024-06-01", stakeholder="school")
    same = doc.case(ep("2024-05-01"), parent=True)
    doc.involvement(same, "2024-06-01", stakeholder="probation")
    doc.involvement(same, "2024-07-01", stakeholder="probation")     # same kind twice
    outside = doc.case(ep("2024-05-01"), parent=True)
    doc.involvement(outside, "2024-06-01", stakeholder="probation")
    doc.involvement(outside, "2024-04-01", stakeholder="school")     # before the episode
    family = doc.case(ep("2024-05-01"), parent=True)
    doc.involvement(family, "2024-06-01", stakeholder="medical")
    doc.involvement(family, "2024-06-02", party="family")            # family is not a stakeholder
    plain = doc.case(ep("2024-05-01"))                               # not a parent case
    doc.involvement(plain, "2024-06-01", stakeholder="probation")
    doc.involvement(plain, "2024-06-02", stakeholder="school")
    doc.agreed(OC9=0.75)
    s = doc.report()["standards"]["OC9"]
    assert s == {"numerator": 1, "denominator": 4, "achieved": 0.25, "agreed": 0.75, "met": False}


@pytest.mark.parametrize("rows, establishment", [
    ([("2024-04-01", 3), ("2024-10-01", 2), ("2024-12-01", 5)], 2),   # as at 1 October
    ([("2023-04-01", 4), ("2024-09-30", 6)], 6),                     # latest before it
    ([("2024-12-01", 4), ("2025-02-01", 5)], 4),                     # none before: the first after
    ([], 3),                                                          # no rows: peer workers on staff
])
def test_oc10_paid_peer_training_over_establishment(rows, establishment):
    doc = Doc()
    for as_of, count in rows:
        doc.establishment(as_of, count)
    doc.establishment("2024-10-01", 9, role="social_worker")         # another role
    doc.training("ex", "2024-05-01")
    doc.training("fam", "2024-06-01")
    doc.training("ex", "2024-07-01")                                 # sessions, not people
    doc.training("ex2", "2024-07-01", paid=False)                    # unpaid
    doc.training("sw", "2024-07-01")                                 # not a peer worker
    doc.training("ex", "2024-03-31")                                 # previous year
    doc.agreed(OC10=1.0)
    s = doc.report()["standards"]["OC10"]
    assert (s["numerator"], s["denominator"]) == (3, establishment)
    assert s["achieved"] == round(3 / establishment, 4)
    assert s["met"] is (3 / establishment >= 1.0)


def test_outcomes_with_empty_base_are_null():
    doc = Doc()
    doc.agreed(OC1=0.55, OC2=0.55)
    s = doc.report()["standards"]
    for code in ("OC1", "OC2", "OC3", "OC4", "OC5", "OC6", "OC7", "OC8", "OC9"):
        assert s[code]["denominator"] == 0 and s[code]["achieved"] is None and s[code]["met"] is None
    assert s["OC1"]["agreed"] == 0.55
