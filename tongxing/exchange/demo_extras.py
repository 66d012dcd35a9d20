"""The demo centre's records that the exchange format does not carry (``tongxing demo``).

After the exchange import, `add_extras` gives the demo unit what the newer pages show: next actions on
open cases, a funded project with its indicators and PHQ-9 / satisfaction forms, the prevention centre's
lectures, hotline and pre-release counselling with KPIs, and consents and disclosures. Everything goes
through the apps' own services (so each record has its audit event), is fully determined by the seed and
today's date, and is created once: a unit that already has the demo project is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q

from tongxing.activities.models import Activity, ActivityKind, Attendance, GroupKind
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases import selectors as case_selectors
from tongxing.cases.models import Case, CaseType
from tongxing.cases.services import open_case, update_case
from tongxing.organisations.models import Staff
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Instrument, TimePoint
from tongxing.outcomes.services import record_administration
from tongxing.people.models import Person
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
from tongxing.privacy.models import Consent, Disclosure
from tongxing.projects.indicators import DateRange, output_figure
from tongxing.projects.models import (
    Criterion,
    Enrolment,
    OutcomeIndicator,
    OutputIndicator,
    OutputKind,
    Programme,
    Project,
)
from tongxing.projects.services import set_manual_figure

__all__ = ["PROJECT_CODE", "add_extras"]

PROJECT_CODE = "BDF 250012"

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

CONSENT_RECIPIENTS = [
    ("醫院管理局物質誤用診所", "個案摘要、吸毒史及尿液測試結果", "轉介及協調戒毒醫療跟進"),
    ("感化辦事處", "出席紀錄及戒毒進度", "配合感化令要求作報告"),
    ("社會福利署綜合家庭服務中心", "家庭狀況及子女照顧安排", "共同制定子女照顧計劃"),
    ("戒毒康復中途宿舍", "個案摘要及健康狀況", "申請入住中途宿舍"),
    ("勞工處就業中心", "就業意向及工作經驗", "轉介就業支援"),
]
LEGAL_BASIS = "法庭命令：區域法院要求提交戒毒進度報告"


class _Extras:
    def __init__(self, unit, *, start: dt.date, end: dt.date, today: dt.date, by, worker: Staff | None, seed: int):
        self.unit, self.start, self.end, self.today, self.by, self.worker = unit, start, end, today, by, worker
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(unit.timezone)

    def day_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randint(0, max((b - a).days, 0)))

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # ---- cases ----------------------------------------------------------------------------------
    def psa_cases(self) -> list[Case]:
        """The unit's PSA cases, the demo worker's first (their pages then show the extras too)."""
        cases = (Case.objects.filter(unit=self.unit, type=CaseType.PSA, merged_into__isnull=True)
                 .select_related("client", "worker__user").prefetch_related("episodes").order_by("pk"))
        worker_id = self.worker.pk if self.worker else None
        return sorted(cases, key=lambda c: c.worker_id != worker_id)

    def by_worker(self, case: Case):
        return case.worker.user if case.worker and case.worker.user else self.by

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
            # Service users (ids p…, see generate.py) with no case at all.
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

    # ---- funded project ---------------------------------------------------------------------------
    def project(self) -> Project:
        project = Project.objects.create(
            unit=self.unit, code=PROJECT_CODE, title="BDF 同行計劃：社區戒毒及家庭支援",
            title_en="BDF Walking Together: community drug treatment and family support",
            funder="禁毒基金 Beat Drugs Fund", start=self.start, end=self.end)
        record(Action.CREATE, user=self.by, obj=project, summary=str(project))
        return project

    def programme(self, project, name, name_en, **filters) -> Programme:
        return Programme.objects.create(project=project, name=name, name_en=name_en, **filters)

    def outputs(self, project: Project):
        counselling = self.programme(project, "輔導小組", "Counselling groups", activity_kinds=[ActivityKind.GROUP_SESSION],
                                     group_kinds=[GroupKind.COUNSELLING])
        family = self.programme(project, "家人支援小組", "Family support groups",
                                activity_kinds=[ActivityKind.GROUP_SESSION], group_kinds=[GroupKind.FAMILY_SUPPORT])
        mutual = self.programme(project, "同行互助小組", "Mutual-help groups", activity_kinds=[ActivityKind.GROUP_SESSION],
                                group_kinds=[GroupKind.MUTUAL_HELP])
        medical = self.programme(project, "駐場醫療支援診症", "On-site medical consultations",
                                 activity_kinds=[ActivityKind.CONSULTATION])
        training = self.programme(project, "業界同工培訓", "Training for practitioners",
                                  activity_kinds=[ActivityKind.PROFESSIONAL_TRAINING])
        # Enrolled but not (yet) attending: recruitment counts them.
        clients = list(Case.objects.filter(unit=self.unit, type=CaseType.PSA).order_by("pk")
                       .values_list("client_id", flat=True)[:6])
        Enrolment.objects.bulk_create(Enrolment(programme=counselling, person_id=p, date=self.start + dt.timedelta(days=30))
                                      for p in dict.fromkeys(clients))
        specs = [
            ("1.1", "舉辦輔導小組不少於 %s 節", OutputKind.SESSIONS, counselling, {}),
            ("1.2", "招收不少於 %s 名吸毒人士參加輔導小組", OutputKind.RECRUITED, counselling, {}),
            ("1.3", "當中 %s%% 出席不少於3節", OutputKind.ATTENDING, counselling,
             {"at_least": 3, "target_is_percent": True}),
            ("1.4", "輔導小組出席達 %s 人次", OutputKind.PERSON_TIMES, counselling, {}),
            ("2.1", "招收不少於 %s 名吸毒者家人參加家人支援小組", OutputKind.RECRUITED, family, {}),
            ("3.1", "同行互助小組不少於 %s 小時", OutputKind.HOURS, mutual, {}),
            ("4.1", "為不少於 %s 名吸毒人士提供每人1至3次診症", OutputKind.PERSONS_BETWEEN, medical,
             {"at_least": 1, "at_most": 3}),
            ("5.1", "為業界同工提供不少於 %s 天培訓", OutputKind.DAYS, training, {}),
        ]
        period = DateRange.of(project)
        for order, (number, text, kind, programme, extra) in enumerate(specs):
            indicator = OutputIndicator(project=project, number=number, order=order, kind=kind, programme=programme,
                                        description="", target=1, **extra)
            if extra.get("target_is_percent"):
                target = Decimal(70)
            else:
                # Targets scaled to the generated centre (like its agreed levels): some met, some not yet.
                achieved = output_figure(indicator, period).achieved or 0
                target = Decimal(max(1, round(float(achieved) * self.rng.choice((0.8, 0.9, 0.95, 1.05, 1.2)))))
            indicator.target, indicator.description = target, text % int(target)
            indicator.full_clean()
            indicator.save()
        reach = OutputIndicator.objects.create(
            project=project, number="6.1", order=len(specs), kind=OutputKind.MANUAL, target=3000,
            description="禁毒資訊社交媒體專頁接觸不少於 3000 人次")
        set_manual_figure(self.by, reach, value=Decimal(self.rng.randint(3400, 5600)),
                          evidence=f"Facebook 專頁洞察報告截圖 {self.start} 至 {self.today - dt.timedelta(days=7)}")

    def outcomes(self, project: Project):
        ensure_library()
        phq9 = Instrument.objects.get(code="phq9")
        satisfaction = Instrument.objects.get(code="satisfaction")
        OutcomeIndicator.objects.create(
            project=project, number="成效一", order=0, instrument=phq9, criterion=Criterion.IMPROVED_OR_T,
            threshold=70, description="不少於70%參加者的抑鬱徵狀（PHQ-9）有改善，或配對t檢定顯示顯著改善")
        OutcomeIndicator.objects.create(
            project=project, number="成效二", order=1, instrument=satisfaction, criterion=Criterion.AGREE_PCT,
            threshold=80, description="不少於80%參加者滿意活動並更了解毒品禍害")
        self.phq9_forms(phq9)
        self.satisfaction_forms(satisfaction)

    def phq9_answers(self, total: int) -> dict[int, int]:
        """Nine answers 0–3 adding up to `total`; thoughts of self-harm (item 9) only now and then."""
        answers = dict.fromkeys(range(1, 10), 0)
        if total >= 12 and self.rng.random() < 0.3:
            answers[9] = 1
        while sum(answers.values()) < total:
            item = self.rng.randint(1, 8)
            if answers[item] < 3:
                answers[item] += 1
        return answers

    def phq9_forms(self, phq9):
        """Pre and post forms for about 30 people on PSA cases, the worker's own first; most improve."""
        cases = self.psa_cases()
        mine = [c for c in cases if self.worker and c.worker_id == self.worker.pk]
        others = cases[len(mine):]
        self.rng.shuffle(others)
        chosen, seen = [], set()
        for case in mine + others:
            episode = next((e for e in case.episodes.all() if (e.closed or self.today) >= self.start
                            and e.opened <= self.today - dt.timedelta(days=14)), None)
            if episode is None or case.client_id in seen:
                continue
            seen.add(case.client_id)
            chosen.append((case, episode))
            if len(chosen) >= 30:
                break
        for case, episode in chosen:
            user = self.by_worker(case)
            pre_day = min(max(episode.opened, self.start) + dt.timedelta(days=self.rng.randint(3, 28)), self.today)
            pre = self.rng.randint(8, 22)
            record_administration(user, instrument=phq9, person=case.client, date=pre_day, time_point=TimePoint.PRE,
                                  answers=self.phq9_answers(pre), case=case)
            post_day = min(pre_day + dt.timedelta(days=self.rng.randint(90, 180)), episode.closed or self.today,
                           self.today)
            if (post_day - pre_day).days < 45:
                continue  # not yet due for the post-test
            r = self.rng.random()
            post = (max(0, pre - self.rng.randint(3, 11)) if r < 0.8 else pre if r < 0.88
                    else min(27, pre + self.rng.randint(1, 4)))
            record_administration(user, instrument=phq9, person=case.client, date=post_day,
                                  time_point=TimePoint.POST, answers=self.phq9_answers(post), case=case)

    def satisfaction_forms(self, satisfaction):
        """Post-only forms at the last session held so far of each counselling and mutual-help group."""
        sessions = Activity.objects.filter(unit=self.unit, kind=ActivityKind.GROUP_SESSION, date__gte=self.start,
                                           date__lte=self.today,
                                           group__kind__in=[GroupKind.COUNSELLING, GroupKind.MUTUAL_HELP])
        last = sessions.values("group").annotate(last=Max("date")).order_by("group")
        done = set()
        for row in last:
            attendees = (Attendance.objects.filter(activity__in=sessions.filter(group=row["group"], date=row["last"]))
                         .select_related("person", "activity__group").order_by("person_id"))
            for attendance in attendees:
                if (attendance.person_id, row["last"]) in done:
                    continue
                done.add((attendance.person_id, row["last"]))
                answers = {n: self.rng.choices((2, 3, 4, 5), weights=(2, 6, 52, 40))[0] for n in (1, 2, 3)}
                record_administration(self.by, instrument=satisfaction, person=attendance.person, date=row["last"],
                                      time_point=TimePoint.POST, answers=answers,
                                      programme=attendance.activity.group)
            if len(done) >= 60:
                break

    # ---- prevention --------------------------------------------------------------------------------
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

    # ---- privacy -----------------------------------------------------------------------------------
    def privacy(self):
        """Consents (one revoked, one expired) and the disclosures that relied on them, the demo worker's
        clients first; one disclosure rests on a court order instead of consent."""
        for n, case in enumerate(self.psa_cases()[:8]):
            user = self.by_worker(case)
            recipient, information, purpose = CONSENT_RECIPIENTS[n % len(CONSENT_RECIPIENTS)]
            given = self.day_between(self.start, self.today - dt.timedelta(days=60))
            expires = given + dt.timedelta(days=365) if n != 5 else given + dt.timedelta(days=30)
            consent = Consent(person=case.client, recipient=recipient, information=information, purpose=purpose,
                              given_on=given, expires_on=expires, recorded_by=user,
                              revoked_on=given + dt.timedelta(days=40) if n == 3 else None)
            consent.full_clean()
            consent.save()
            record(Action.CREATE, user=user, obj=consent, unit_code=self.unit.code, summary=f"consent to {recipient}")
            if n % 2 == 0:
                self.disclose(case.client, user, consent=consent, at=given + dt.timedelta(days=self.rng.randint(3, 25)),
                              recipient=recipient, information=information, purpose=purpose, channel="referral")
            if n == 1:
                self.disclose(case.client, user, at=self.today - dt.timedelta(days=12), recipient="區域法院",
                              information="戒毒進度報告", purpose="法庭審理案件需要", channel="report",
                              legal_basis=LEGAL_BASIS)

    def disclose(self, person, user, *, at: dt.date, consent=None, legal_basis="", **details):
        """Like privacy.services.disclose, but dated in the past: the demo's history."""
        when = dt.datetime.combine(at, dt.time(15, 30), tzinfo=self.tz)
        Disclosure.objects.create(person=person, at=when, consent=consent, legal_basis=legal_basis, by=user,
                                  **details)
        record(Action.DISCLOSE, user=user, obj=person, summary=f"{details['channel']} → {details['recipient']}: "
               f"{details['information']}", changes={"consent": consent.pk if consent else None,
                                                     "legal_basis": legal_basis})


def add_extras(unit, *, start: dt.date, end: dt.date, today: dt.date, by, worker: Staff | None = None,
               seed: int = 2024) -> bool:
    """Add the extras to the demo `unit` for the project period `start`–`end`; False if it has them already.

    `by` (the demo supervisor) records the centre-wide work; case work is recorded by each case's worker.
    """
    with transaction.atomic():
        if Project.objects.filter(unit=unit, code=PROJECT_CODE).exists():
            return False
        extras = _Extras(unit, start=start, end=end, today=today, by=by, worker=worker, seed=seed)
        extras.worker_caseload()
        extras.next_actions()
        project = extras.project()
        extras.outputs(project)
        extras.outcomes(project)
        extras.prevention()
        extras.privacy()
    return True
