"""Person records: service users and family members, with the ages, drugs, pregnancies and
children DOMAIN.md's counting edges need.
"""

from __future__ import annotations

import datetime as _dt

from .base import GeneratorBase
from .vocabulary import AGE_BAND, CARERS, CHANNEL, DRUG


class PeopleRecords(GeneratorBase):
    def make_people(self):
        rng = self.rng
        n_family = max(3, round(self.n_people * 0.22))
        n_psa = self.n_people - n_family
        out = []
        self.psa = []  # internal info per PSA person
        lo_ident, hi_ident = self.w0 - 1000, self.w1 - 10
        for i in range(n_psa):
            pid = f"p{i + 1}"
            sex = "M" if rng.random() < 0.64 else ("F" if rng.random() < 0.95 else "X")
            ident = rng.randint(lo_ident, hi_ident)
            a_lo, a_hi = self.pick(AGE_BAND)
            age = rng.randint(a_lo, a_hi)
            if i == 3:  # a pregnant woman identified during the years covered
                sex, age, ident = "F", 27, rng.randint(self.w0, self.w1 - 60)
            if i % 97 == 5:  # exactly 21 at identification (not under 21)
                birth = self.minus_years(ident, 21)
            elif i % 97 == 6:  # one day short of 21
                birth = self.minus_years(ident, 21) + 1
            else:
                birth = self.minus_years(ident, age, rng.randrange(365))
            age_years = (ident - birth) // 365
            pregnant = sex == "F" and 18 <= age_years <= 42 and (i == 3 or rng.random() < 0.07)
            children = []
            if 19 <= age_years <= 55 and rng.random() < (0.3 if sex == "F" else 0.1):
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    lo_c = max(birth + 17 * 365, ident - 15 * 365)
                    if lo_c >= self.w1:
                        continue
                    cb = rng.randint(lo_c, min(self.w1 - 30, ident + 200))
                    children.append({"birth_date": self.ds(cb), "carer": rng.choice(CARERS)})
                children.sort(key=lambda c: c["birth_date"])
            if i % 53 == 7:  # a child turning 12 during the first financial year
                children = [{"birth_date": self.ds(self.minus_years(self.w0 + 150, 12)), "carer": "家人照顧"}]
            parent = pregnant or any(self.w0 - 12 * 365 < _dt.date.fromisoformat(c["birth_date"]).toordinal()
                                     for c in children)
            # Drug history at identification.
            r = rng.random()
            if r < 0.06:
                last = ident - rng.randint(200, 900)  # ex-offender / after-care without recent use
            elif parent and r < 0.3:
                last = ident - rng.randint(184, 360)  # qualifies only under the 12-month rule
            else:
                last = ident - rng.randint(0, 170)
            drugs = [self.pick(DRUG)]
            if rng.random() < 0.25:
                d2 = self.pick(DRUG)
                if d2 != drugs[0]:
                    drugs.append(d2)
            drug_use = [{"drug": d, "last_used": self.ds(last - k * rng.randint(0, 60))} for k, d in enumerate(drugs)]
            if rng.random() < 0.03:
                drug_use[0]["last_used"] = None
            nm, en = self.name(sex)
            rec = {"id": pid, "name": nm, "name_en": en}
            if rng.random() < 0.93:
                rec["phone"] = self.phone()
            rec.update(sex=sex, birth_date=self.ds(birth), pregnant=pregnant, children=children,
                       drug_use=drug_use)
            channel = self.pick(CHANNEL)
            if rng.random() < 0.03:
                rec["identification"] = None
            else:
                rec["identification"] = {"date": self.ds(ident), "channel": channel}
            out.append(rec)
            self.psa.append({"id": pid, "ident": ident, "parent": parent, "sex": sex, "rec": rec, "case": None,
                             "family": []})
        self.family = []
        relations = [("mother", "F", 40, 70), ("father", "M", 42, 72), ("partner", None, 20, 50),
                     ("sibling", None, 16, 50), ("grandparent", "F", 58, 80)]
        for j in range(n_family):
            fid = f"f{j + 1}"
            rel, sex, amin, amax = rng.choice(relations)
            sex = sex or ("F" if rng.random() < 0.6 else "M")
            birth = self.minus_years(self.w0, rng.randint(amin, amax), rng.randrange(365))
            nm, en = self.name(sex)
            rec = {"id": fid, "name": nm, "name_en": en}
            if rng.random() < 0.95:
                rec["phone"] = self.phone()
            rec.update(sex=sex, birth_date=self.ds(birth), pregnant=False, children=[], drug_use=[],
                       identification=None)
            out.append(rec)
            self.family.append({"id": fid, "rel": rel, "psa": None, "case": None})
        self.people = out
