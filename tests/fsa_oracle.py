#!/usr/bin/env python3
"""Reference implementation ("oracle") of the FSA annual return.

Pure Python (stdlib only, no Django).  ``compute(doc, unit_code, fy)`` takes an
exchange document (dict loaded from tongxing-exchange v1 JSON, see
/work/shared/EXCHANGE.md) and returns the ``report fsa --format json`` dict.

Every rule is a reading of /work/shared/DOMAIN.md (table OS1-OS17, OC1-OC10 and
the "Schools (OS11)" section), with the Chinese service agreement
(seeds/002) consulted where DOMAIN.md is silent.  Each standard is one small
function whose docstring cites the DOMAIN.md row and states the interpretation.

General conventions (DOMAIN.md "Counting conventions"):

* Period of financial year ``fy`` = fy-04-01 .. (fy+1)-03-31, both inclusive.
* An activity belongs to the period of the *date* of its ``start``; a feedback
  form to the period of its activity; dated records (involvements,
  collaborations, assessments, trainings, identifications) by their date.
* Duration = end - start in whole minutes.  "≥1 h" means duration >= 60 min.
* "full day ≤3": an activity with ``full_day`` true (and >= 60 min) counts
  floor(duration hours), capped at 3; any other qualifying activity counts 1.
* "SW and/or nurse": at least one staff member in ``staff`` whose roles
  include ``social_worker`` or ``nurse``.
* Counts are integers; OS4/OS5/OS8/OS9 after conversion and OS17 hours are
  rounded to 2 decimals; ratios (OS11, OC*, family_case_share) to 4 decimals,
  half up (0.90625 -> 0.9063), as the product's round_half_up does.
* ``met`` = achieved >= agreed (None when agreed is None or achieved is None).
* Ages are whole years on the reference date (birthday reached = older).
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

# ---------------------------------------------------------------------------
# settings (named constants for every interpretation that is a number)
# ---------------------------------------------------------------------------
MIN_SESSION_MINUTES = 60            # "≥1 h"
FULL_DAY_CAP = 3                    # "full day ≤3"
EVENING_FLOOR = "18:00"             # OS1a: later of 18:00 and closing time
PSA_WINDOW_DAYS = 183               # PSA: use within past 6 months
PSA_PARENT_WINDOW_DAYS = 365        # pregnant / parent of child <12: 12 months
PARENT_CHILD_AGE = 12
OS3_AGE_LIMIT = 21
ABSTINENT_DAYS = 90                 # OC2
OS9_MAX_PER_PERSON = 4
OS8_MIN_GROUP_SESSIONS = 4
OS8_SMALL_GROUP = 6
OS16_MIN_FAMILIES = 2
CONV_CASES = 0.54                   # OS11 conversion, per school
CONV_NEW_SHARE = 0.23               # 23% of the converted cases are new/reopened
CONV_BRIEF = 2.02
CONV_GROUP = 1.62
OS11_WORKPLACE_THRESHOLD = 0.70
OS11_WORKPLACE_SHARE = 0.10
WORKPLACE_MIN_EMPLOYEES = 5

PROACTIVE_CHANNELS = {"outreach", "friends_family", "publicity", "social_media"}
SESSION_FORMATS = {"talk", "workshop", "group"}     # OS10 formats needing ≥1 h
SW_NURSE = {"social_worker", "nurse"}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PLAN_PARTS = ("direction", "timetable", "actions", "goals")

OUTPUT_KEYS = ["OS1", "OS1a", "OS2", "OS3", "OS4", "OS4a", "OS4b", "OS5", "OS6",
               "OS7", "OS8", "OS9", "OS10", "OS11", "OS12", "OS13", "OS14",
               "OS15", "OS15a", "OS16", "OS17"]
OUTCOME_KEYS = ["OC%d" % i for i in range(1, 11)]


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def D(s):
    """Parse 'YYYY-MM-DD' (or the date part of 'YYYY-MM-DDTHH:MM'); None stays None."""
    if not s:
        return None
    return _dt.date.fromisoformat(s[:10])


def T(s):
    return _dt.datetime.fromisoformat(s)


def age_on(birth, on):
    if birth is None or on is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def minutes(a):
    return int((T(a["end"]) - T(a["start"])).total_seconds() // 60)


def _half_up(x, places):
    """Round half away from zero on the decimal value as printed (0.90625 -> 0.9063, 0.125 -> 0.13),
    as a funder rounds by hand; Python's round() would give 0.9062 (half-even on the binary value)."""
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(x + 0.0)).quantize(q, rounding=ROUND_HALF_UP))


def r2(x):
    return _half_up(x, 2)


def r4(x):
    return _half_up(x, 4)


