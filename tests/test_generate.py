"""The synthetic exchange-document generator (tongxing/demo/generate.py).

Pure Python: no database. Checks determinism, referential integrity, the enums of
shared/EXCHANGE.md, time order, the counting edges the generator promises and
that a city-scale document can be generated.
"""

import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

try:
    from tongxing.demo.generate import generate
except ImportError:  # not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tongxing.demo.generate import generate

ROLES = {"social_worker", "nurse", "peer_support_worker", "homemaker", "doctor", "supervisor", "other"}
PEER_TYPES = {"ex_user", "family"}
SCHOOL_KINDS = {"secondary", "post_secondary", "vocational"}
SEXES = {"F", "M", "X"}
DRUGS = {"ketamine", "methamphetamine", "cannabis", "cocaine", "heroin", "other"}
CHANNELS = {"outreach", "friends_family", "publicity", "social_media", "professional_referral",
            "community_referral", "self"}
CASE_TYPES = {"psa", "family"}
PARTIES = {"family", "stakeholder"}
STAKEHOLDERS = {"probation", "school", "medical", "police", "correctional", "youth_outreach", "family_service",
                "mental_health", "treatment_centre", "other"}
STAGES = {"intake", "intervention", "termination"}
MODES = {"phone", "interview", "home_visit", "meeting", "joint_interview", "referral"}
COLLAB_KINDS = {"mdcc", "case_review", "consultation"}
GROUP_KINDS = {"counselling", "family_relationship", "mutual_help", "family_support", "motivation", "vocational",
               "other"}
ACTIVITY_KINDS = {"outreach", "interview", "phone", "home_visit", "escort", "brief_counselling", "group_session",
                  "education", "professional_training", "consultation", "nursing", "homemaker_service",
                  "hotline_call", "other"}
FORMATS = {"talk", "workshop", "group", "exhibition", "publication", "media", "web", "souvenir", "large_event"}
TOPICS = {"drug_harm", "recovery", "parenting", "drug_use"}
ROUTES = {"post_secondary", "family_brief", "family_group"}
# The generated unit is in Hong Kong: its referrals carry Hong Kong's categories only (issue 19), as its form offers.
REF_CATEGORIES = {"specialist_treatment", "substance_abuse_clinic", "drug_treatment_rehabilitation", "other"}
REF_STATUSES = {"sent", "accepted", "attended", "not_attended", "declined"}
STANDARD_CODES = {"OS1", "OS1a", "OS2", "OS3", "OS4", "OS4a", "OS4b", "OS5", "OS6", "OS7", "OS8", "OS9", "OS10",
                  "OS11", "OS12", "OS13", "OS14", "OS15", "OS15a", "OS16", "OS17", *(f"OC{i}" for i in range(1, 11))}

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def is_date(v):
    if not isinstance(v, str) or not DATE.match(v):
        return False
    dt.date.fromisoformat(v)
    return True


def is_time(v):
    if not isinstance(v, str) or not TIME.match(v):
        return False
    dt.datetime.strptime(v, "%Y-%m-%dT%H:%M")
    return True


def minutes(a):
    return (dt.datetime.fromisoformat(a["end"]) - dt.datetime.fromisoformat(a["start"])).total_seconds() / 60


