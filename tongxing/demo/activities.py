"""Activities of every kind (casework, outreach, brief counselling, groups, education,
medical support, homemaker service, hotline) and the staff's trainings.
"""

from __future__ import annotations

from itertools import accumulate

from .base import GeneratorBase
from .vocabulary import (
    CLOSE_MIN,
    CONSULT_NOTES,
    DUR_BRIEF,
    DUR_EDU,
    DUR_GROUP,
    DUR_HOMEMAKER,
    DUR_HOTLINE,
    DUR_OFFICE,
    DUR_OUTREACH,
    DUR_PHONE,
    EDU_FORMAT,
    EDU_NOTES,
    ESCORT_NOTES,
    GROUP_KIND,
    GROUP_TITLES,
    HOMEMAKER_NOTES,
    HOTLINE_NOTES,
    KIND_SHARE,
    NURSING_NOTES,
    OTHER_NOTES,
    OUTREACH_PLACES,
    TRAIN_FORMAT,
    TRAINING_NOTES,
    TRAINING_TITLES,
)


class ActivityRecords(GeneratorBase):
    def act(self, kind, o, start_min, dur, staff, people=(), **extra):
        rec = {"id": None, "kind": kind, "start": self.ts(o, start_min), "end": self.ts(o, start_min + dur),
               "full_day": False, "staff": staff, "people": list(people), "headcount": 0}
        for k, v in extra.items():
            if v is not None:
                rec[k] = v
        self.activities.append(rec)
        return rec

    def with_peer(self, staff, p):
        if self.peers and self.rng.random() < p:
            peer = self.rng.choice(self.peers)
            if peer not in staff:
                staff = [*staff, peer]
        return staff

    def make_activities(self):
        self.groups = []
        for fy in self.years:
            self.fy_activities(fy)
        self.activities.sort(key=lambda a: a["start"])
        for i, a in enumerate(self.activities):
            a["id"] = f"a{i + 1}"

    def fy_activities(self, fy):
        rng = self.rng
        lo, hi = self.fy_range[fy]
        apy = self.apy
        counts = {k: round(apy * s) for k, s in KIND_SHARE.items()}
        before = len(self.activities)
        spans = self.fy_eps[fy] or []
        psa_spans = [s for s in spans if s[0]["type"] == "psa"]
        parent_spans = [s for s in psa_spans if s[0]["parent_case"]] or psa_spans
        peers = self.peers
        sw_nurse = self.sw_nurse

        # Outreach ------------------------------------------------------------------
        for i in range(counts["outreach"]):
            o = rng.randint(lo, hi)
            r = rng.random()
            if i == 0:  # late-opening day: 19:00 is after 18:00 but not after closing
                o = lo + (2 - (lo - 1) % 7) % 7
                start = 1140
            elif i == 1:  # Saturday afternoon after closing, before 18:00
                o = lo + (5 - (lo - 1) % 7) % 7
                start = 900
            elif i == 2:  # Sunday evening
                o = lo + (6 - (lo - 1) % 7) % 7
                start = 1200
            elif r < 0.45:
                start = rng.randrange(780, 1020, 15)
            elif r < 0.5:
                start = rng.choice((1050, 1065))  # 17:30/17:45: not evening
            else:
                start = rng.randrange(1080, 1350, 15)
            staff = [rng.choice(self.sw)]
            if rng.random() < 0.25:
                s2 = rng.choice(sw_nurse)
                if s2 not in staff:
                    staff.append(s2)
            staff = self.with_peer(staff, 0.35)
            if peers and rng.random() < 0.03:
                staff = [rng.choice(peers)]
            o = min(o, hi)  # a year cut short at `until` may not yet have reached that weekday
            dur = self.pick(DUR_OUTREACH)
            if start >= 1320 and rng.random() < 0.5:
                dur = 120  # crosses midnight
            contacted = 0 if i == 3 or rng.random() < 0.1 else rng.choice((1, 1, 2, 2, 3, 4, 5, 6))
            self.act("outreach", o, start, dur, staff, psa_contacted=contacted, place=rng.choice(OUTREACH_PLACES))

        # Brief counselling: people without a case in hand (mostly) -----------------
        pool, weights = [], []
        for p in self.psa:
            ident = p["ident"]
            c = p["case"]
            a = max(ident, lo)
            b = hi if c is None else min(hi, c["episodes"][0]["_o"] - 1)
            if c is not None and rng.random() < 0.15:
                b = hi  # sometimes while a case is in hand (not counted under OS9)
            if a <= b:
                pool.append((p["id"], a, b))
                weights.append(6.0 if rng.random() < 0.07 else 1.0)
        for f in self.family:
            if f["case"] is None:
                pool.append((f["id"], lo, hi))
                weights.append(0.8)
        if pool:
            cum = list(accumulate(weights))
            chosen = rng.choices(pool, cum_weights=cum, k=counts["brief_counselling"])
            if chosen:  # one person with six sessions in the year
                chosen[:6] = [chosen[0]] * min(6, len(chosen))
            for i, (pid, a, b) in enumerate(chosen):
                o = self.workday(a, b)
                staff = [rng.choice(sw_nurse)]
                if i < 6:
                    self.act("brief_counselling", o, self.office_start(o), 60 + 15 * (i % 3), staff, [pid])
                    continue
                if peers and rng.random() < 0.04:
                    staff = [rng.choice(peers)]  # peer only: not OS9
                else:
                    staff = self.with_peer(staff, 0.05)
                self.act("brief_counselling", o, self.office_start(o), self.pick(DUR_BRIEF), staff, [pid])

        # Casework: interviews are filled in last -----------------------------------
        def casework(kind, n, durs, peer_p, notes=None):
            if not spans:
                return
            for _ in range(n):
                c, a, b = rng.choice(spans)
                o = self.workday(a, b)
                people = [c["client"]]
                if c["members"] and rng.random() < 0.25:
                    m = rng.choice(c["members"])
                    people = [m] if rng.random() < 0.5 else [c["client"], m]
                staff = self.with_peer([c["worker"]], peer_p)
                start = self.office_start(o)
                if kind == "home_visit" and rng.random() < 0.15:
                    start = rng.choice((1110, 1140))
                self.act(kind, o, start, self.pick(durs), staff, people, case=c["id"],
                         note=rng.choice(notes) if notes else None)

        casework("phone", counts["phone"], DUR_PHONE, 0.02)
        casework("home_visit", counts["home_visit"], DUR_OFFICE, 0.2)
        casework("escort", counts["escort"], DUR_OUTREACH, 0.3, ESCORT_NOTES)

        # Groups --------------------------------------------------------------------
        budget = counts["group_session"]
        gi = 0
        while budget > 0:
            gi += 1
            kind = self.pick(GROUP_KIND)
            if gi == 1:
                kind = "counselling"
            elif gi == 2:
                kind = "family_relationship"
            if kind == "mutual_help":
                n_sess = rng.randint(6, 16)
            elif kind == "counselling":
                n_sess = rng.choice((3, 4, 6, 6, 8, 8, 8, 10, 10, 12))
            else:
                n_sess = rng.choice((2, 3, 4, 5, 6, 6, 8, 8, 10))
            n_sess = min(n_sess, budget)
            budget -= n_sess
            self.make_group(fy, kind, n_sess, gi, lo, hi, psa_spans, parent_spans)

        # Education and professional training ---------------------------------------
        schools, post_sec = self.secondary, self.post_sec
        hsp = [s["id"] for s in self.schools if s["healthy_school_programme"] or s["international_or_esf"]]
        for i in range(counts["education"] + counts["professional_training"]):
            training = i >= counts["education"]
            fmt = self.pick(TRAIN_FORMAT if training else EDU_FORMAT)
            r = rng.random()
            school = workplace = None
            if i < len(hsp) and not training:
                school = hsp[i]
            elif r < 0.5 and schools:
                school = rng.choice(schools)
            elif r < 0.62 and post_sec:
                school = rng.choice(post_sec)
            elif r < 0.75 and self.workplaces:
                workplace = rng.choice(self.workplaces)["id"]
            o = self.workday(lo, hi) if school else rng.randint(lo, hi)
            start = rng.randrange(600, 900, 15) if school or workplace else rng.randrange(600, 1170, 15)
            dur = self.pick(DUR_EDU)
            full_day = False
            if fmt in ("large_event", "exhibition") and rng.random() < 0.4:
                start, dur, full_day = 540, 480, True
            elif fmt in ("publication", "media", "web", "souvenir"):
                dur = 60
            staff = [rng.choice(sw_nurse)]
            if rng.random() < 0.3:
                s2 = rng.choice(sw_nurse)
                if s2 not in staff:
                    staff.append(s2)
            staff = self.with_peer(staff, 0.2)
            head = (rng.randint(80, 600) if fmt in ("large_event", "exhibition") else
                    rng.randint(200, 5000) if fmt in ("publication", "media", "web", "souvenir") else
                    rng.randint(12, 60) if training or fmt in ("workshop", "group") else rng.randint(30, 400))
            rec = self.act("professional_training" if training else "education", o, start, dur, staff,
                           format=fmt, school=school, workplace=workplace,
                           note=rng.choice(TRAINING_NOTES["school" if school else "workplace" if workplace else None]
                                          if training else EDU_NOTES[fmt]))
            rec["headcount"] = head
            rec["full_day"] = full_day

        # Medical support -----------------------------------------------------------
        med_pool = [(pid, max(a, lo)) for pid, a in self.assessed if a <= hi]
        if not med_pool:
            med_pool = [(p["id"], max(p["ident"], lo)) for p in self.psa if p["ident"] <= hi][:5] or \
                [(self.psa[0]["id"], lo)]
        for _ in range(counts["consultation"]):
            pid, a = rng.choice(med_pool)
            o = self.workday(a, hi)
            r = rng.random()
            staff = [rng.choice(self.docs)]
            if r < 0.7:
                staff.append(rng.choice(self.nurses))
            elif r < 0.85:
                staff.append(rng.choice(self.sw))
            elif r < 0.9:
                staff += [rng.choice(self.nurses), rng.choice(self.sw)]
            funded = "medical_support" if rng.random() < 0.88 else None
            self.act("consultation", o, rng.randrange(840, 1020, 15), self.pick(DUR_BRIEF), staff, [pid],
                     funded_by=funded, note=rng.choice(CONSULT_NOTES))
        if spans:
            for _ in range(counts["nursing"]):
                c, a, b = rng.choice(psa_spans or spans)
                o = self.workday(a, b)
                who = c["client"]
                if c["members"] and rng.random() < 0.06:
                    who = rng.choice(c["members"])  # a family member: not "for PSA"
                staff = [rng.choice(self.nurses)]
                if rng.random() < 0.1:
                    staff.append(c["worker"])
                self.act("nursing", o, self.office_start(o), self.pick(DUR_OFFICE), staff, [who], case=c["id"],
                         note=rng.choice(NURSING_NOTES))
            for _ in range(counts["homemaker_service"]):
                c, a, b = rng.choice(parent_spans)
                o = self.workday(a, b)
                r = rng.random()
                staff = [rng.choice(self.hms)]
                if r < 0.12:
                    s2 = rng.choice(self.hms)
                    if s2 not in staff:
                        staff.append(s2)
                elif r < 0.22:
                    staff.append(c["worker"])
                people = [c["client"]]
                if c["members"] and rng.random() < 0.3:
                    people.append(rng.choice(c["members"]))
                self.act("homemaker_service", o, self.office_start(o), self.pick(DUR_HOMEMAKER), staff, people,
                         case=c["id"], place="案主家中", note=rng.choice(HOMEMAKER_NOTES))

        # Hotline and other ---------------------------------------------------------
        everyone = [p["id"] for p in self.psa]
        for _ in range(counts["hotline_call"]):
            o = rng.randint(lo, hi)
            staff = [rng.choice(self.sw + peers)]
            if rng.random() < 0.3:
                rec = self.act("hotline_call", o, rng.randrange(540, 1320, 5), self.pick(DUR_HOTLINE), staff,
                               [rng.choice(everyone)], note=rng.choice(HOTLINE_NOTES))
            else:
                rec = self.act("hotline_call", o, rng.randrange(540, 1320, 5), self.pick(DUR_HOTLINE), staff,
                               note=rng.choice(HOTLINE_NOTES))
                rec["headcount"] = 1
        for _ in range(counts["other"]):
            o = rng.randint(lo, hi)
            staff = self.with_peer([rng.choice(self.sw)], 0.5)
            ppl = list(dict.fromkeys(c["client"] for c in self.on_case(psa_spans, o, rng.randint(3, 12))))
            ppl = ppl or [self.psa[0]["id"]]
            self.act("other", o, rng.choice((570, 600, 840)), rng.choice((120, 180, 240)), staff, ppl,
                     note=rng.choice(OTHER_NOTES))

        # Interviews fill the year's total ------------------------------------------
        done = len(self.activities) - before
        n_iv = max(apy - done, 0)
        if spans:
            casework("interview", round(n_iv * 0.9), DUR_OFFICE, 0.05)
        n_rest = n_iv - (round(n_iv * 0.9) if spans else 0)
        for _ in range(n_rest):  # intake interviews with people not (yet) on a case
            pid, a, b = rng.choice(pool) if pool else (everyone[0], lo, hi)
            o = self.workday(a, b)
            self.act("interview", o, self.office_start(o), self.pick(DUR_OFFICE), [rng.choice(self.sw)], [pid])
        # A session that starts on the last evening of the year and ends in the next.
        if spans:
            c, a, b = spans[0]
            self.act("outreach", hi, 1410, 60, [rng.choice(self.sw)], psa_contacted=1,
                     place=rng.choice(OUTREACH_PLACES))

    def on_case(self, spans, day, k):
        """Up to k distinct cases (sampled) whose episode covers `day` (or is near it)."""
        rng, out, seen = self.rng, [], set()
        if not spans:
            return out
        for _ in range(k * 8):
            c, a, b = rng.choice(spans)
            if a - 30 <= day <= b and c["id"] not in seen:
                seen.add(c["id"])
                out.append(c)
                if len(out) >= k:
                    break
        return out

    def make_group(self, fy, kind, n_sess, gi, lo, hi, psa_spans, parent_spans):
        rng = self.rng
        gid = f"g{len(self.groups) + 1}"
        title = f"{rng.choice(GROUP_TITLES[kind])}（{fy}/{(fy + 1) % 100:02d}年度第{gi}期）"
        self.groups.append({"id": gid, "kind": kind, "title": title})
        # Participants.
        first = rng.randint(lo, max(lo, hi - 7 * n_sess))
        if (first - 1) % 7 == 6:
            first += 1
        members, case_of = [], {}
        if kind == "family_relationship":
            n_fam = 1 if rng.random() < 0.1 else rng.randint(2, 5)
            for c in self.on_case(parent_spans, first, n_fam):
                for pid in [c["client"], *c["members"][:2]]:
                    if pid not in case_of:
                        case_of[pid] = c["id"]
                        members.append(pid)
        elif kind == "family_support":
            fam = [f["id"] for f in self.family]
            members = rng.sample(fam, min(len(fam), rng.randint(4, 12)))
        else:
            k = rng.randint(3, 5) if rng.random() < 0.25 else rng.randint(6, 12)
            members = list(dict.fromkeys(c["client"] for c in self.on_case(psa_spans, first, k)))
        if not members:
            members = [self.psa[0]["id"]]
        # Staff.
        lead = rng.choice(self.nurses) if kind == "counselling" and rng.random() < 0.2 else rng.choice(self.sw)
        base_staff = [lead]
        if self.peers and kind == "mutual_help" and rng.random() < 0.5:
            base_staff = [rng.choice(self.peers)]  # peer-led
        elif self.peers and kind == "counselling" and rng.random() < 0.04:
            base_staff = [rng.choice(self.peers)]  # peer only: not OS8
        school = rng.choice(self.secondary) if kind == "counselling" and self.secondary and rng.random() < 0.08 else None
        # Schedule: weekly, same weekday and time.
        wd = (first - 1) % 7
        late = CLOSE_MIN[wd] and CLOSE_MIN[wd] > 1080
        start = 600 if wd == 5 else (1140 if late or rng.random() < 0.3 else rng.choice((600, 870)))
        dur = self.pick(DUR_GROUP)
        for s in range(n_sess):
            o = first + 7 * s
            d = dur if rng.random() > 0.04 else 45
            attend = [m for m in members if rng.random() < 0.85] or members[:1]
            if self.until is not None and o > self.until:
                attend = []  # a session still to come: scheduled, nobody has attended it yet
            staff = self.with_peer(list(base_staff), 0.25)
            rec = self.act("group_session", o, start, d, staff, attend, group=gid, school=school)
            if rng.random() < 0.03 or (gi == 1 and s == n_sess - 1):  # day camp (the first group ends with one)
                rec["start"], rec["end"], rec["full_day"] = self.ts(o, 540), self.ts(o, 1020), True

    def make_trainings(self):
        rng = self.rng
        out = []
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            for s in self.peers:
                for _ in range(rng.choice((1, 2, 2, 3))):
                    out.append({"staff": s, "date": self.ds(self.workday(lo, hi)), "paid": rng.random() < 0.85,
                                "title": rng.choice(TRAINING_TITLES)})
            for s in self.sw_nurse:
                if rng.random() < 0.6:
                    out.append({"staff": s, "date": self.ds(self.workday(lo, hi)), "paid": rng.random() < 0.7,
                                "title": rng.choice(TRAINING_TITLES)})
        out.sort(key=lambda t: (t["date"], t["staff"]))
        self.trainings = out
