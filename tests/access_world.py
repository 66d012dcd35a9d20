"""One record of every kind, and a user of every kind of access: for the access matrix and the XSS test."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import ActivityKind, ActivityStaff, MedicalAssessment
from tongxing.appointments.models import Appointment
from tongxing.attachments.services import attach
from tongxing.cases.models import Approval, CasePlan, Collaboration, Involvement, Referral
from tongxing.jobs.models import Job
from tongxing.organisations.models import Agency, Organisation, Role, Staff, StaffRole, Unit
from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Instrument
from tongxing.outcomes.services import record_administration
from tongxing.prevention.models import Institution, Kpi, Lecture, LectureRegistrant, PreReleaseSession
from tongxing.privacy.models import Consent
from tongxing.projects.models import (
    Enrolment,
    OutcomeIndicator,
    OutputIndicator,
    OutputKind,
    Programme,
    Project,
)
from tongxing.teams.models import MedicalAccess, TeamMember, TeamRole

from .activities_world import activity, build, group_with_members


def build_world() -> dict:
    """Unit A with alice's case and one record of every kind a page shows; users of every kind of access."""
    w = build()
    users = get_user_model().objects
    other_org = Organisation.objects.create(code="ELSE", name="另一機構")
    other_unit = Unit.objects.create(organisation=other_org, code="UZ", name="丙中心")
    dave = users.create_user("dave")
    Access.objects.create(user=dave, level=Level.SUPERVISOR, organisation=other_org, unit=other_unit)
    audrey = users.create_user("audrey")
    Access.objects.create(user=audrey, level=Level.AUDITOR, organisation=w.unit.organisation)
    ensure_library()
    instrument = Instrument.objects.get(code="phq9")
    tz = timezone.get_current_timezone()
    visit = activity(w.unit, dt.datetime(2024, 7, 2, 10, 0, tzinfo=tz), 60, ActivityKind.INTERVIEW,
                     staff=[w.alice_staff], people=[w.client], case=w.case)
    group, _people, _first, session = group_with_members(w, 3)
    administration = record_administration(
        w.alice, instrument=instrument, person=w.client, date=dt.date(2024, 7, 2), time_point="pre",
        answers={n: 1 for n in range(1, 10)})
    project = Project.objects.create(unit=w.unit, code="BDF1", title="同行計劃", start=dt.date(2024, 4, 1),
                                     end=dt.date(2025, 3, 31))
    indicator = OutputIndicator.objects.create(project=project, number="1", kind=OutputKind.MANUAL,
                                               description="專頁人次", target=100)
    programme = Programme.objects.create(project=project, name="講座")
    enrolment = Enrolment.objects.create(project=project, person=w.client, date=dt.date(2024, 4, 1))
    outcome = OutcomeIndicator.objects.create(project=project, number="O1", description="抑鬱改善", instrument=instrument)
    kpi = Kpi.objects.create(unit=w.unit, name="講習出席率", formula="lecture_attended / lecture_required", target=70,
                             starts=dt.date(2024, 1, 1), ends=dt.date(2024, 12, 31))
    lecture = Lecture.objects.create(unit=w.unit, date=dt.date(2024, 7, 1), required=1, attended=0)
    LectureRegistrant.objects.create(lecture=lecture, person=w.client)
    institution = Institution.objects.create(unit=w.unit, name="高雄監獄")
    prerelease = PreReleaseSession.objects.create(unit=w.unit, institution=institution, kind="group",
                                                  date=dt.date(2024, 7, 1), participants=10)
    # The unit's agency list; alice's referral to one of them waits for her client's consent.
    agency = Agency.objects.create(unit=w.unit, name="明愛轉介中心")
    referral = Referral.objects.create(unit=w.unit, external_id="r1", person=w.client, case=w.case,
                                       direction="out", category="ngo", date=dt.date(2024, 7, 3),
                                       destination=agency, agency=agency.name, awaiting_consent=True)
    consent = Consent.objects.create(person=w.client, recipient="醫院", information="病歷", purpose="轉介",
                                     given_on=dt.date(2024, 7, 1))
    episode = w.case.episodes.get()
    CasePlan.objects.create(episode=episode, date=episode.opened, direction="戒毒", timetable="六個月",
                            actions="每週面談", goals="停用九十日")
    # alice put the closing of her case to the supervisor (issue 19): it waits in bob's queue.
    approval = Approval.objects.create(episode=episode, kind="closure", requested_by=w.alice,
                                       requested_at=timezone.now(), closed=episode.opened, closure_reason="完成計劃")
    Involvement.objects.create(unit=w.unit, external_id="i1", case=w.case, date=episode.opened, party="family",
                               stage="intake", mode="interview")
    Collaboration.objects.create(unit=w.unit, external_id="k1", case=w.case, date=episode.opened, kind="mdcc")
    MedicalAssessment.objects.create(unit=w.unit, external_id="ma1", person=w.client, date=dt.date(2024, 7, 4),
                                     by=w.nurse, plan=True)
    appointment = Appointment.objects.create(
        unit=w.unit, person=w.client, case=w.case, staff=w.alice_staff, kind=ActivityKind.HOME_VISIT,
        start=dt.datetime(2024, 7, 3, 10, 0, tzinfo=tz), minutes=60, place="案主家中")
    job = Job.objects.create(kind=Job.Kind.IMPORT, created_by=w.bob, filename="unit-a.json")
    # bob's finished PDF of unit A's year: only the one who started it downloads it.
    pdf_job = Job.objects.create(kind=Job.Kind.ANNUAL_PDF, created_by=w.bob, state=Job.State.DONE,
                                 filename="UA-2024.pdf", unit_code=w.unit.code, result=b"%PDF-1.4\n%%EOF\n")
    team = team_world(w, group)
    # A file on alice's case: her case team downloads it, nobody else does.
    attachment = attach(w.case, name="consent.pdf", data=b"%PDF-1.4\n% signed\n%%EOF\n", user=w.alice)
    return {
        "users": {"alice": w.alice, "bob": w.bob, "charlie": w.charlie, "dave": dave, "audrey": audrey, **team},
        # alice's client answered PHQ-9 item 9 above 0: the form raised a risk alert.
        "objects": {"risk_alert": administration.risk_alert.pk,
                    "unit": w.unit.code, "fy": 2024, "os1": "OS1", "client": w.client.pk, "case": w.case.pk,
                    "member": w.member.pk, "alice_login": w.alice.pk,
                    "activity": visit.pk, "group": group.pk, "session": session.pk, "instrument": instrument.pk,
                    "administration": administration.pk, "project": project.pk, "indicator": indicator.pk,
                    "referral": referral.pk, "consent": consent.pk, "programme": programme.pk,
                    "outcome": outcome.pk, "kpi": kpi.pk, "institution": institution.pk,
                    "prerelease": prerelease.pk, "job": job.pk, "pdf_job": pdf_job.pk, "enrolment": enrolment.pk,
                    "appointment": appointment.pk, "attachment": attachment.pk, "lecture": lecture.pk,
                    "agency": agency.pk, "approval": approval.pk},
    }


