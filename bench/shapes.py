"""Shapes of city-scale unit: the generator's document reshaped so the proportions the engine meets vary.

The engine must be fast whatever a centre's proportions, not only on the generator's. Each shape starts from
one generated city-scale document and reshapes it with its own seed, keeping every record valid under
EXCHANGE.md (episodes ordered and closed before a later one opens, references resolving, enums from the
format). Only the document is touched, never the generator, so a shape is independent of how the generator
builds its centre.

    shape_document("merged_families")  # -> (exchange document, description)
"""

from __future__ import annotations

import copy
import datetime as dt
import random

PEOPLE = 8000
ACTIVITIES_PER_YEAR = 18000
YEARS = (2023, 2024)
BENCH_FY = 2024

STAKEHOLDERS = ("probation", "school", "medical", "police", "correctional", "youth_outreach", "family_service",
                "mental_health", "treatment_centre", "other")


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s[:10])


def _span(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, max(0, (b - a).days)))


def _last_day(doc) -> dt.date:
    return max(_day(a["start"]) for a in doc["activities"])


def _involvement(rng, case_id, day, party):
    rec = {"case": case_id, "date": day.isoformat(), "party": party, "stakeholder": None, "stage": "intervention",
           "mode": rng.choice(("phone", "interview", "home_visit", "meeting"))}
    if party == "stakeholder":
        rec["stakeholder"] = rng.choice(STAKEHOLDERS)
        rec["mode"] = rng.choice(("phone", "joint_interview", "meeting", "referral"))
    return rec


def many_involvements(doc, rng, per_case=(6, 14)):
    """Every case gets 6-14 more family and stakeholder involvements over its life, a few outside any episode."""
    end = _last_day(doc)
    for c in doc["cases"]:
        eps = c["episodes"]
        if not eps:
            continue
        first, last = _day(eps[0]["opened"]), _day(eps[-1].get("closed")) if eps[-1].get("closed") else end
        for _ in range(rng.randint(*per_case)):
            party = "family" if c["type"] == "family" or rng.random() < 0.4 else "stakeholder"
            day = _span(rng, first - dt.timedelta(days=30), min(end, last + dt.timedelta(days=30)))
            doc["involvements"].append(_involvement(rng, c["id"], day, party))


