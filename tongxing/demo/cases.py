"""Cases and their episodes, case plans and closures, involvements, collaborations and
referrals.
"""

from __future__ import annotations

from .base import GeneratorBase
from .vocabulary import (
    COLLAB,
    FAMILY_ACTIONS,
    FAMILY_DIRECTIONS,
    FAMILY_GOALS,
    HONG_KONG_CATEGORY,
    PARENT_ACTIONS,
    PARENT_DIRECTIONS,
    PARENT_GOALS,
    PLAN_ACTIONS,
    PLAN_DIRECTIONS,
    PLAN_GOALS,
    PLAN_TIMETABLES,
    REASON_MERGED,
    REASONS_ACHIEVED,
    REASONS_FAMILY,
    REASONS_NOT,
    REF_OUT,
    REF_STATUS,
    REFERRAL_AGENCIES,
    STAKEHOLDERS,
)


class CaseRecords(GeneratorBase):
    def plan(self, opened, closed, kind):
        rng = self.rng
        pd = opened + rng.randint(0, 21)
        if closed is not None:
            pd = min(pd, closed)
        if self.until is not None:
            pd = min(pd, self.until)
        if kind == "family":
            d, a, g = FAMILY_DIRECTIONS, FAMILY_ACTIONS, FAMILY_GOALS
        elif kind == "parent":
            d, a, g = PARENT_DIRECTIONS + PLAN_DIRECTIONS[:2], PARENT_ACTIONS + PLAN_ACTIONS[:2], PARENT_GOALS + PLAN_GOALS[:2]
        else:
            d, a, g = PLAN_DIRECTIONS, PLAN_ACTIONS, PLAN_GOALS
        plan = {"date": self.ds(pd), "direction": rng.choice(d), "timetable": rng.choice(PLAN_TIMETABLES),
                "actions": rng.choice(a), "goals": rng.choice(g)}
        if rng.random() < 0.04:  # incomplete plan: one part missing
            plan[rng.choice(["direction", "timetable", "actions", "goals"])] = ""
        return plan

    def episodes(self, first_open, kind, reopen_p=0.18):
        rng = self.rng
        eps, cur = [], first_open
        while True:
            dur = rng.choice((90, 180, 365, 540, 730, 900, 1100, 1460))
            close = cur + dur + rng.randint(-20, 20)
            ep = {"opened": self.ds(cur), "_o": cur}
            if rng.random() > 0.06:
                ep["plan"] = self.plan(cur, close if close <= self.w1 else None, kind)
            if close > self.w1:
                ep["_c"] = None
                eps.append(ep)
                break
            ep["_c"] = close
            ep["closed"] = self.ds(close)
            ep["closure"] = self.closure(cur, close, kind, "plan" in ep)
            eps.append(ep)
            if rng.random() >= reopen_p or len(eps) >= 3:
                break
            cur = close + rng.randint(14, 360)
            if cur > self.w1:
                break
        return eps

    def closure(self, opened, closed, kind, has_plan):
        rng = self.rng
        achieved = rng.random() < 0.6 if has_plan else False
        if rng.random() < 0.03:
            achieved = None
        r = rng.random()
        if kind == "family":
            last = None
        elif r < 0.06:
            last = closed - rng.choice((89, 90, 91))
        elif r < 0.55:
            last = closed - rng.randint(92, 400)
        elif r < 0.96:
            last = closed - rng.randint(0, 88)
        else:
            last = None
        if kind == "family":
            reason = rng.choice(REASONS_FAMILY)
        else:
            reason = rng.choice(REASONS_ACHIEVED if achieved else REASONS_NOT)
        return {"plan_achieved": achieved, "last_drug_use": self.ds(last) if last is not None else None,
                "reason": reason}

    def make_cases(self):
        rng = self.rng
        cases = []
        self.case_info = {}
        # Family members: linked to a PSA person (some to nobody we know: a hidden user).
        psa_list = self.psa
        for f in self.family:
            if rng.random() < 0.8:
                p = rng.choice(psa_list)
                f["psa"] = p
                p["family"].append(f)
        n = 0
        for p in psa_list:
            if rng.random() >= 0.74:
                continue
            n += 1
            cid = f"c{n}"
            opened = p["ident"] + (0 if rng.random() < 0.2 else rng.randint(1, 60))
            if opened > self.w1 - 3:
                n -= 1
                continue
            kind = "parent" if p["parent"] else "psa"
            eps = self.episodes(opened, kind, reopen_p=0.2)
            members = [f["id"] for f in p["family"]]
            for f in p["family"]:
                f["case"] = cid
            case = {"id": cid, "type": "psa", "parent_case": p["parent"], "client": p["id"], "members": members,
                    "worker": rng.choice(self.sw), "merged_into": None, "episodes": eps}
            p["case"] = case
            cases.append(case)
        # Family cases: a family member engages while the PSA does not (yet).
        fam_candidates = [f for f in self.family if f["case"] is None]
        merge_candidates = [f for f in self.family if f["psa"] is not None and f["psa"]["case"] is not None
                            and f["psa"]["case"]["episodes"][0]["_o"] - 40 > self.w0 - 300]
        n_fc = max(2, round(len(cases) * 0.1))
        k = 0
        merged_n = max(1, n_fc // 3)
        rng.shuffle(merge_candidates)
        if not merge_candidates:  # small documents: link a family member to a suitable PSA case
            spare = [f for f in self.family if f["case"] is None]
            target = [p for p in psa_list if p["case"] is not None
                      and p["case"]["episodes"][0]["_o"] - 40 > self.w0 - 300]
            if spare and target:
                f, p = spare[0], target[0]
                f["psa"], f["case"] = p, p["case"]["id"]
                p["family"].append(f)
                merge_candidates = [f]
        for f in merge_candidates[:merged_n]:
            k += 1
            psa_case = f["psa"]["case"]
            merge_day = psa_case["episodes"][0]["_o"]
            opened = merge_day - rng.randint(20, 200)
            ep = {"opened": self.ds(opened), "_o": opened, "_c": merge_day,
                  "plan": self.plan(opened, merge_day, "family"), "closed": self.ds(merge_day),
                  "closure": {"plan_achieved": True, "last_drug_use": None, "reason": REASON_MERGED}}
            cases.append({"id": f"fc{k}", "type": "family", "parent_case": False, "client": f["id"], "members": [],
                          "worker": psa_case["worker"], "merged_into": psa_case["id"], "episodes": [ep]})
            f["case"] = f"fc{k}"
            if f["id"] not in psa_case["members"]:
                psa_case["members"].append(f["id"])
            f["psa"]["rec"]["identification"] = {"date": self.ds(min(f["psa"]["ident"], merge_day)),
                                                 "channel": "friends_family"}
        rng.shuffle(fam_candidates)
        for f in fam_candidates:
            if k >= n_fc:
                break
            if f["case"] is not None:
                continue
            k += 1
            opened = rng.randint(self.w0 - 300, self.w1 - 20)
            eps = self.episodes(opened, "family", reopen_p=0.1)
            others = [g["id"] for g in self.family if g is not f and g["psa"] is not None and g["psa"] is f["psa"]
                      and g["case"] is None][:1] if f["psa"] else []
            cases.append({"id": f"fc{k}", "type": "family", "parent_case": False, "client": f["id"],
                          "members": others, "worker": rng.choice(self.sw), "merged_into": None, "episodes": eps})
            f["case"] = f"fc{k}"
        # Make sure the edges exist even in small documents: a reopened episode and
        # abstinence of exactly 89, 90 and 91 days in every financial year.
        psa_cases = [c for c in cases if c["type"] == "psa"]
        if psa_cases and not any(len(c["episodes"]) > 1 for c in psa_cases):
            for c in psa_cases:
                last = c["episodes"][-1]
                if last["_c"] is not None and last["_c"] + 30 < self.w1:
                    o = last["_c"] + 30
                    c["episodes"].append({"opened": self.ds(o), "_o": o, "_c": None,
                                          "plan": self.plan(o, None, "parent" if c["parent_case"] else "psa")})
                    break
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            closed = [ep for c in psa_cases for ep in c["episodes"] if ep["_c"] is not None and lo <= ep["_c"] <= hi]
            for ep, gap in zip(closed[:3], (89, 90, 91), strict=False):
                ep["closure"]["last_drug_use"] = self.ds(ep["_c"] - gap)
        self.cases = cases
        # Episode spans per financial year, for picking casework dates.
        self.fy_eps = {}
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            spans = []
            for c in cases:
                for ep in c["episodes"]:
                    a, b = ep["_o"], ep["_c"] if ep["_c"] is not None else self.w1
                    a, b = max(a, lo), min(b, hi)
                    if a <= b:
                        spans.append((c, a, b))
            self.fy_eps[fy] = spans

    def make_case_records(self):
        rng = self.rng
        inv, col, refs = [], [], []
        for c in self.cases:
            parent = c["parent_case"]
            fam = c["type"] == "family"
            for ep in c["episodes"]:
                a = ep["_o"]
                b = ep["_c"] if ep["_c"] is not None else self.w1
                span = b - a

                def stage(d, a=a, b=b, closed=ep["_c"] is not None):
                    if d - a < 30:
                        return "intake"
                    if closed and b - d < 30:
                        return "termination"
                    return "intervention"

                if fam or rng.random() < 0.5:
                    for _ in range(rng.randint(1, 3)):
                        d = rng.randint(a, b)
                        inv.append({"case": c["id"], "date": self.ds(d), "party": "family", "stakeholder": None,
                                    "stage": stage(d), "mode": rng.choice(("phone", "interview", "home_visit", "meeting"))})
                if not fam and rng.random() < (0.92 if parent else 0.55):
                    cats = rng.sample(STAKEHOLDERS, rng.randint(2, 3) if parent and rng.random() < 0.8 else 1)
                    if parent:
                        cats = list(dict.fromkeys(["family_service", *cats]))[:3]
                    for cat in cats:
                        for _ in range(rng.choice((1, 1, 2))):
                            d = rng.randint(a, b)
                            if rng.random() < 0.02:
                                d = a - rng.randint(1, 30)  # recorded before the episode opened
                            inv.append({"case": c["id"], "date": self.ds(d), "party": "stakeholder",
                                        "stakeholder": cat, "stage": stage(d),
                                        "mode": rng.choice(("phone", "joint_interview", "meeting", "referral"))})
                if parent or (not fam and rng.random() < 0.03):
                    for _ in range(rng.randint(1, 3) + span // 90 if parent else 1):
                        col.append({"case": c["id"], "date": self.ds(rng.randint(a, b)), "kind": self.pick(COLLAB)})
                if not fam and rng.random() < 0.22:
                    d = rng.randint(a, b)
                    kind = self.pick(REF_OUT)
                    st = self.pick(REF_STATUS)
                    sd = None if st == "sent" else self.ds(min(d + rng.randint(3, 40), max(d, self.w1)))
                    agency = rng.choice(REFERRAL_AGENCIES[kind])
                    refs.append({"person": c["client"], "case": c["id"], "direction": "out",
                                 "category": HONG_KONG_CATEGORY.get(agency, "other"), "agency": agency,
                                 "date": self.ds(d), "status": st, "status_date": sd})
        # Referrals in: people referred by professionals or community figures.
        for p in self.psa:
            ident = p["rec"]["identification"]
            if ident and ident["channel"] in ("professional_referral", "community_referral") and rng.random() < 0.7:
                kind = rng.choice(("social_welfare", "medical_treatment", "ngo", "rehabilitation_protection",
                                   "other"))
                agency = rng.choice(REFERRAL_AGENCIES[kind])
                refs.append({"person": p["id"], "case": p["case"]["id"] if p["case"] else None, "direction": "in",
                             "category": HONG_KONG_CATEGORY.get(agency, "other"), "agency": agency,
                             "date": ident["date"], "status": "accepted", "status_date": ident["date"]})
        refs.sort(key=lambda r: r["date"])
        for i, r in enumerate(refs):
            r["id"] = f"r{i + 1}"
            # id first for readability
        self.referrals = [{"id": r.pop("id"), **r} for r in refs]
        inv.sort(key=lambda r: (r["date"], r["case"]))
        col.sort(key=lambda r: (r["date"], r["case"]))
        self.involvements, self.collaborations = inv, col
        # Medical assessments: first health and drug-related needs assessment.
        meds = []
        self.assessed = []  # (person id, assessment ordinal)
        for p in self.psa:
            c = p["case"]
            if c is None:
                if rng.random() >= 0.3:
                    continue
                a = p["ident"] + rng.randint(0, 60)
            elif rng.random() < 0.8:
                a = c["episodes"][0]["_o"] + rng.randint(0, 90)
            else:
                continue
            if a > self.w1:
                continue
            by = rng.choice(self.docs) if rng.random() < 0.6 else rng.choice(self.nurses)
            meds.append({"person": p["id"], "date": self.ds(a), "by": by, "plan": rng.random() < 0.92})
            self.assessed.append((p["id"], a))
            if rng.random() < 0.12 and a + 200 <= self.w1:
                b = rng.randint(a + 120, self.w1)
                meds.append({"person": p["id"], "date": self.ds(b), "by": rng.choice(self.docs), "plan": True})
        meds.sort(key=lambda m: m["date"])
        self.medical = meds
