"""Issue 16, done means: seed 004's tables and seed 001's output and outcome tables rebuilt from records entered
through the product's own forms (the test client posting the real forms as a supervisor or worker would), the bulk
of each figure in the database directly but every kind of record at least once through its form, and the records
that must not count entered through the forms too: a cancelled referral, an absent lecture registrant, a
non-enrolled client's activity and questionnaire, a questionnaire with only a pre score. The figures compared are
the seeds' as printed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, ActivityKind
from tongxing.cases.models import Case, Referral, ReferralCategory, ReferralStatus
from tongxing.organisations.models import Agency, Role, Staff, StaffRole
from tongxing.people.models import Person, Sex
from tongxing.prevention.models import CallerType, Lecture, LectureRegistrant, PreReleaseKind, ServiceItem

from .conftest import verified_login
from .test_prevention_tables import assert_seed_004_as_printed, build_seed_004, kaohsiung  # noqa: F401

pytestmark = pytest.mark.django_db

# What goes through the forms; `build_seed_004` leaves it out of the bulk so the totals stay the seed's.
NEW_PEOPLE = [("陳志明", Sex.MALE, dt.date(1990, 6, 1)), ("林美華", Sex.FEMALE, dt.date(1972, 3, 3))]
CONTACT_FORMS = [ActivityKind.PHONE, ActivityKind.HOME_VISIT, ActivityKind.INTERVIEW, ActivityKind.OTHER]
CALLS = [(CallerType.CLIENT, [ServiceItem.PSYCHOLOGICAL_SUPPORT]), (CallerType.FAMILY, [ServiceItem.LECTURE_ENQUIRY])]
HELD = {
    "people": [(sex, 2017 - born.year) for _name, sex, born in NEW_PEOPLE],
    "contacts": {kind: 1 for kind in CONTACT_FORMS},
    "referrals": {ReferralCategory.EMPLOYMENT: 1},
    "lecture": True, "january": True, "hotline": CALLS,
    "prerelease": {PreReleaseKind.GROUP: (1, 40)},
}


@pytest.fixture
def supervisor(kaohsiung):  # noqa: F811
    user = get_user_model().objects.create_user("mei")
    Access.objects.create(user=user, level=Level.SUPERVISOR, organisation=kaohsiung.organisation, unit=kaohsiung)
    staff = Staff.objects.create(unit=kaohsiung, external_id="s-mei", name="王個管師", user=user)
    StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
    return user, staff


def posted(response, ok=(302,)):
    assert response.status_code in ok, getattr(response, "context", None) and [
        f.errors for f in response.context.get("form", None) and [response.context["form"]] or []]
    return response


def test_seed_004_from_records_entered_through_the_forms(client, kaohsiung, supervisor):  # noqa: F811
    user, staff = supervisor
    built = build_seed_004(kaohsiung, held=HELD)
    verified_login(client, user)

    # Registered cases (sex and age bands): the person form, then a drug-user case opened in the year.
    newcomers = []
    for name, sex, born in NEW_PEOPLE:
        posted(client.post("/people/new/", {"name": name, "name_en": "", "sex": sex, "birth_date": born.isoformat(),
                                            "phone": "", "reference": "", "pregnant": "unknown", "identified_on": "",
                                            "identification_channel": ""}))
        person = Person.objects.get(unit=kaohsiung, name=name)
        posted(client.post(f"/cases/new/?person={person.pk}", {"type": "psa", "worker": staff.pk,
                                                                "opened": "2017-03-01"}))
        newcomers.append(person)
    case = Case.objects.get(client=newcomers[0])

    # Table 1: one contact of each type through the contact form.
    for i, kind in enumerate(CONTACT_FORMS):
        posted(client.post(f"/activities/new/?unit={kaohsiung.code}", {
            "kind": kind, "date": f"2017-05-0{i + 1}", "start_time": "10:00", "duration": "30",
            "staff": [staff.pk], "people": [newcomers[0].pk], "case": case.pk, "note": ""}))
    assert Activity.objects.filter(unit=kaohsiung, case=case).count() == 4

    # Table 2: a referral to employment services through the referral form; a second one cancelled through the
    # referral's page before it was acted on, which must not count.
    # The agencies are first put on the unit's list (set-up → Agencies), as the referral form chooses from it.
    for agency in ("勞工局就業服務中心", "勞工局職訓中心"):
        posted(client.post(f"/setup/{kaohsiung.code}/agencies/new/", {"name": agency, "in_use": "on"}))
        posted(client.post(f"/referrals/new/?unit={kaohsiung.code}", {
            "person": newcomers[0].pk, "case": case.pk, "direction": "out", "category": ReferralCategory.EMPLOYMENT,
            "destination": Agency.objects.get(unit=kaohsiung, name=agency).pk, "date": "2017-06-01",
            "legal_basis": "law",
            "legal_basis_note": "毒品危害防制條例第 2 條之 1 個案管理轉介"}))
    cancelled = Referral.objects.get(agency="勞工局職訓中心")
    posted(client.post(f"/referrals/{cancelled.pk}/", {
        "action": "cancel", "cancel-status": ReferralStatus.WITHDRAWN, "cancel-date": "2017-06-03",
        "cancel-reason": "個案已自行找到工作"}))

    # Lectures: the first of 2017 with its counts and its counselling station's consultations (Table 3); January
    # 2018's by name: 118 fined and required to attend, 94 ticked as come, 24 absent to follow up.
    first = built["first_lecture"]
    posted(client.post(f"/prevention/{kaohsiung.code}/lectures/", {
        "date": first["date"].isoformat(), "title": "", "required": first["required"],
        "attended": first["attended"], **{f"consultations_{c}": n for c, n in first["consultations"].items()}}))
    posted(client.post(f"/prevention/{kaohsiung.code}/lectures/", {
        "date": "2018-01-20", "title": "第三、四級毒品危害講習", "required": "", "attended": "",
        "consultations_work": 12}))
    january = Lecture.objects.get(date=dt.date(2018, 1, 20))
    fined = built["fined"]
    url = f"/prevention/{kaohsiung.code}/lectures/{january.pk}/"
    posted(client.post(url, {"action": "registrants", "people": [p.pk for p in fined]}))
    posted(client.post(url, {"action": "attendance", "present": [p.pk for p in fined[:94]]}))
    absentees = client.get(url).content.decode().split('id="absentees"')[1]
    assert all(p.name in absentees for p in fined[94:]) and fined[0].name not in absentees

    # Hotline calls through the call log.
    for i, (caller, items) in enumerate(CALLS):
        posted(client.post(f"/prevention/{kaohsiung.code}/hotline/", {
            "received": f"2017-0{6 + i}-01T10:00", "caller": caller, "items": items, "note": ""}))

    # Pre-release counselling: one group session in a prison through the set-up form.
    posted(client.post(f"/setup/{kaohsiung.code}/prerelease/new/", {
        "institution": built["institutions"][0].pk, "kind": PreReleaseKind.GROUP, "date": "2017-08-01",
        "participants": 40}))

    assert_seed_004_as_printed(kaohsiung)
    assert LectureRegistrant.objects.filter(lecture=january, attended=False).count() == 24
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.status_reason) == (ReferralStatus.WITHDRAWN, "個案已自行找到工作")


def test_seed_001_from_records_entered_through_the_forms(client):
    from tongxing.outcomes.models import Administration, Instrument
    from tongxing.projects.models import Enrolment

    from .test_projects_seeds import (
        assert_seed_001_outcomes,
        assert_seed_001_outputs,
        build_seed001,
        phq9_answers,
    )

    project, held = build_seed001(held=True)
    unit = held["unit"]
    user = get_user_model().objects.create_user("coordinator")
    Access.objects.create(user=user, level=Level.SUPERVISOR, organisation=unit.organisation, unit=unit)
    staff = Staff.objects.create(unit=unit, external_id="s-coord", name="計劃統籌", user=user)
    StaffRole.objects.create(staff=staff, role=Role.SOCIAL_WORKER)
    verified_login(client, user)

    # A family member enrolled through the project's participants form, her enrolment ending before her post-test.
    posted(client.post(f"/projects/{project.pk}/participants/", {
        "person": held["left"].pk, "programme": "", "date": "2018-06-01", "ended": "2019-03-01"}))
    assert Enrolment.objects.get(person=held["left"]).ended == dt.date(2019, 3, 1)

    def interview(person, case, tagged):
        posted(client.post(f"/activities/new/?unit={unit.code}", {
            "kind": "interview", "date": "2018-07-02", "start_time": "10:00", "duration": "120", "staff": [staff.pk],
            "people": [person.pk], "case": case.pk, "note": "", "project": project.pk if tagged else ""}))

    # A low-motivation PSA's interview tagged to the project on the activity form (counts: he is enrolled); the
    # outsider's interview of the centre's other work and one tagged to the project though he was never enrolled
    # (neither counts).
    interview(held["psa"], held["psa_case"], tagged=True)
    interview(held["outsider"], held["outsider_case"], tagged=False)
    interview(held["outsider"], held["outsider_case"], tagged=True)
    assert Activity.objects.filter(case=held["outsider_case"], project=project).count() == 1

    # Questionnaires through the paper-form entry: an enrolled family member's PHQ-9 pair, another's pre-test
    # alone (unpaired, not counted), the never-enrolled outsider's routine pair (not the project's).
    phq9 = Instrument.objects.get(code="phq9")

    def phq9_form(person, time_point, day, total):
        posted(client.post("/outcomes/forms/new/", {
            "person": person.pk, "instrument": phq9.pk, "time_point": time_point, "date": day, "case": "",
            "programme": "", **{f"item-{n}": v for n, v in phq9_answers(total).items()}}))

    phq9_form(held["paired"], "pre", "2019-01-05", 15)
    phq9_form(held["paired"], "post", "2019-06-05", 10)
    phq9_form(held["pre_only"], "pre", "2019-01-05", 12)
    phq9_form(held["outsider"], "pre", "2019-01-05", 15)
    phq9_form(held["outsider"], "post", "2019-06-05", 5)
    assert Administration.objects.filter(instrument=phq9, person=held["outsider"]).count() == 2

    assert_seed_001_outputs(project)
    assert_seed_001_outcomes(project)
