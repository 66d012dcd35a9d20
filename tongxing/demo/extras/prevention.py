"""The prevention centre's year: institutions and pre-release sessions, drug-harm lectures
with consultations, hotline calls and KPIs.
"""

from __future__ import annotations

import datetime as dt

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.prevention.models import (
    CallerType,
    ConsultationCategory,
    Institution,
    Kpi,
    PreReleaseKind,
    PreReleaseSession,
    ServiceItem,
)
from tongxing.prevention.services import log_hotline_call, record_lecture

from .base import ExtrasBase

INSTITUTIONS = ["喜靈洲戒毒所", "勵顧懲教所", "大欖女懲教所", "羅湖懲教所", "塘福懲教所"]
CONSULTATION_WEIGHTS = {ConsultationCategory.FAMILY: 26, ConsultationCategory.WORK: 19,
                        ConsultationCategory.SELF_EXPLORATION: 15, ConsultationCategory.RELATIONSHIP: 12,
                        ConsultationCategory.PHYSICAL_HEALTH: 10, ConsultationCategory.LEGAL: 11,
                        ConsultationCategory.OTHER: 7}
CALLER_WEIGHTS = {CallerType.CLIENT: 30, CallerType.FAMILY: 26, CallerType.OTHER: 44}
ITEM_WEIGHTS = {ServiceItem.PSYCHOLOGICAL_SUPPORT: 45, ServiceItem.LECTURE_ENQUIRY: 17, ServiceItem.TREATMENT: 12,
                ServiceItem.LEGAL: 6, ServiceItem.WELFARE: 8, ServiceItem.EMPLOYMENT: 5, ServiceItem.OTHER: 7}
HOTLINE_NOTES = {
    CallerType.CLIENT: ["案主情緒低落，提供情緒支援並約見面談", "查詢講習日期及補課安排", "案主查詢戒毒醫療門診",
                        "案主表示近日有復吸念頭，鼓勵回中心面談"],
    CallerType.FAMILY: ["母親擔心兒子吸食冰毒，講解求助途徑", "家屬查詢戒毒院舍申請程序", "配偶查詢家人支援小組",
                        "家屬查詢探訪及出獄後銜接服務"],
    CallerType.OTHER: ["學校社工查詢轉介程序", "市民查詢講習義務", "僱主查詢員工戒毒支援", "匿名來電查詢新興毒品資訊"],
}
KPIS = [  # name, formula, target (percent)
    ("毒品危害講習出席率", "lecture_attended / lecture_required", 70),
    ("心靈諮詢人次佔講習出席人數", "consultations / lecture_attended", 11),
    ("個案及家屬來電比例", "hotline_calls_client_family / hotline_calls", 50),
    ("轉介已有回覆比例", "referrals_closed_loop / referrals", 80),
]


class PreventionExtras(ExtrasBase):
    def months(self):
        month = self.start.replace(day=1)
        while month <= self.today:
            yield month
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def prevention(self):
        institutions = [Institution.objects.create(unit=self.unit, name=name) for name in INSTITUTIONS]
        for institution in institutions:
            record(Action.CREATE, user=self.by, obj=institution, summary=institution.name)
        kinds = [PreReleaseKind.GROUP, PreReleaseKind.INDIVIDUAL, PreReleaseKind.INDIVIDUAL, PreReleaseKind.GROUP]
        lecture_no = 0
        for m, month in enumerate(self.months()):
            month_end = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), self.today)
            for i, institution in enumerate(institutions):
                kind = PreReleaseKind.FAMILY_MEETING if (m + i) % 6 == 5 else kinds[(m + i) % len(kinds)]
                size = {PreReleaseKind.GROUP: (6, 14), PreReleaseKind.INDIVIDUAL: (1, 4),
                        PreReleaseKind.FAMILY_MEETING: (10, 25)}[kind]
                session = PreReleaseSession(unit=self.unit, institution=institution, kind=kind,
                                            date=self.day_between(month, month_end),
                                            participants=self.rng.randint(*size))
                session.full_clean()
                session.save()
                record(Action.CREATE, user=self.by, obj=session, summary=str(session))
            for day in (10, 24):
                date = month.replace(day=day)
                if date > self.today:
                    continue
                lecture_no += 1
                required = self.rng.randint(30, 70)
                attended = round(required * self.rng.uniform(0.62, 0.9))
                consulted = round(attended * self.rng.uniform(0.08, 0.16))
                counts = dict.fromkeys(CONSULTATION_WEIGHTS, 0)
                for _ in range(consulted):
                    counts[self.weighted(CONSULTATION_WEIGHTS)] += 1
                record_lecture(unit=self.unit, user=self.by, date=date, title=f"第三、四級毒品危害講習（第{lecture_no}場）",
                               required=required, attended=attended, consultations=counts)
        day, last = self.start, self.today
        while day <= last:
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                hour = self.rng.choices(range(24), weights=[1] * 7 + [3] * 12 + [2] * 5)[0]
                received = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(0, 60, 5)), tzinfo=self.tz)
                caller = self.weighted(CALLER_WEIGHTS)
                items = [self.weighted(ITEM_WEIGHTS) for _ in range(1 if self.rng.random() < 0.85 else 2)]
                log_hotline_call(unit=self.unit, user=self.by, received=received, caller=caller, items=items,
                                 note=self.rng.choice(HOTLINE_NOTES[caller]))
            day += dt.timedelta(days=self.rng.choice((3, 4, 5)))
        for name, formula, target in KPIS:
            kpi = Kpi(unit=self.unit, name=name, formula=formula, target=target, as_percent=True,
                      starts=dt.date(self.start.year, 1, 1), ends=dt.date(self.end.year, 12, 31))
            kpi.full_clean()
            kpi.save()
            record(Action.CREATE, user=self.by, obj=kpi, summary=f"{name}: {formula} ≥ {target}%")