class Ctx:
    """Indexes over the document for one unit and one financial year."""

    def __init__(self, doc, unit_code, fy):
        self.doc = doc
        self.unit = doc.get("unit") or {}
        self.unit_code = unit_code
        self.fy = int(fy)
        self.start = _dt.date(self.fy, 4, 1)
        self.end = _dt.date(self.fy + 1, 3, 31)
        self.staff = {s["id"]: s for s in doc.get("staff", [])}
        self.people = {p["id"]: p for p in doc.get("people", [])}
        self.cases = {c["id"]: c for c in doc.get("cases", [])}
        self.schools = {s["id"]: s for s in doc.get("schools", [])}
        self.workplaces = {w["id"]: w for w in doc.get("workplaces", [])}
        self.groups = {g["id"]: g for g in doc.get("groups", [])}
        self.activities = list(doc.get("activities", []))
        self.act_by_id = {a["id"]: a for a in self.activities}
        self.warnings = []
        # person -> cases where the person is client or member
        self.person_cases = defaultdict(set)
        for c in self.cases.values():
            if c.get("client"):
                self.person_cases[c["client"]].add(c["id"])
            for m in c.get("members") or []:
                self.person_cases[m].add(c["id"])
        levels = [lv for lv in doc.get("agreed_levels", []) if int(lv.get("fy", -1)) == self.fy]
        self.agreed = levels[0] if levels else {}

    # -- periods ----------------------------------------------------------
    def in_fy(self, d):
        return d is not None and self.start <= d <= self.end

    def act_in_fy(self, a):
        return self.in_fy(D(a["start"]))

    # -- staff -------------------------------------------------------------
    def roles(self, sid):
        return set((self.staff.get(sid) or {}).get("roles") or [])

    def has_role(self, a, roles):
        return any(self.roles(s) & set(roles) for s in a.get("staff") or [])

    def peers(self, a, ex_user_only=False):
        out = []
        for s in a.get("staff") or []:
            st = self.staff.get(s) or {}
            if "peer_support_worker" in (st.get("roles") or []):
                if ex_user_only and st.get("peer_type") != "ex_user":
                    continue
                out.append(s)
        return out

    def homemakers(self, a):
        return [s for s in a.get("staff") or [] if "homemaker" in self.roles(s)]

    # -- sessions ----------------------------------------------------------
    def session_units(self, a, full_day_cap=True):
        """0 if shorter than 1 h; full-day → floor(hours) capped at 3; else 1."""
        m = minutes(a)
        if m < MIN_SESSION_MINUTES:
            return 0
        if full_day_cap and a.get("full_day"):
            return min(m // 60, FULL_DAY_CAP)
        return 1

    # -- cases / episodes --------------------------------------------------
    def episodes(self):
        """Yield (case, index, episode) for every episode of every case that
        has not been merged into another case.  DOMAIN.md "Cases": a family
        case becomes part of the PSA's case when the PSA engages, "closed as
        merged, its history moves to the PSA case" (seed: the family case "不再
        保留" - is not kept - to avoid double counting); so a case with
        ``merged_into`` set is not a case of its own in any case count, and its
        involvements/collaborations are attributed to the target case
        (``target_case``)."""
        for c in self.cases.values():
            if c.get("merged_into"):
                continue
            for i, e in enumerate(c.get("episodes") or []):
                yield c, i, e

    def target_case(self, cid):
        """Follow merged_into links to the case that now holds the history."""
        seen = set()
        while cid in self.cases and self.cases[cid].get("merged_into") and cid not in seen:
            seen.add(cid)
            cid = self.cases[cid]["merged_into"]
        return cid

    @staticmethod
    def plan_complete(e):
        p = e.get("plan") or {}
        return all((p.get(k) or "").strip() for k in PLAN_PARTS)

    def episode_in_scope(self, e):
        """OS4 scope: in hand on 1 April (opened before it, not closed before
        it) or opened/reopened in the year."""
        o, c = D(e.get("opened")), D(e.get("closed"))
        if o is None:
            return False
        in_hand = o < self.start and (c is None or c >= self.start)
        new = self.in_fy(o)
        return in_hand or new

    @staticmethod
    def within_episode(d, e):
        o, c = D(e.get("opened")), D(e.get("closed"))
        return d is not None and o is not None and o <= d and (c is None or d <= c)

    def has_case_in_hand(self, pid, d):
        """Person is client or member of a case with an episode open on d."""
        for cid in self.person_cases.get(pid, ()):
            for e in self.cases[cid].get("episodes") or []:
                if self.within_episode(d, e):
                    return True
        return False

    # -- people -------------------------------------------------------------
    def is_parent(self, p, on):
        if p.get("pregnant"):
            return True
        for ch in p.get("children") or []:
            a = age_on(D(ch.get("birth_date")), on)
            if a is not None and a < PARENT_CHILD_AGE:
                return True
        return False

    def is_psa_on(self, p, on):
        """PSA on date `on`: disclosed use within 183 days before `on`
        (365 days for a pregnant woman / parent of a child under 12)."""
        window = PSA_PARENT_WINDOW_DAYS if self.is_parent(p, on) else PSA_WINDOW_DAYS
        for u in p.get("drug_use") or []:
            lu = D(u.get("last_used"))
            if lu is not None and (on - lu).days <= window:
                return True
        return False


def out_std(achieved, agreed, **extra):
    met = None if agreed is None or achieved is None else achieved >= agreed - 1e-9
    d = {"achieved": achieved, "agreed": agreed, "met": met}
    d.update(extra)
    return d


def out_ratio(num, den, agreed):
    ach = None if not den else r4(num / den)
    met = None if agreed is None or ach is None else ach >= agreed - 1e-9
    return {"numerator": num, "denominator": den, "achieved": ach,
            "agreed": agreed, "met": met}


# ---------------------------------------------------------------------------
# output standards
# ---------------------------------------------------------------------------
def os1_outreach(ctx):
    """OS1 / OS1a (DOMAIN.md row OS1): outreach sessions; (a) in the evening.

    Counted: activities kind == "outreach", start date in the FY, duration
    >= 60 min, ``psa_contacted`` >= 1 ("direct contact with >=1
    suspected/confirmed PSA" = the psa_contacted head count).  Each qualifying
    activity counts 1 (no full-day multiplier: OS1 has no "full day ≤3").
    (a): start time-of-day >= max(18:00, unit closing time on that weekday);
    when the unit is closed that weekday (opening_hours null/missing) the
    threshold is 18:00.  "At or after" → a start of exactly 18:00 counts.
    Returns (total, evening).
    """
    hours = ctx.unit.get("opening_hours") or {}
    total, evening = 0, 0
    for a in ctx.activities:
        if a.get("kind") != "outreach" or not ctx.act_in_fy(a):
            continue
        if minutes(a) < MIN_SESSION_MINUTES or (a.get("psa_contacted") or 0) < 1:
            continue
        total += 1
        st = T(a["start"])
        oh = hours.get(WEEKDAYS[st.weekday()])
        threshold = EVENING_FLOOR
        if oh and oh[1] and oh[1] > threshold:
            threshold = oh[1]
        if st.strftime("%H:%M") >= threshold:
            evening += 1
    return total, evening


def os2_os3_identified(ctx):
    """OS2 / OS3 (DOMAIN.md rows OS2, OS3): PSA first identified proactively.

    Counted: distinct people whose ``identification.date`` (the first-ever
    identification; one per person in the exchange) is in the FY, with
    channel in {outreach, friends_family, publicity, social_media}
    (professional_referral, community_referral, self do not count), and who
    were a PSA on the identification date (DOMAIN "Service users"): some
    ``drug_use.last_used`` within 183 days before that date, or within 365
    days if the person is pregnant or has a child under 12 (child's age on
    the identification date).  Bounds are inclusive (exactly 183 days counts).
    OS3 = those of OS2 aged < 21 on the identification date.
    """
    os2, os3 = set(), set()
    for p in ctx.people.values():
        ident = p.get("identification") or {}
        d = D(ident.get("date"))
        if not ctx.in_fy(d) or ident.get("channel") not in PROACTIVE_CHANNELS:
            continue
        if not ctx.is_psa_on(p, d):
            continue
        os2.add(p["id"])
        a = age_on(D(p.get("birth_date")), d)
        if a is not None and a < OS3_AGE_LIMIT:
            os3.add(p["id"])
    return len(os2), len(os3)


def os4_case_plans(ctx):
    """OS4 / OS4a / OS4b (DOMAIN.md row OS4): cases with a case plan.

    Counted: episodes (a case may count once per episode) that are in hand
    on 1 April (opened < 1 April and (not closed or closed >= 1 April)) or
    opened/reopened in the FY, and whose ``plan`` has all four parts
    (direction, timetable, actions, goals) non-empty.  The plan date is not
    checked.  Cases merged into another (``merged_into`` set) are skipped:
    their history belongs to the target case (see Ctx.episodes).
    (a) = those of case type "psa" (includes parent cases);
    (b) = type "psa" with parent_case true.  Family cases = total - (a).
    Returns the list of (case, episode) for each of OS4, OS4a, OS4b.
    """
    total, a, b = [], [], []
    for c, _i, e in ctx.episodes():
        if not ctx.episode_in_scope(e) or not ctx.plan_complete(e):
            continue
        total.append((c, e))
        if c.get("type") == "psa":
            a.append((c, e))
            if c.get("parent_case"):
                b.append((c, e))
    return total, a, b


def os5_new_cases(ctx, os4):
    """OS5 (DOMAIN.md row OS5): new / reopened cases.

    Counted: OS4 episodes (complete case plan, any case type) whose
    ``opened`` date is in the FY (a reopening is a new episode).  The plan
    requirement is not in the DOMAIN.md row but is in the seed ("計入服務量標準
    第 4 項的個案數目", counted within OS4) and is forced by the expected
    figures (43 episodes opened in FY 2024, 9 of them without a complete
    plan, expected 34).
    """
    return sum(1 for _c, e in os4 if ctx.in_fy(D(e.get("opened"))))


def os6_stakeholder(ctx, os4):
    """OS6 (DOMAIN.md row OS6): cases with stakeholder involvement.

    Counted: OS4 episodes having >= 1 involvement with party == "stakeholder"
    on the same case, dated in the FY and within the episode
    (opened <= date <= closed, or open-ended).
    """
    by_case = defaultdict(list)
    for inv in ctx.doc.get("involvements", []):
        if inv.get("party") == "stakeholder":
            by_case[ctx.target_case(inv.get("case"))].append(D(inv.get("date")))
    n = 0
    for c, e in os4:
        if any(ctx.in_fy(d) and ctx.within_episode(d, e) for d in by_case.get(c["id"], [])):
            n += 1
    return n


def os7_collaborations(ctx):
    """OS7 (DOMAIN.md row OS7): professional collaborations on parent cases.

    Counted: every collaboration record (any kind: mdcc, case_review,
    consultation) dated in the FY whose case (after following merged_into)
    has parent_case true.  The date
    need NOT fall inside an episode of the case (the expected figures count
    collaborations dated before the case opened / after it closed).
    """
    n = 0
    for col in ctx.doc.get("collaborations", []):
        c = ctx.cases.get(ctx.target_case(col.get("case")))
        if c and c.get("parent_case") and ctx.in_fy(D(col.get("date"))):
            n += 1
    return n


def os8_counselling_groups(ctx):
    """OS8 (DOMAIN.md row OS8): counselling group sessions by SW and/or nurse.

    A group qualifies when its kind == "counselling" and it has >= 4
    sessions (group_session activities with this group) of >= 60 min over its
    whole life (any year, any staff) - the expected file requires the "in
    all" count to span financial years.  Counted: sessions of qualifying
    groups with start in the FY, >= 60 min, with a SW or nurse among staff;
    each counts 1, or floor(hours) capped at 3 when full_day.
    Warning for each contributing group with fewer than 6 distinct
    participants (distinct ``people`` over all its sessions).
    """
    sessions = defaultdict(list)
    for a in ctx.activities:
        if a.get("kind") == "group_session" and a.get("group"):
            sessions[a["group"]].append(a)
    total = 0
    for gid in sorted(sessions, key=_natkey):
        g = ctx.groups.get(gid) or {}
        if g.get("kind") != "counselling":
            continue
        acts = sessions[gid]
        if sum(1 for a in acts if minutes(a) >= MIN_SESSION_MINUTES) < OS8_MIN_GROUP_SESSIONS:
            continue
        sub = 0
        for a in acts:
            if ctx.act_in_fy(a) and ctx.has_role(a, SW_NURSE):
                sub += ctx.session_units(a)
        total += sub
        if sub:
            participants = {p for a in acts for p in a.get("people") or []}
            if len(participants) < OS8_SMALL_GROUP:
                ctx.warnings.append("OS8: group %s has %d participants (fewer than %d)"
                                    % (gid, len(participants), OS8_SMALL_GROUP))
    return total


def os9_brief_counselling(ctx):
    """OS9 (DOMAIN.md row OS9): brief counselling / consultation sessions.

    Candidate sessions: activities kind == "brief_counselling" (never
    "nursing" nor medical "consultation"), >= 60 min, with a SW or nurse
    among staff, serving people[0] (the "direct contact") who had NO case in
    hand on the activity's date (not client/member of any case with an
    episode open that day: opened <= date <= closed/open-ended).
    Per person, candidate sessions are ordered by start over ALL years; only
    the person's first 4 ever count; of those, the ones starting in the FY
    are counted (each 1; full-day does not multiply).
    """
    per_person = defaultdict(list)
    for a in ctx.activities:
        if a.get("kind") != "brief_counselling":
            continue
        people = a.get("people") or []
        if not people or minutes(a) < MIN_SESSION_MINUTES or not ctx.has_role(a, SW_NURSE):
            continue
        pid = people[0]
        if ctx.has_case_in_hand(pid, D(a["start"])):
            continue
        per_person[pid].append(a)
    n = 0
    for acts in per_person.values():
        acts.sort(key=lambda a: (a["start"], _natkey(a["id"])))
        n += sum(1 for a in acts[:OS9_MAX_PER_PERSON] if ctx.act_in_fy(a))
    return n


def os10_education(ctx):
    """OS10 (DOMAIN.md row OS10): anti-drug education & publicity incl.
    professional training, by SW/nurse.

    Counted: activities kind in {"education", "professional_training"} with
    start in the FY and a SW or nurse among staff.  format talk / workshop /
    group: >= 60 min counts 1 (full day: floor(hours) capped at 3), shorter
    counts 0.  Any other format (exhibition, publication, media, web,
    souvenir, large_event, or missing) counts 1 regardless of duration
    ("large event" is not among the ≥1 h formats in the seed note 9).
    """
    n = 0
    for a in ctx.activities:
        if a.get("kind") not in ("education", "professional_training") or not ctx.act_in_fy(a):
            continue
        if not ctx.has_role(a, SW_NURSE):
            continue
        if a.get("format") in SESSION_FORMATS:
            n += ctx.session_units(a)
        else:
            n += 1
    return n


def os11_schools(ctx):
    """OS11 (DOMAIN.md row OS11 and section "Schools (OS11)").

    base   = schools kind "secondary", in_service_area, school_social_work,
             not international_or_esf (Healthy School Programme schools stay
             IN the base but can never be served).
    served = base schools, not HSP, named by >= 1 activity of kind
             "education" or "group_session" (an anti-drug service to the
             school: talk, large event, counselling group...) starting in the
             FY; any format, any duration; counted once.  Professional
             training at a school is NOT a service to the school (the
             expected file has served = 0 although a base school hosted
             professional_training).
    conversions (``conversions`` rows with this fy, applied in the order
             post_secondary, family_brief, family_group):
             capacity = base - served (unserved base schools);
             post_secondary is further capped by the sessions held at schools
             of kind post_secondary/vocational in the FY (kind education or
             group_session, any format, each >= 60 min counting 1 / full day
             floor(h) capped 3; in_service_area, SSW and international flags
             are not checked for these institutions);
             each route takes min(requested, remaining capacity); any excess
             is ignored with a warning.
    workplaces: only when served + converted >= 70% of base; distinct
             workplaces with >= 5 employees named by an "education" activity in
             the FY, capped at floor(10% of base) and at the still-unfilled
             base (base - served - converted).
    achieved = (served + converted + workplaces) / base (4 dp; None if base 0).
    Deductions (returned): family_brief/family_group schools n each deduct
             0.54 n from OS4, 0.54 n × 23% from OS5, and 2.02 n from OS9
             (family_brief) or 1.62 n from OS8 (family_group).  Post-secondary
             conversions deduct nothing.
    """
    base = [s for s in ctx.schools.values()
            if s.get("kind") == "secondary" and s.get("in_service_area")
            and s.get("school_social_work") and not s.get("international_or_esf")]
    base_ids = {s["id"] for s in base}
    servable = {s["id"] for s in base if not s.get("healthy_school_programme")}
    served = set()
    ps_sessions = 0
    wp = set()
    for a in ctx.activities:
        if not ctx.act_in_fy(a):
            continue
        sch = a.get("school")
        if sch and a.get("kind") in ("education", "group_session") and sch in servable:
            served.add(sch)
        if sch and a.get("kind") in ("education", "group_session") and \
                (ctx.schools.get(sch) or {}).get("kind") in ("post_secondary", "vocational"):
            ps_sessions += ctx.session_units(a)
        w = a.get("workplace")
        if w and a.get("kind") == "education" and \
                ((ctx.workplaces.get(w) or {}).get("employees") or 0) >= WORKPLACE_MIN_EMPLOYEES:
            wp.add(w)
    n_base, n_served = len(base_ids), len(served)
    capacity = n_base - n_served
    requested = defaultdict(int)
    for cv in ctx.doc.get("conversions", []):
        if int(cv.get("fy", -1)) == ctx.fy:
            requested[cv.get("route")] += int(cv.get("schools") or 0)
    applied = {}
    for route in ("post_secondary", "family_brief", "family_group"):
        want = requested.get(route, 0)
        cap = capacity
        if route == "post_secondary":
            cap = min(cap, ps_sessions)
        got = max(0, min(want, cap))
        if want > got:
            ctx.warnings.append("OS11: %s conversion of %d schools exceeds the limit; %d applied"
                                % (route, want, got))
        applied[route] = got
        capacity -= got
    converted = sum(applied.values())
    workplaces = 0
    if n_base and n_served + converted >= OS11_WORKPLACE_THRESHOLD * n_base - 1e-9:
        cap = min(math.floor(OS11_WORKPLACE_SHARE * n_base + 1e-9),
                  n_base - n_served - converted)
        workplaces = max(0, min(len(wp), cap))
    achieved = r4((n_served + converted + workplaces) / n_base) if n_base else None
    fam = applied["family_brief"] + applied["family_group"]
    deductions = {
        "OS4": CONV_CASES * fam,
        "OS5": CONV_CASES * CONV_NEW_SHARE * fam,
        "OS9": CONV_BRIEF * applied["family_brief"],
        "OS8": CONV_GROUP * applied["family_group"],
    }
    return {"achieved": achieved, "served": n_served, "converted": converted,
            "workplaces": workplaces, "base": n_base, "served_ids": served}, deductions


def os12_medical_support(ctx):
    """OS12 (DOMAIN.md row OS12): PSA receiving medical support.

    For each person take their FIRST qualifying assessment ever: a
    ``medical_assessments`` row with plan true made by a staff member whose
    roles include doctor or nurse.  Counted: distinct persons whose first
    qualifying assessment is dated in the FY (an earlier assessment without a
    plan does not block).  Returns the set of person ids.
    """
    first = {}
    for m in ctx.doc.get("medical_assessments", []):
        if not m.get("plan") or not (ctx.roles(m.get("by")) & {"doctor", "nurse"}):
            continue
        d = D(m.get("date"))
        p = m.get("person")
        if d and (p not in first or d < first[p]):
            first[p] = d
    return {p for p, d in first.items() if ctx.in_fy(d)}


def os13_consultations(ctx):
    """OS13 (DOMAIN.md row OS13): consultation / treatment sessions.

    Counted: activities kind == "consultation", funded_by ==
    "medical_support", start in the FY, with a nurse or SW among staff.  No
    duration limit; the presence of a doctor-role staff member is not
    required (funded_by marks the purchased service).
    """
    return sum(1 for a in ctx.activities
               if a.get("kind") == "consultation" and a.get("funded_by") == "medical_support"
               and ctx.act_in_fy(a) and ctx.has_role(a, SW_NURSE))


def os14_nursing(ctx):
    """OS14 (DOMAIN.md row OS14): nursing sessions by nurses for PSA.

    Counted: activities kind == "nursing", start in the FY, a nurse among
    staff, >= 1 person served.  No duration limit.
    """
    return sum(1 for a in ctx.activities
               if a.get("kind") == "nursing" and ctx.act_in_fy(a)
               and ctx.has_role(a, {"nurse"}) and (a.get("people") or a.get("headcount")))


def os15_peer_support(ctx):
    """OS15 / OS15a (DOMAIN.md row OS15): peer support sessions.

    Counted: activities of any kind with start in the FY and duration >= 60
    min; each staff member with role peer_support_worker present adds 1
    (two peers = 2 sessions); (a) counts only peers with peer_type ==
    "ex_user".  Full day does not multiply.  Returns (total, ex_user).
    """
    total = ex = 0
    for a in ctx.activities:
        if not ctx.act_in_fy(a) or minutes(a) < MIN_SESSION_MINUTES:
            continue
        total += len(ctx.peers(a))
        ex += len(ctx.peers(a, ex_user_only=True))
    return total, ex


def os16_family_groups(ctx):
    """OS16 (DOMAIN.md row OS16): family-relationship-building group sessions.

    Counted: group_session activities whose group kind ==
    "family_relationship", start in the FY, a social worker among staff,
    >= 60 min (full day: floor(hours) capped 3), and >= 2 different
    cases/families among the participants (see `family_of`: one family per
    participant, so one person in two cases is still one family taking part).
    Distinct family keys >= 2.
    """
    n = 0
    for a in ctx.activities:
        if a.get("kind") != "group_session" or not ctx.act_in_fy(a):
            continue
        if (ctx.groups.get(a.get("group")) or {}).get("kind") != "family_relationship":
            continue
        if not ctx.has_role(a, {"social_worker"}):
            continue
        fams = {family_of(ctx, p) for p in a.get("people") or []} - {None}
        if len(fams) < OS16_MIN_FAMILIES:
            continue
        n += ctx.session_units(a)
    return n


def family_of(ctx, pid):
    """A participant's family: the first case they are client of, else member of (file order), a merged
    family case standing for its PSA case; someone in no case makes no family (None)."""
    order = {cid: i for i, cid in enumerate(ctx.cases)}
    for role in ("client", "member"):
        mine = [c for c in ctx.cases.values()
                if (c.get("client") == pid if role == "client" else pid in (c.get("members") or []))]
        if mine:
            first = min(mine, key=lambda c: order[c["id"]])
            return ("case", ctx.target_case(first["id"]))
    return None


def os17_homemaker_hours(ctx):
    """OS17 (DOMAIN.md row OS17): home-maker direct service hours.

    Counted: activities with start in the FY having >= 1 homemaker-role staff
    member, serving a pregnant/parent PSA or their significant others:
    the activity's ``case`` is a parent case (parent_case true; the kind is
    not checked, normally homemaker_service), or, without a case, one of its
    people is a client/member of a parent case or is pregnant / has a child
    under 12 on the activity date.  Hours =
    duration in hours × number of homemakers present ("summed per
    home-maker"); no minimum duration, no full-day cap.  Rounded to 2 dp.
    """
    total_min = 0
    for a in ctx.activities:
        if not ctx.act_in_fy(a):
            continue
        hm = ctx.homemakers(a)
        if not hm:
            continue
        if a.get("case"):
            ok = bool((ctx.cases.get(ctx.target_case(a["case"])) or {}).get("parent_case"))
        else:
            d = D(a["start"])
            ok = any((ctx.cases.get(c) or {}).get("parent_case")
                     for p in a.get("people") or [] for c in ctx.person_cases.get(p, ()))
            ok = ok or any(ctx.is_parent(ctx.people[p], d)
                           for p in a.get("people") or [] if p in ctx.people)
        if ok:
            total_min += minutes(a) * len(hm)
    return r2(total_min / 60)


# ---------------------------------------------------------------------------
# outcome standards
# ---------------------------------------------------------------------------
def closed_in_fy(ctx):
    return [(c, e) for c, _i, e in ctx.episodes() if ctx.in_fy(D(e.get("closed")))]


def oc1_plan_achieved(ctx):
    """OC1 (DOMAIN.md row OC1): base = episodes (any case type) closed in the
    FY having a complete case plan; counted = closure.plan_achieved true."""
    base = [(c, e) for c, e in closed_in_fy(ctx) if ctx.plan_complete(e)]
    num = sum(1 for _c, e in base if (e.get("closure") or {}).get("plan_achieved"))
    return num, len(base)


def oc2_abstinent(ctx):
    """OC2 (DOMAIN.md row OC2): base = episodes of type "psa" cases closed in
    the FY (plan not required); counted = closure.last_drug_use is at least
    90 days before the closed date ((closed - last_use).days >= 90; 89 fails,
    90 passes).  A missing last_drug_use is not counted as abstinent."""
    base = [(c, e) for c, e in closed_in_fy(ctx) if c.get("type") == "psa"]
    num = 0
    for _c, e in base:
        lu = D((e.get("closure") or {}).get("last_drug_use"))
        if lu is not None and (D(e["closed"]) - lu).days >= ABSTINENT_DAYS:
            num += 1
    return num, len(base)


def oc3_family_involvement(ctx, os4a):
    """OC3 (DOMAIN.md row OC3): base = OS4(a) episodes; counted = >= 1
    involvement with party == "family" on the case dated within the episode
    (opened <= date <= closed/open-ended; any stage, any mode; the FY is not
    required)."""
    fam = defaultdict(list)
    for inv in ctx.doc.get("involvements", []):
        if inv.get("party") == "family":
            fam[ctx.target_case(inv.get("case"))].append(D(inv.get("date")))
    num = sum(1 for c, e in os4a if any(ctx.within_episode(d, e) for d in fam.get(c["id"], [])))
    return num, len(os4a)


def _fb_in_fy(ctx, f):
    a = ctx.act_by_id.get(f.get("activity"))
    return a is not None and ctx.act_in_fy(a)


def oc4_schools(ctx, served_ids):
    """OC4 (DOMAIN.md row OC4): base = feedback forms, topic drug_harm, whose
    activity is in the FY and whose school (feedback.school, else the
    activity's school) is one of the OS11 *served* schools; counted =
    positive.  Computed on forms, not on schools."""
    num = den = 0
    for f in ctx.doc.get("feedback", []):
        if f.get("topic") != "drug_harm" or not _fb_in_fy(ctx, f):
            continue
        sch = f.get("school") or ctx.act_by_id[f["activity"]].get("school")
        if sch in served_ids:
            den += 1
            num += bool(f.get("positive"))
    return num, den


def oc5_medical(ctx, os12):
    """OC5 (DOMAIN.md row OC5): base = feedback forms, topic drug_harm, with
    activity in the FY, whose person is in the OS12 set; counted = positive.
    (Any activity kind.)"""
    num = den = 0
    for f in ctx.doc.get("feedback", []):
        if f.get("topic") == "drug_harm" and f.get("person") in os12 and _fb_in_fy(ctx, f):
            den += 1
            num += bool(f.get("positive"))
    return num, den


def oc6_peer(ctx):
    """OC6 (DOMAIN.md row OC6): base = feedback forms, topic drug_harm or
    recovery, collected at an activity in the FY that has >= 1 staff member
    with role peer_support_worker (delivered or co-delivered by a peer),
    whatever its kind or duration - the expected figures include forms from
    30/45/50-minute peer activities, so this is NOT restricted to the
    sessions counted in OS15; person may be anonymous; counted = positive."""
    num = den = 0
    for f in ctx.doc.get("feedback", []):
        if f.get("topic") not in ("drug_harm", "recovery") or not _fb_in_fy(ctx, f):
            continue
        if ctx.peers(ctx.act_by_id[f["activity"]]):
            den += 1
            num += bool(f.get("positive"))
    return num, den


def _os4b_persons(os4b):
    return {c.get("client") for c, _e in os4b if c.get("client")}


def oc7_parenting(ctx, os4b):
    """OC7 (DOMAIN.md row OC7): base = feedback forms, topic parenting, with
    activity in the FY, whose person is the client of an OS4(b) episode;
    counted = positive ("improved")."""
    persons = _os4b_persons(os4b)
    num = den = 0
    for f in ctx.doc.get("feedback", []):
        if f.get("topic") == "parenting" and f.get("person") in persons and _fb_in_fy(ctx, f):
            den += 1
            num += bool(f.get("positive"))
    return num, den


def oc8_drug_use(ctx, os4b):
    """OC8 (DOMAIN.md row OC8): as OC7 with topic drug_use; counted =
    positive ("reduced or stopped")."""
    persons = _os4b_persons(os4b)
    num = den = 0
    for f in ctx.doc.get("feedback", []):
        if f.get("topic") == "drug_use" and f.get("person") in persons and _fb_in_fy(ctx, f):
            den += 1
            num += bool(f.get("positive"))
    return num, den


def oc9_stakeholders(ctx, os4b):
    """OC9 (DOMAIN.md row OC9): base = OS4(b) episodes; counted = >= 2
    distinct ``stakeholder`` categories among party == "stakeholder"
    involvements of the case dated within the episode (FY not required)."""
    inv = defaultdict(list)
    for i in ctx.doc.get("involvements", []):
        if i.get("party") == "stakeholder":
            inv[ctx.target_case(i.get("case"))].append(i)
    num = 0
    for c, e in os4b:
        cats = {i.get("stakeholder") for i in inv.get(c["id"], [])
                if ctx.within_episode(D(i.get("date")), e)}
        if len(cats) >= 2:
            num += 1
    return num, len(os4b)


def oc10_peer_training(ctx):
    """OC10 (DOMAIN.md row OC10): numerator = training rows dated in the FY,
    paid true, whose staff has role peer_support_worker (sessions, not
    distinct workers); denominator = peer-worker establishment: the
    ``establishment`` row with role peer_support_worker and the latest as_of
    <= 1 October of the FY (else the earliest row after it); if no row, the
    number of peer-worker staff."""
    num = sum(1 for t in ctx.doc.get("trainings", [])
              if t.get("paid") and ctx.in_fy(D(t.get("date")))
              and "peer_support_worker" in ctx.roles(t.get("staff")))
    rows = [r for r in ctx.doc.get("establishment", []) if r.get("role") == "peer_support_worker"]
    ref = _dt.date(ctx.fy, 10, 1)
    before = sorted((r for r in rows if D(r.get("as_of")) <= ref), key=lambda r: r["as_of"])
    after = sorted((r for r in rows if D(r.get("as_of")) > ref), key=lambda r: r["as_of"])
    if before:
        den = int(before[-1].get("count") or 0)
    elif after:
        den = int(after[0].get("count") or 0)
    else:
        den = sum(1 for s in ctx.staff.values() if "peer_support_worker" in (s.get("roles") or []))
    return num, den


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------
def _natkey(s):
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(s))]


