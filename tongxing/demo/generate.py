"""Synthetic exchange documents (shared/EXCHANGE.md) for demos and benchmarks.

`generate(...)` returns one unit's records as an exchange-format dict, built only
from the standard library and fully determined by its arguments (same seed, same
document). It serves two purposes:

* ``tongxing demo``: a believable centre with Traditional Chinese names, group and
  training titles, school and workplace names, case-plan texts and closure reasons;
* benchmarks: city-scale documents (e.g. 6,000 people and 35,000 activities a year)
  generated in a few seconds (every step is linear in the output size).

Every reference resolves, enums come from EXCHANGE.md, activities end after they
start, episodes are ordered and non-overlapping, and the data deliberately covers
the counting edges of DOMAIN.md: 45-minute sessions, evening outreach before and
after the closing time (including a late-opening day, Saturday afternoons and
Sundays), a person's fifth and later brief-counselling sessions, brief counselling
for people with a case in hand, Healthy School Programme and international
schools, post-secondary sessions, workplaces under five employees, reopened
episodes, family cases merged into PSA cases, abstinence of exactly 89/90/91
days, incomplete case plans, pregnant women and parents of children under (and
just turning) 12, people aged 20 and exactly 21 at identification, counselling
groups with fewer than 4 sessions or 6 participants, family-relationship groups
with a single family, full-day sessions, peer-only sessions, consultations not
funded by medical support or without a nurse/social worker, and activities that
cross midnight or the end of a financial year.

Beyond EXCHANGE.md it adds people's ``name``, ``name_en`` and ``phone``, children's
``carer``, activities' ``place`` and ``note``, and a top-level ``referrals`` list.

The records are built family by family: organisation.py, people.py, cases.py, activities.py and
outcomes.py, on the helpers of base.py and the words of vocabulary.py.
"""

from __future__ import annotations

from .activities import ActivityRecords
from .cases import CaseRecords
from .organisation import OrganisationRecords
from .outcomes import OutcomeRecords
from .people import PeopleRecords
from .vocabulary import OPENING

__all__ = ["generate"]


class _Centre(OrganisationRecords, PeopleRecords, CaseRecords, ActivityRecords, OutcomeRecords):
    """One unit's records, family by family, in a fixed order (the seed's draws depend on it)."""

    def run(self):
        self.make_staff()
        self.make_schools()
        self.make_people()
        self.make_cases()
        self.make_case_records()
        self.make_activities()
        self.make_feedback()
        self.make_trainings()
        self.make_levels()
        cases = []
        for c in self.cases:
            eps = []
            for ep in c["episodes"]:
                e = {"opened": ep["opened"]}
                if "closed" in ep:
                    e["closed"] = ep["closed"]
                if "plan" in ep:
                    e["plan"] = ep["plan"]
                if "closure" in ep:
                    e["closure"] = ep["closure"]
                eps.append(e)
            cases.append({**c, "episodes": eps})
        return {
            "format": "tongxing-exchange", "version": 1,
            "unit": {"code": self.unit_code, "name": self.unit_name, "opening_hours": {k: (list(v) if v else None)
                                                                                       for k, v in OPENING.items()}},
            "staff": self.staff,
            "establishment": self.establishment,
            "schools": self.schools,
            "workplaces": self.workplaces,
            "people": self.people,
            "groups": self.groups,
            "cases": cases,
            "involvements": self.involvements,
            "collaborations": self.collaborations,
            "referrals": self.referrals,
            "activities": self.activities,
            "medical_assessments": self.medical,
            "feedback": self.feedback,
            "trainings": self.trainings,
            "conversions": self.conversions,
            "agreed_levels": self.levels,
        }


def generate(*, unit_code="DEMO", unit_name="同行社區戒毒輔導中心", people=120, activities_per_year=600,
             years=(2023, 2024), seed=1, until=None) -> dict:
    """A valid exchange document for one unit, deterministic from the arguments.

    ``people`` is the number of person records (about a fifth of them family members,
    ids ``f…``; the rest service users, ids ``p…``); ``activities_per_year`` the number
    of activities in each financial year of ``years`` (FY 2024 = 2024-04-01..2025-03-31). With ``until``
    (a date) no record of work lies after it: a year still running is generated up to that day.
    """
    return _Centre(unit_code, unit_name, people, activities_per_year, years, seed, until).run()