def problems(doc):
    """Everything in the document that breaks shared/EXCHANGE.md (an empty list when valid)."""
    out = []

    def check(cond, msg):
        if not cond:
            out.append(msg)

    check(doc["format"] == "tongxing-exchange" and doc["version"] == 1, "format/version")
    unit = doc["unit"]
    check(unit["code"] and unit["name"], "unit code/name")
    for day, span in unit["opening_hours"].items():
        check(day in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, f"opening_hours.{day}")
        check(span is None or (len(span) == 2 and span[0] < span[1]), f"opening_hours.{day} span")

    def ids(name):
        values = [r["id"] for r in doc[name]]
        check(len(values) == len(set(values)), f"{name}: duplicate ids")
        return set(values)

    staff, schools, workplaces = ids("staff"), ids("schools"), ids("workplaces")
    people, cases, groups, activities = ids("people"), ids("cases"), ids("groups"), ids("activities")
    ids("referrals")
    roles = {s["id"]: set(s["roles"]) for s in doc["staff"]}

    for s in doc["staff"]:
        check(s["name"] and s["roles"] and set(s["roles"]) <= ROLES, f"staff {s['id']} roles")
        is_peer = "peer_support_worker" in s["roles"]
        check((s.get("peer_type") in PEER_TYPES) if is_peer else "peer_type" not in s, f"staff {s['id']} peer_type")
    for e in doc["establishment"]:
        check(e["role"] in ROLES and is_date(e["as_of"]) and isinstance(e["count"], int), "establishment")
    for s in doc["schools"]:
        check(s["kind"] in SCHOOL_KINDS and s["name"], f"school {s['id']}")
        for key in ("in_service_area", "school_social_work", "healthy_school_programme", "international_or_esf"):
            check(isinstance(s[key], bool), f"school {s['id']}.{key}")
    for w in doc["workplaces"]:
        check(w["name"] and isinstance(w["employees"], int) and w["employees"] >= 0, f"workplace {w['id']}")
    for p in doc["people"]:
        pid = p["id"]
        check(p["sex"] in SEXES, f"{pid}.sex")
        check(p.get("birth_date") is None or is_date(p["birth_date"]), f"{pid}.birth_date")
        check(isinstance(p.get("pregnant", False), bool), f"{pid}.pregnant")
        for c in p.get("children", []):
            check(is_date(c["birth_date"]), f"{pid}.children")
        for d in p.get("drug_use", []):
            check(d["drug"] in DRUGS and (d["last_used"] is None or is_date(d["last_used"])), f"{pid}.drug_use")
        ident = p.get("identification")
        if ident is not None:
            check(is_date(ident["date"]) and ident["channel"] in CHANNELS, f"{pid}.identification")
        check(isinstance(p.get("name"), str) and p["name"], f"{pid}.name")
        check(isinstance(p.get("name_en"), str) and re.match(r"^[A-Z][a-z]+( [A-Z][a-z]+)+$", p["name_en"]),
              f"{pid}.name_en {p.get('name_en')!r}")
        check("phone" not in p or re.match(r"^\d{8}$", p["phone"]), f"{pid}.phone")

    case_by_id = {c["id"]: c for c in doc["cases"]}
    for c in doc["cases"]:
        cid = c["id"]
        check(c["type"] in CASE_TYPES, f"{cid}.type")
        check(c["client"] in people, f"{cid}.client")
        check(all(m in people for m in c["members"]) and len(set(c["members"])) == len(c["members"]),
              f"{cid}.members")
        check(c["client"] not in c["members"], f"{cid}: client is also a member")
        check(c["worker"] is None or c["worker"] in staff, f"{cid}.worker")
        check(not (c["type"] == "family" and c["parent_case"]), f"{cid}: family parent case")
        if c["merged_into"] is not None:
            target = case_by_id.get(c["merged_into"])
            check(c["type"] == "family" and target is not None and target["type"] == "psa", f"{cid}.merged_into")
        check(len(c["episodes"]) >= 1, f"{cid}: no episodes")
        previous_end = None
        for i, ep in enumerate(c["episodes"]):
            path = f"{cid}.episodes[{i}]"
            check(is_date(ep["opened"]), f"{path}.opened")
            closed = ep.get("closed")
            check(closed is None or (is_date(closed) and closed >= ep["opened"]), f"{path}.closed")
            check(("closure" in ep) == (closed is not None), f"{path}: closure iff closed")
            check(closed is not None or i == len(c["episodes"]) - 1, f"{path}: open episode not last")
            check(previous_end is None or ep["opened"] > previous_end, f"{path}: overlaps previous")
            previous_end = closed
            if "plan" in ep:
                plan = ep["plan"]
                check(is_date(plan["date"]) and set(plan) == {"date", "direction", "timetable", "actions", "goals"},
                      f"{path}.plan")
            if "closure" in ep:
                cl = ep["closure"]
                check(cl["plan_achieved"] in (True, False, None), f"{path}.closure.plan_achieved")
                check(cl["last_drug_use"] is None or (is_date(cl["last_drug_use"]) and cl["last_drug_use"] <= closed),
                      f"{path}.closure.last_drug_use")
                check(isinstance(cl["reason"], str) and cl["reason"], f"{path}.closure.reason")

    for i, r in enumerate(doc["involvements"]):
        check(r["case"] in cases and is_date(r["date"]) and r["party"] in PARTIES, f"involvements[{i}]")
        check(r.get("stakeholder") in (STAKEHOLDERS if r["party"] == "stakeholder" else {None}),
              f"involvements[{i}].stakeholder")
        check(r.get("stage") in STAGES and r.get("mode") in MODES, f"involvements[{i}] stage/mode")
    for i, r in enumerate(doc["collaborations"]):
        check(r["case"] in cases and is_date(r["date"]) and r["kind"] in COLLAB_KINDS, f"collaborations[{i}]")
    for r in doc["referrals"]:
        check(r["person"] in people and (r["case"] is None or r["case"] in cases), f"{r['id']} refs")
        check(r["direction"] in {"in", "out"} and r["category"] in REF_CATEGORIES and r["agency"], f"{r['id']}")
        check(is_date(r["date"]) and r["status"] in REF_STATUSES, f"{r['id']} date/status")
        check(r["status_date"] is None or (is_date(r["status_date"]) and r["status_date"] >= r["date"]),
              f"{r['id']}.status_date")
    for g in doc["groups"]:
        check(g["kind"] in GROUP_KINDS and g["title"], f"group {g['id']}")

    for a in doc["activities"]:
        aid = a["id"]
        check(a["kind"] in ACTIVITY_KINDS, f"{aid}.kind")
        check(is_time(a["start"]) and is_time(a["end"]) and a["end"] > a["start"], f"{aid} start/end")
        check(isinstance(a["full_day"], bool), f"{aid}.full_day")
        check(a["staff"] and all(s in staff for s in a["staff"]) and len(set(a["staff"])) == len(a["staff"]),
              f"{aid}.staff")
        check(all(p in people for p in a["people"]) and len(set(a["people"])) == len(a["people"]), f"{aid}.people")
        check(isinstance(a["headcount"], int) and a["headcount"] >= 0, f"{aid}.headcount")
        for key, valid in (("case", cases), ("group", groups), ("school", schools), ("workplace", workplaces)):
            check(a.get(key) is None or a[key] in valid, f"{aid}.{key}")
        check(a.get("funded_by") in (None, "medical_support"), f"{aid}.funded_by")
        if a["kind"] in ("education", "professional_training"):
            check(a.get("format") in FORMATS, f"{aid}.format")
        else:
            check(a.get("format") is None, f"{aid}: format on a {a['kind']}")
        check((a["kind"] == "group_session") == (a.get("group") is not None), f"{aid}.group")
        if a["kind"] == "brief_counselling":
            check(len(a["people"]) == 1, f"{aid}: brief counselling serves one person")
        if a["kind"] == "outreach":
            check(isinstance(a.get("psa_contacted"), int) and a["psa_contacted"] >= 0, f"{aid}.psa_contacted")
        if a["kind"] == "homemaker_service":
            check(any("homemaker" in roles[s] for s in a["staff"] if s in roles), f"{aid}: no home-maker")

    for m in doc["medical_assessments"]:
        check(m["person"] in people and m["by"] in staff and is_date(m["date"]) and isinstance(m["plan"], bool),
              "medical_assessments")
    for i, f in enumerate(doc["feedback"]):
        check(f["activity"] in activities and f["topic"] in TOPICS and isinstance(f["positive"], bool),
              f"feedback[{i}]")
        check(f["person"] is None or f["person"] in people, f"feedback[{i}].person")
        check(f["school"] is None or f["school"] in schools, f"feedback[{i}].school")
    for t in doc["trainings"]:
        check(t["staff"] in staff and is_date(t["date"]) and isinstance(t["paid"], bool) and t["title"], "trainings")
    seen = set()
    for c in doc["conversions"]:
        check(c["route"] in ROUTES and isinstance(c["schools"], int) and (c["fy"], c["route"]) not in seen,
              "conversions")
        seen.add((c["fy"], c["route"]))
    for row in doc["agreed_levels"]:
        check(isinstance(row["fy"], int), "agreed_levels.fy")
        for code, v in row.items():
            if code != "fy":
                check(code in STANDARD_CODES and isinstance(v, int | float) and v >= 0, f"agreed_levels {code}")
    return out


