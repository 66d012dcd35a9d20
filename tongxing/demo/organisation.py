"""The unit's records: staff and their roles, schools and workplaces, agreed levels,
school conversions and the peer-support establishment.
"""

from __future__ import annotations

from .base import GeneratorBase
from .vocabulary import (
    AGREED,
    CASELOAD_BASED,
    COMPANY_WORDS,
    DISTRICTS,
    DONOR_GIVEN,
    INDUSTRIES,
    SCHOOL_SPONSORS,
    SURNAME_T,
)


class OrganisationRecords(GeneratorBase):
    def make_staff(self):
        rng, n = self.rng, self.n_people
        n_sw = max(4, n // 40)
        counts = [("social_worker", n_sw), ("nurse", max(2, n_sw // 3)), ("homemaker", max(2, n_sw // 4)),
                  ("doctor", max(1, n_sw // 10))]
        staff = []
        self.sw, self.nurses, self.hms, self.docs, self.peers = [], [], [], [], []
        self.peer_type = {}
        sid = 0

        def add(roles, sex=None, **extra):
            nonlocal sid
            sid += 1
            sex = sex or ("F" if rng.random() < 0.62 else "M")
            rec = {"id": f"s{sid}", "name": self.name(sex)[0], "roles": roles, **extra}
            staff.append(rec)
            return rec["id"]

        sup = add(["supervisor", "social_worker"])
        self.sw.append(sup)
        for role, k in counts:
            for _ in range(k):
                i = add([role], sex="F" if role == "homemaker" else None)
                {"social_worker": self.sw, "nurse": self.nurses, "homemaker": self.hms, "doctor": self.docs}[
                    role].append(i)
        n_ex, n_fam = max(1, n_sw // 4), max(1, n_sw // 6)
        for k, ptype in [(n_ex, "ex_user"), (n_fam, "family")]:
            for _ in range(k):
                i = add(["peer_support_worker"], peer_type=ptype)
                self.peers.append(i)
                self.peer_type[i] = ptype
        add(["other"])  # clerical officer
        self.staff = staff
        self.sw_nurse = self.sw + self.nurses

    def make_schools(self):
        rng = self.rng
        n = min(max(self.n_people // 8, 14), 400)
        schools, names = [], set()

        def unique(make):
            for _ in range(8):
                nm = make()
                if nm not in names:
                    break
            else:
                k = 2
                while f"{nm}（第{k}校）" in names:
                    k += 1
                nm = f"{nm}（第{k}校）"
            names.add(nm)
            return nm

        def donor():
            return self.pick(SURNAME_T)[0] + rng.choice(DONOR_GIVEN)

        def secondary():
            t = rng.random()
            sp, di = rng.choice(SCHOOL_SPONSORS), rng.choice(DISTRICTS)
            if t < 0.35:
                return f"{sp}{di}{donor()}中學"
            if t < 0.6:
                return f"{sp}{donor()}紀念中學"
            if t < 0.8:
                return f"{sp}{di}書院"
            return f"{sp}{donor()}書院"

        # Kinds and flags first; the first four guarantee the edges (a Healthy School
        # Programme school, an international school, a post-secondary and a vocational
        # institution), then the list is shuffled so they land anywhere.
        specs = [("secondary", False, True), ("secondary", True, False), ("post_secondary", False, False),
                 ("vocational", False, False)]
        for _ in range(n - len(specs)):
            r = rng.random()
            if r < 0.78:
                intl = rng.random() < 0.06
                specs.append(("secondary", intl, (not intl) and rng.random() < 0.1))
            else:
                specs.append(("post_secondary" if r < 0.9 else "vocational", False, False))
        rng.shuffle(specs)
        for i, (kind, intl, hsp) in enumerate(specs):
            if kind == "secondary" and intl:
                di = rng.choice(DISTRICTS)
                nm = unique(lambda di=di: rng.choice([f"{di}國際學校", f"英基學校協會{di}書院",
                                                     f"{di}加拿大國際學校"]))
            elif kind == "secondary":
                nm = unique(secondary)
            elif kind == "post_secondary":
                nm = unique(lambda: rng.choice([f"香港{rng.choice(COMPANY_WORDS)}專上學院",
                                                f"{rng.choice(SCHOOL_SPONSORS)}專業進修學院",
                                                f"{rng.choice(DISTRICTS)}社區學院"]))
            else:
                nm = unique(lambda: rng.choice([f"職業訓練局{rng.choice(DISTRICTS)}青年學院",
                                                f"{rng.choice(SCHOOL_SPONSORS)}{rng.choice(DISTRICTS)}職業訓練中心"]))
            schools.append({"id": f"sch{i + 1}", "name": nm, "kind": kind,
                            "in_service_area": hsp or intl or rng.random() < 0.92,
                            "school_social_work": kind == "secondary" and not intl and (hsp or rng.random() < 0.93),
                            "healthy_school_programme": hsp, "international_or_esf": intl})
        self.schools = schools
        self.secondary = [s["id"] for s in schools if s["kind"] == "secondary"]
        self.post_sec = [s["id"] for s in schools if s["kind"] != "secondary"]

        n_w = min(max(self.n_people // 30, 4), 200)
        wp, wnames = [], set()
        for i in range(n_w):
            nm = unique(lambda: f"{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司")
            wnames.add(nm)
            emp = rng.choice([3, 4, 5, 8, 12, 20, 35, 60, 120, 300]) if i else 4  # w1: fewer than 5 employees
            wp.append({"id": f"w{i + 1}", "name": nm, "employees": emp})
        self.workplaces = wp

    def make_levels(self):
        rng = self.rng
        s_act = self.apy / 4000
        # Case-based standards scale with the generated caseload (episodes with a
        # complete plan in hand during the year) against the agreed 280.
        caseload, intake = {}, {}
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            intake[fy] = sum(1 for c in self.cases for ep in c["episodes"] if lo <= ep["_o"] <= hi)
            caseload[fy] = sum(1 for c in self.cases for ep in c["episodes"]
                               if ep["_o"] <= hi and (ep["_c"] is None or ep["_c"] >= lo) and ep.get("plan")
                               and all(ep["plan"].values()))
        levels, conv = [], []
        for fy in self.years:
            row = {"fy": fy}
            drift = 1 + rng.choice((0, 0, 0.03, 0.05, -0.03))
            s_case = max(caseload[fy], 10) / AGREED["OS4"]
            s_intake = max(intake[fy], 3) / AGREED["OS5"]
            for code, v in AGREED.items():
                if isinstance(v, float):
                    row[code] = v
                else:
                    scale = s_intake if code == "OS5" else s_case if code in CASELOAD_BASED else s_act
                    row[code] = max(1, round(v * scale * drift))
            row["OS17"] = max(1, round(AGREED["OS17"] * s_act * drift))
            levels.append(row)
            if rng.random() < 0.6:
                conv.append({"fy": fy, "route": "post_secondary", "schools": rng.randint(1, 2)})
            if rng.random() < 0.5:
                conv.append({"fy": fy, "route": "family_brief", "schools": rng.randint(1, 2)})
            if rng.random() < 0.25:
                conv.append({"fy": fy, "route": "family_group", "schools": 1})
        if not conv:
            conv.append({"fy": self.years[-1], "route": "post_secondary", "schools": 1})
        self.levels, self.conversions = levels, conv
        self.establishment = [{"role": "peer_support_worker", "as_of": f"{fy}-10-01", "count": len(self.peers)}
                              for fy in self.years]