def compute(doc, unit_code, fy):
    """Return the ``report fsa --format json`` dict for ``unit_code`` and
    financial year ``fy`` (fy-04-01 .. fy+1-03-31).  Agreed levels come from
    ``agreed_levels`` rows with that fy (missing → agreed/met null).
    family_case_share = (OS4 before conversion - OS4a) / agreed OS4 (4 dp;
    null without an agreed OS4); the expected file gives 7/280 = 0.025, i.e.
    the share is of the *agreed level*, not of the achieved total."""
    ctx = Ctx(doc, unit_code, fy)
    if (doc.get("unit") or {}).get("code") not in (None, unit_code):
        raise ValueError("document holds unit {!r}, not {!r}".format(doc["unit"].get("code"), unit_code))
    ag = ctx.agreed.get
    S = {}

    os1, os1a = os1_outreach(ctx)
    S["OS1"] = out_std(os1, ag("OS1"))
    S["OS1a"] = out_std(os1a, ag("OS1a"))
    os2, os3 = os2_os3_identified(ctx)
    S["OS2"] = out_std(os2, ag("OS2"))
    S["OS3"] = out_std(os3, ag("OS3"))

    os4, os4a, os4b = os4_case_plans(ctx)
    os5 = os5_new_cases(ctx, os4)
    os8 = os8_counselling_groups(ctx)
    os9 = os9_brief_counselling(ctx)
    os11, ded = os11_schools(ctx)
    S["OS4"] = out_std(r2(len(os4) - ded["OS4"]), ag("OS4"), before_conversion=len(os4))
    S["OS4a"] = out_std(len(os4a), ag("OS4a"))
    S["OS4b"] = out_std(len(os4b), ag("OS4b"))
    S["OS5"] = out_std(r2(os5 - ded["OS5"]), ag("OS5"), before_conversion=os5)
    S["OS6"] = out_std(os6_stakeholder(ctx, os4), ag("OS6"))
    S["OS7"] = out_std(os7_collaborations(ctx), ag("OS7"))
    S["OS8"] = out_std(r2(os8 - ded["OS8"]), ag("OS8"), before_conversion=os8)
    S["OS9"] = out_std(r2(os9 - ded["OS9"]), ag("OS9"), before_conversion=os9)
    S["OS10"] = out_std(os10_education(ctx), ag("OS10"))
    served_ids = os11.pop("served_ids")
    ach = os11.pop("achieved")
    S["OS11"] = out_std(ach, ag("OS11"), **os11)
    os12 = os12_medical_support(ctx)
    S["OS12"] = out_std(len(os12), ag("OS12"))
    S["OS13"] = out_std(os13_consultations(ctx), ag("OS13"))
    S["OS14"] = out_std(os14_nursing(ctx), ag("OS14"))
    os15, os15a = os15_peer_support(ctx)
    S["OS15"] = out_std(os15, ag("OS15"))
    S["OS15a"] = out_std(os15a, ag("OS15a"))
    S["OS16"] = out_std(os16_family_groups(ctx), ag("OS16"))
    S["OS17"] = out_std(os17_homemaker_hours(ctx), ag("OS17"))

    S["OC1"] = out_ratio(*oc1_plan_achieved(ctx), ag("OC1"))
    S["OC2"] = out_ratio(*oc2_abstinent(ctx), ag("OC2"))
    S["OC3"] = out_ratio(*oc3_family_involvement(ctx, os4a), ag("OC3"))
    S["OC4"] = out_ratio(*oc4_schools(ctx, served_ids), ag("OC4"))
    S["OC5"] = out_ratio(*oc5_medical(ctx, os12), ag("OC5"))
    S["OC6"] = out_ratio(*oc6_peer(ctx), ag("OC6"))
    S["OC7"] = out_ratio(*oc7_parenting(ctx, os4b), ag("OC7"))
    S["OC8"] = out_ratio(*oc8_drug_use(ctx, os4b), ag("OC8"))
    S["OC9"] = out_ratio(*oc9_stakeholders(ctx, os4b), ag("OC9"))
    S["OC10"] = out_ratio(*oc10_peer_training(ctx), ag("OC10"))

    family = len(os4) - len(os4a)
    share = r4(family / ag("OS4")) if ag("OS4") else None
    if share is not None and share > 0.15 + 1e-9:
        ctx.warnings.append("OS4: family cases %d are %.1f%% of the agreed level (more than 15%%)"
                            % (family, share * 100))
    return {
        "unit": unit_code,
        "fy": ctx.fy,
        "period": [ctx.start.isoformat(), ctx.end.isoformat()],
        "standards": {k: S[k] for k in OUTPUT_KEYS + OUTCOME_KEYS},
        "family_case_share": share,
        "warnings": ctx.warnings,
    }


def main(argv):
    if len(argv) != 4:
        print("usage: fsa_oracle.py FILE.json UNIT FY", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        doc = json.load(fh)
    print(json.dumps(compute(doc, argv[2], int(argv[3])), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