@pytest.fixture(scope="module")
def doc():
    return generate()


def test_deterministic_for_a_seed():
    a = generate(people=80, activities_per_year=300, seed=11)
    b = generate(people=80, activities_per_year=300, seed=11)
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
    c = generate(people=80, activities_per_year=300, seed=12)
    assert json.dumps(a, ensure_ascii=False) != json.dumps(c, ensure_ascii=False)


def test_default_document_is_valid(doc):
    assert problems(doc) == []
    json.dumps(doc)  # JSON-serialisable


@pytest.mark.parametrize("kwargs", [
    dict(people=150, activities_per_year=900, years=(2024,), seed=3),
    dict(people=25, activities_per_year=40, years=(2022, 2023, 2024), seed=9, unit_code="KT", unit_name="葵涌中心"),
])
def test_other_sizes_are_valid(kwargs):
    d = generate(**kwargs)
    assert problems(d) == []
    assert len(d["people"]) == kwargs["people"]
    assert d["unit"]["code"] == kwargs.get("unit_code", "DEMO")
    assert {row["fy"] for row in d["agreed_levels"]} == set(kwargs["years"])


def test_every_activity_kind_appears(doc):
    assert {a["kind"] for a in doc["activities"]} >= ACTIVITY_KINDS


def test_sizes_and_years(doc):
    assert len(doc["people"]) == 120
    for fy in (2023, 2024):
        lo, hi = f"{fy}-04-01", f"{fy + 1}-03-31"
        n = sum(lo <= a["start"][:10] <= hi for a in doc["activities"])
        assert 600 <= n <= 610
    assert {row["fy"] for row in doc["agreed_levels"]} == {2023, 2024}
    assert {e["as_of"] for e in doc["establishment"] if e["role"] == "peer_support_worker"} == {
        "2023-10-01", "2024-10-01"}