def many_episodes(doc, rng, most=6):
    """Long cases are cut into up to `most` episodes: closed for a few weeks, then reopened."""
    end = _last_day(doc)
    for c in doc["cases"]:
        if c.get("merged_into") or len(c["episodes"]) != 1:
            continue
        ep = c["episodes"][0]
        a = _day(ep["opened"])
        b = _day(ep["closed"]) if ep.get("closed") else end
        pieces = min(most, max(1, (b - a).days // 120))
        if pieces < 2:
            continue
        cuts = sorted(rng.sample(range(40, (b - a).days - 40), pieces - 1))
        episodes, start = [], a
        for cut in cuts:
            close = a + dt.timedelta(days=cut)
            if close - start < dt.timedelta(days=20):
                continue
            episodes.append({"opened": start.isoformat(), "closed": close.isoformat(),
                             "plan": {**ep["plan"], "date": start.isoformat()} if ep.get("plan") else None,
                             "closure": {"plan_achieved": rng.random() < 0.5, "last_drug_use": None,
                                         "reason": "暫停服務"}})
            start = close + dt.timedelta(days=rng.randint(7, 30))
        if start > b or not episodes:
            continue
        last = {**copy.deepcopy(ep), "opened": start.isoformat()}
        if last.get("plan"):
            last["plan"]["date"] = start.isoformat()
        if last.get("closure") and last["closure"].get("last_drug_use") and last["closure"]["last_drug_use"] > (
                last["closed"] or "9999"):
            last["closure"]["last_drug_use"] = None
        c["episodes"] = [*episodes, last]


def merged_families(doc, rng, share=0.2):
    """A fifth of the cases become family cases merged into a PSA case, each with several family involvements
    before and after the merge (the merged-case branch of family and stakeholder involvement)."""
    psa = [c for c in doc["cases"] if c["type"] == "psa" and c["episodes"]]
    family_people = [p for p in doc["people"] if not p.get("drug_use")]
    n = int(len(doc["cases"]) * share)
    end = _last_day(doc)
    for k, target in enumerate(rng.sample(psa, min(n, len(psa)))):
        merge_day = _day(target["episodes"][0]["opened"])
        opened = merge_day - dt.timedelta(days=rng.randint(20, 200))
        template = rng.choice(family_people)
        person = {**copy.deepcopy(template), "id": f"shape-fm{k}", "identification": None}
        doc["people"].append(person)
        cid = f"shape-fc{k}"
        doc["cases"].append({
            "id": cid, "type": "family", "parent_case": False, "client": person["id"], "members": [],
            "worker": target["worker"], "merged_into": target["id"],
            "episodes": [{"opened": opened.isoformat(), "closed": merge_day.isoformat(),
                          "plan": {"date": opened.isoformat(), "direction": "家人支援", "timetable": "每月一次",
                                   "actions": "家訪", "goals": "家人參與"},
                          "closure": {"plan_achieved": True, "last_drug_use": None, "reason": "併入吸毒者個案"}}],
        })
        last = _day(target["episodes"][-1].get("closed")) if target["episodes"][-1].get("closed") else end
        for _ in range(rng.randint(2, 8)):
            party = "family" if rng.random() < 0.6 else "stakeholder"
            doc["involvements"].append(_involvement(rng, cid, _span(rng, opened, last), party))


def big_groups(doc, rng, size=(30, 60), long_running=0.5):
    """Groups of 30-60 participants, and half of each kind's groups folded into a few that run across years."""
    people = [p["id"] for p in doc["people"]]
    by_group = {}
    for a in doc["activities"]:
        if a.get("group"):
            by_group.setdefault(a["group"], []).append(a)
    for sessions in by_group.values():
        core = rng.sample(people, rng.randint(*size))
        for a in sessions:
            a["people"] = list(dict.fromkeys([*a["people"], *[p for p in core if rng.random() < 0.85]]))
    kinds = {}
    for g in doc["groups"]:
        kinds.setdefault(g["kind"], []).append(g["id"])
    fold = {}
    for ids in kinds.values():
        folded = rng.sample(ids, int(len(ids) * long_running))
        keep = folded[: max(1, len(folded) // 6)]
        for gid in folded:
            fold[gid] = rng.choice(keep)
    for a in doc["activities"]:
        if a.get("group") in fold:
            a["group"] = fold[a["group"]]
    used = {a["group"] for a in doc["activities"] if a.get("group")}
    doc["groups"] = [g for g in doc["groups"] if g["id"] in used]


def dense_feedback(doc, rng, share=0.9):
    """A form from nearly every participant of every activity that collects forms, on that activity's topics."""
    topics = {}
    kind_of = {a["id"]: a for a in doc["activities"]}
    for f in doc["feedback"]:
        topics.setdefault(kind_of[f["activity"]]["kind"], set()).add((f["topic"], f["school"] is not None))
    have = {(f["activity"], f["person"]) for f in doc["feedback"]}
    for a in doc["activities"]:
        choices = sorted(topics.get(a["kind"], ()))
        if not choices:
            continue
        for p in a["people"]:
            if (a["id"], p) in have or rng.random() >= share:
                continue
            topic, with_school = rng.choice(choices)
            doc["feedback"].append({"activity": a["id"], "person": p,
                                    "school": a.get("school") if with_school else None,
                                    "topic": topic, "positive": rng.random() < 0.8})


SHAPES = {
    "as_generated": (7, [], "the generator's own proportions"),
    "case_heavy": (11, [many_episodes, many_involvements],
                   "many episodes per case (up to 6) and 6-14 extra involvements per case"),
    "merged_families": (13, [merged_families, many_involvements],
                        "a fifth of cases are family cases merged into a PSA case, with involvements"),
    "big_groups": (17, [big_groups], "groups of 30-60 people, half of them folded into groups running across years"),
    "dense_feedback": (19, [dense_feedback], "a feedback form from nearly every participant"),
}


def shape_document(name: str, people=PEOPLE, activities_per_year=ACTIVITIES_PER_YEAR, years=YEARS):
    from tongxing.demo.generate import generate

    seed, reshape, description = SHAPES[name]
    doc = generate(unit_code="CITY", unit_name="城市中心", people=people, activities_per_year=activities_per_year,
                   years=years, seed=seed)
    rng = random.Random(seed)
    for step in reshape:
        step(doc, rng)
    return doc, description


def census(doc) -> str:
    episodes = sum(len(c["episodes"]) for c in doc["cases"])
    merged = sum(1 for c in doc["cases"] if c.get("merged_into"))
    attendance = sum(len(a["people"]) for a in doc["activities"])
    return (f"{len(doc['people'])} people, {len(doc['cases'])} cases ({merged} merged), {episodes} episodes, "
            f"{len(doc['involvements'])} involvements, {len(doc['activities'])} activities, "
            f"{attendance} attendances, {len(doc['groups'])} groups, {len(doc['feedback'])} feedback forms")
