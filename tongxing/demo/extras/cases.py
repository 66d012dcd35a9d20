"""Case extras: the demo worker's caseload shows every alert, and open cases get next actions
due overdue, this week or later.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from tongxing.cases import selectors as case_selectors
from tongxing.cases.models import Case, CaseType
from tongxing.cases.services import open_case, update_case
from tongxing.people.models import Person

from .base import ExtrasBase

NEXT_ACTIONS = {
    "psa": ["家訪跟進戒毒進度", "安排尿液測試", "陪同覆診（物質誤用診所）", "檢討個案計劃", "聯絡感化主任跟進報到情況",
            "邀請家人出席家庭面談", "跟進住院戒毒院舍申請", "電話關心近況及情緒", "轉介就業支援服務",
            "提醒出席預防復吸小組"],
    "parent": ["跟進產前檢查安排", "家務指導員上門育兒指導", "召開多專業個案會議", "與社會福利署檢討子女照顧計劃"],
    "family": ["與家人面談，檢討支援技巧", "邀請家人出席家人支援小組", "電話支援家人，了解吸毒家人近況"],
    "no_plan": ["與案主商討並完成個案計劃四部分", "完成個案評估及訂立可量度目標"],
}
# Per worker, open cases in order of opening take these next-action buckets in turn, so every caseload
# has something overdue and something due this week (the worker home's alert list).
BUCKETS = ["overdue", "week", "later", "week", "later", "overdue", "none", "later"]


class CaseExtras(ExtrasBase):
    def worker_caseload(self):
        """The demo worker's caseload shows every alert: hand over an open case without a complete plan
        and one not contacted for 30 days from colleagues when the worker has none; failing that, the
        worker opens a case for someone who drew on the service without one (no plan and no contact yet)."""
        worker = self.worker
        if worker is None:
            return
        live = case_selectors.open_cases(Case.objects.filter(unit=self.unit))
        quiet_since = self.today - dt.timedelta(days=case_selectors.NOT_CONTACTED_DAYS)
        for needed in (live.filter(has_plan=False),
                       live.filter(Q(last_contact__lt=quiet_since) | Q(last_contact__isnull=True))):
            if needed.filter(worker=worker).exists():
                continue
            case = needed.exclude(worker=worker).order_by("pk").first()
            if case is not None:
                update_case(case, data={"worker": worker}, user=self.by)
                continue
            # Service users (ids p…, see tongxing/demo/generate.py) with no case at all.
            person = (Person.objects.filter(unit=self.unit, external_id__startswith="p", cases_as_client__isnull=True,
                                            cases_as_member__isnull=True).order_by("pk").first())
            if person is not None:
                open_case(person=person, type=CaseType.PSA, parent_case=False, worker=worker,
                          opened=self.today - dt.timedelta(days=self.rng.randint(5, 20)), user=worker.user or self.by)

    def next_actions(self):
        live = case_selectors.open_cases(Case.objects.filter(unit=self.unit)).order_by("worker_id", "opened", "pk")
        position: dict[int | None, int] = {}
        for case in live:
            i = position[case.worker_id] = position.get(case.worker_id, -1) + 1
            bucket = BUCKETS[i % len(BUCKETS)]
            if bucket == "none":
                continue
            days = {"overdue": -self.rng.randint(1, 21), "week": self.rng.randint(0, case_selectors.DUE_WITHIN_DAYS - 1),
                    "later": self.rng.randint(case_selectors.DUE_WITHIN_DAYS + 1, 45)}[bucket]
            kind = ("no_plan" if not case.has_plan else "family" if case.type == CaseType.FAMILY
                    else "parent" if case.parent_case else "psa")
            update_case(case, data={"next_action": self.rng.choice(NEXT_ACTIONS[kind]),
                                    "next_action_due": self.today + dt.timedelta(days=days)},
                        user=self.by_worker(case))