def test_counting_edges_are_covered(doc):
    acts = doc["activities"]
    staff = {s["id"]: s for s in doc["staff"]}
    # 45-minute sessions
    assert any(minutes(a) == 45 for a in acts)
    # evening outreach, and outreach after closing but before 18:00 / on the late-opening day
    outreach = [a for a in acts if a["kind"] == "outreach"]
    assert any(a["start"][11:] >= "18:00" for a in outreach)
    assert any(dt.date.fromisoformat(a["start"][:10]).weekday() == 2 and "18:00" <= a["start"][11:] < "21:00"
               for a in outreach)
    assert any(a["psa_contacted"] == 0 for a in outreach)
    # fifth and later brief counselling of one person within a year
    per_person = Counter((a["people"][0], int(a["start"][:4]) - (a["start"][5:7] < "04"))
                         for a in acts if a["kind"] == "brief_counselling")
    assert max(per_person.values()) >= 5
    # schools
    schools = doc["schools"]
    assert any(s["healthy_school_programme"] for s in schools)
    assert any(s["international_or_esf"] for s in schools)
    assert {s["kind"] for s in schools} == SCHOOL_KINDS
    served = {a.get("school") for a in acts if a["kind"] == "education"}
    assert any(s["id"] in served for s in schools if s["healthy_school_programme"] or s["international_or_esf"])
    assert any(w["employees"] < 5 for w in doc["workplaces"])
    # cases
    cases = doc["cases"]
    assert any(len(c["episodes"]) > 1 for c in cases)
    assert any(c["merged_into"] for c in cases)
    assert any(c["type"] == "family" and not c["merged_into"] for c in cases)
    assert any(c["parent_case"] for c in cases)
    assert any(c["members"] and all(m.startswith("f") for m in c["members"]) for c in cases if c["type"] == "psa")
    gaps = {(dt.date.fromisoformat(ep["closed"]) - dt.date.fromisoformat(ep["closure"]["last_drug_use"])).days
            for c in cases for ep in c["episodes"] if ep.get("closure") and ep["closure"]["last_drug_use"]}
    assert {89, 90, 91} <= gaps
    # people
    people = doc["people"]
    assert any(p["pregnant"] for p in people)
    assert any(any(c["birth_date"] > "2012-04-01" for c in p["children"]) for p in people)
    assert any(p["id"].startswith("f") for p in people)
    # activities by role
    assert any(a.get("funded_by") == "medical_support" for a in acts if a["kind"] == "consultation")
    peer_acts = [a for a in acts if any(staff[s].get("peer_type") for s in a["staff"])]
    assert {staff[s]["peer_type"] for a in peer_acts for s in a["staff"] if staff[s].get("peer_type")} == PEER_TYPES
    assert any(a["full_day"] for a in acts)
    assert {f["topic"] for f in doc["feedback"]} == TOPICS
    assert doc["conversions"] and doc["referrals"] and doc["trainings"] and doc["medical_assessments"]
    assert {r["direction"] for r in doc["referrals"]} == {"in", "out"}


def test_chinese_names(doc):
    assert all(re.match(r"^[\u4e00-\u9fff]{2,4}$", p["name"]) for p in doc["people"])
    assert all(re.match(r"^[\u4e00-\u9fff]{2,4}$", s["name"]) for s in doc["staff"])
    assert all(re.search(r"[\u4e00-\u9fff]", g["title"]) for g in doc["groups"])


def test_city_scale():
    d = generate(people=6000, activities_per_year=35000, years=(2023, 2024), seed=1)
    assert len(d["people"]) == 6000
    assert len(d["activities"]) >= 70000
    assert problems(d) == []