def team_world(w, group) -> dict:
    """Unit A's team around alice's case (issue 19): nina, the nurse on its team; mona, a doctor holding the unit's
    medical access; gina, a colleague in unit A with no part in the case; frank, a peer worker facilitating the
    group, none of whose members is in his caseload."""
    users = get_user_model().objects
    made = {}
    for name, staff in (("nina", w.nurse), ("mona", w.doctor), ("gina", None), ("frank", w.peer)):
        user = users.create_user(name)
        Access.objects.create(user=user, level=Level.WORKER, organisation=w.unit.organisation, unit=w.unit)
        if staff is None:
            staff = Staff.objects.create(unit=w.unit, external_id=f"s-{name}", name="吳同事")
            StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
        staff.user = user
        staff.save()
        made[name] = user
    TeamMember.objects.create(case=w.case, staff=w.nurse, role=TeamRole.NURSE, added_on=dt.date(2024, 7, 1))
    MedicalAccess.objects.create(staff=w.doctor, unit=w.unit, granted_on=dt.date(2024, 7, 1))
    for session in group.sessions.all():
        ActivityStaff.objects.create(activity=session, staff=w.peer)
    return made


def url_names():
    """Every named URL outside the admin (which only staff accounts reach, and is tested on its own)."""
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                yield f"{namespace}:{p.name}" if namespace else p.name
    return set(walk(get_resolver().url_patterns))
