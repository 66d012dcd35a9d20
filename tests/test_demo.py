"""`tongxing demo`: the exchange import plus the extras every page needs, created once, with a least-privilege
supervisor."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity
from tongxing.audit.models import Event
from tongxing.cases import selectors as case_selectors
from tongxing.cases.models import Case, Referral, categories_for
from tongxing.demo.extras import PROJECT_CODE
from tongxing.organisations.models import Agency, Unit
from tongxing.outcomes.models import Administration
from tongxing.people.models import Person
from tongxing.prevention.models import (
    Consultation,
    HotlineCall,
    HotlineItem,
    Institution,
    Kpi,
    Lecture,
    PreReleaseSession,
)
from tongxing.prevention.statistics import Span, report
from tongxing.privacy.models import Consent, Disclosure
from tongxing.projects.models import OutcomeIndicator, OutputIndicator, OutputKind, Project
from tongxing.projects.selectors import dashboard
from tongxing.reports.views import current_fy
from tongxing.standards.report import fsa_report

pytestmark = pytest.mark.django_db

ARGS = ["--people", "60", "--activities-per-year", "300", "--password", "x-long-password-1"]
COUNTED = [Person, Case, Activity, Project, OutputIndicator, OutcomeIndicator, Administration, Institution,
           PreReleaseSession, Lecture, Consultation, HotlineCall, HotlineItem, Kpi, Consent, Disclosure, Event,
           get_user_model(), Access]


def run_demo() -> str:
    out = StringIO()
    call_command("demo", *ARGS, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice (the second run must change nothing), shared by this module's tests and rolled
    back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = run_demo()
        after_first = counts()
        second = run_demo()
        after_second = counts()
        yield {"output": (first, second), "counts": (after_first, after_second)}
        transaction.set_rollback(True)


def test_second_run_adds_nothing(demo):
    first, second = demo["counts"]
    assert first == second
    assert first["Project"] == 1 and first["Lecture"] > 0


def test_logins_and_the_second_factor_are_explained(demo):
    for output in demo["output"]:
        for username in ("supervisor", "worker", "nurse"):
            assert f"{username}" in output
        assert "x-long-password-1" in output
        assert "TOTP" in output and "TONGXING_REQUIRE_2FA= ./scripts/up.sh" in output


def test_supervisor_is_not_a_superuser(demo):
    supervisor = get_user_model().objects.get(username="supervisor")
    assert not supervisor.is_superuser and supervisor.is_staff
    assert supervisor.access.level == Level.SUPERVISOR and supervisor.access.unit.code == "DEMO"
    assert supervisor.get_all_permissions() == {
        "standards.view_agreedlevel", "standards.change_agreedlevel",
        "standards.view_schoolconversion", "standards.change_schoolconversion"}
    for username in ("worker", "nurse"):
        user = get_user_model().objects.get(username=username)
        assert not user.is_superuser and not user.is_staff and user.access.level == Level.WORKER


def test_cases_have_next_actions_and_the_worker_sees_every_alert(demo):
    today = timezone.localdate()
    live = case_selectors.open_cases(Case.objects.filter(unit__code="DEMO"))
    planned = live.filter(next_action_due__isnull=False)
    assert planned.count() * 2 > live.count()
    assert planned.exclude(next_action="").count() == planned.count()
    assert planned.filter(next_action_due__lt=today).exists()
    assert planned.filter(next_action_due__gte=today, next_action_due__lte=today + dt.timedelta(days=6)).exists()
    load = case_selectors.caseload(get_user_model().objects.get(username="worker"), today)
    assert load.cases.count() >= 3
    assert load.due.exists() and load.without_plan.exists() and load.not_contacted.exists()


def test_project_with_indicators_and_forms(demo):
    project = Project.objects.get(unit__code="DEMO", code=PROJECT_CODE)
    kinds = set(project.outputs.values_list("kind", flat=True))
    assert {OutputKind.SESSIONS, OutputKind.RECRUITED, OutputKind.ATTENDING, OutputKind.PERSON_TIMES,
            OutputKind.PERSONS_BETWEEN, OutputKind.HOURS, OutputKind.MANUAL} <= kinds
    manual = project.outputs.get(kind=OutputKind.MANUAL)
    assert manual.manual_value and manual.evidence
    figures = dashboard(project)
    assert all(f.achieved is not None for f in figures["outputs"])
    phq9, satisfaction = figures["outcomes"]
    assert phq9.indicator.instrument.code == "phq9" and satisfaction.indicator.instrument.code == "satisfaction"
    assert phq9.result.n >= 15 and phq9.result.counts["improved"] > phq9.result.counts["worse"]
    assert satisfaction.result.n > 0
    assert Administration.objects.filter(unit=project.unit, time_point="pre").count() >= 20


def test_prevention_fills_every_table(demo):
    unit = Unit.objects.get(code="DEMO")
    data = report(unit, Span.year(timezone.localdate().year))
    for key in ("consultations", "hotline_callers", "hotline_items", "sex", "age", "contacts"):
        assert data["tables"][key].total > 0, key
    assert data["prerelease"]["rows"] and data["lecture"]["sessions"] > 0
    assert {k.kpi.name for k in data["kpis"]} >= {"毒品危害講習出席率", "心靈諮詢人次佔講習出席人數"}
    assert all(k.achieved is not None for k in data["kpis"])


def test_privacy_records(demo):
    assert Consent.objects.filter(person__unit__code="DEMO").count() >= 5
    assert Disclosure.objects.filter(consent__isnull=False).exists()
    assert Disclosure.objects.filter(consent__isnull=True).exclude(legal_basis="").exists()


def test_referrals_choose_from_the_units_agency_list_in_its_regions_categories(demo):
    """Issue 19: a Hong Kong unit is offered Hong Kong's categories and chooses agencies from its list, so every
    demo referral can be opened and saved on its own form."""
    unit = Unit.objects.get(code="DEMO")
    referrals = Referral.objects.filter(unit=unit)
    assert referrals.exists() and Agency.objects.filter(unit=unit).exists()
    assert not referrals.filter(destination__isnull=True).exists()
    offered = {code for code, _label in categories_for(unit)}
    assert set(referrals.values_list("category", flat=True)) <= offered
    assert not Consent.objects.filter(person__unit=unit, agency__isnull=True).exists()


def test_the_annual_return_computes(demo):
    report_ = fsa_report(Unit.objects.get(code="DEMO"), current_fy())
    assert report_["standards"]["OS4"]["achieved"] is not None


def test_no_record_of_work_lies_after_today(demo):
    today = timezone.localdate()
    unit = Unit.objects.get(code="DEMO")
    done = Activity.objects.filter(unit=unit).exclude(kind="group_session", attendance__isnull=True)
    assert done.exists() and not done.filter(date__gt=today).exists()
    assert not Case.objects.filter(unit=unit, episodes__closed__gt=today).exists()
    assert not Lecture.objects.filter(unit=unit, date__gt=today).exists()
    assert not HotlineCall.objects.filter(unit=unit, date__gt=today).exists()
    assert not PreReleaseSession.objects.filter(unit=unit, date__gt=today).exists()


def test_the_demo_works_as_a_team(demo):
    from tongxing.activities.models import ActivityStaff, Attendance
    from tongxing.appointments.models import Appointment, AppointmentStatus
    from tongxing.teams.models import MedicalAccess

    unit = Unit.objects.get(code="DEMO")
    assert MedicalAccess.objects.filter(unit=unit, staff__user__username="nurse", revoked_on__isnull=True).exists()
    now = timezone.now()
    mine = Appointment.objects.filter(unit=unit, staff__user__username="worker")
    assert mine.filter(status=AppointmentStatus.SCHEDULED, start__lt=now).exists()      # overdue
    assert mine.filter(status=AppointmentStatus.SCHEDULED, start__gt=now).count() >= 2   # coming
    assert mine.filter(status=AppointmentStatus.MISSED).exclude(status_reason="").exists()
    assert Appointment.objects.filter(unit=unit, staff__user__username="nurse", kind="nursing").exists()
    # The worker co-leads group sessions whose members are in several workers' caseloads.
    sessions = ActivityStaff.objects.filter(staff__user__username="worker", activity__group__isnull=False)
    members = Attendance.objects.filter(activity__in=sessions.values("activity")).values("person")
    workers = Case.objects.filter(client__in=members, worker__isnull=False).values("worker").distinct().count()
    assert workers >= 2
