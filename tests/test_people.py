"""People: search as you type, create with a duplicate warning, the person page, merge two records."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from tongxing.activities.models import Attendance
from tongxing.audit.models import Event
from tongxing.cases.models import Case
from tongxing.people.models import Child, DrugUse, Person

from .casework import PASSWORD, case, contact, person, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def login(client, u):
    assert client.login(username=u.username, password=PASSWORD)
    return client


def test_search_by_chinese_english_phone_and_reference(client, w):
    mine = person(w.unit, 1, name="黃小明", name_en="Wong Siu Ming", phone="9123 4567", reference="A-2024-001")
    case(w.unit, mine, w.alice_staff, dt.date(2024, 5, 1), 1)
    person(w.unit, 2, name="李大文", name_en="Lee Tai Man")
    login(client, w.alice)
    for q in ("小明", "wong siu", "wongsiuming", "91234567", "4567", "A-2024"):
        html = client.get(reverse("person-list"), {"q": q}, headers={"HX-Request": "true"}).content.decode()
        assert "黃小明" in html and "李大文" not in html, q
        assert "<html" not in html  # the HTMX answer is the results only


def test_search_page_paginates_filters_and_exports(client, w):
    for i in range(30):
        person(w.unit, i, sex="F" if i % 2 else "M")
    login(client, w.bob)
    page = client.get(reverse("person-list"), {"sex": "F"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 15
    full = client.get(reverse("person-list"))
    assert len(full.context["page"]) == 25 and full.context["page"].has_next()
    export = client.get(reverse("person-list"), {"sex": "F", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 16 + 2  # and a blank row with the re-disclosure notice


def test_other_unit_cannot_find_or_open(client, w):
    p = person(w.unit, 1, name="黃小明")
    login(client, w.charlie)
    assert "黃小明" not in client.get(reverse("person-list"), {"q": "黃"}).content.decode()
    assert client.get(reverse("person-detail", args=[p.pk])).status_code == 404
    assert client.post(reverse("person-drug-use", args=[p.pk]), {"drug-drug": "ketamine"}).status_code == 404


def _new(client, **extra):
    data = {"name": "黃小明", "name_en": "Wong Siu Ming", "sex": "M", "birth_date": "2001-02-03", "phone": "",
            "reference": "", "pregnant": "unknown", "identified_on": "", "identification_channel": ""}
    data.update(extra)
    return client.post(reverse("person-new"), data)


def test_create_person_and_audit(client, w):
    login(client, w.alice)
    response = _new(client)
    p = Person.objects.get(name="黃小明")
    assert response.status_code == 302 and response.url == reverse("person-detail", args=[p.pk])
    assert p.unit == w.unit
    assert Event.objects.filter(action="create", object_id=str(p.pk)).exists()


def test_validation_messages_next_to_the_field_and_nothing_saved(client, w):
    login(client, w.alice)
    response = _new(client, name="", name_en="", identified_on="2024-01-01", birth_date="2999-01-01")
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors and "identification_channel" in form.errors and "birth_date" in form.errors
    html = response.content.decode()
    assert 'class="errorlist' in html and "請填寫中文或英文姓名" in html
    assert not Person.objects.exists()


def test_duplicate_warning_needs_explicit_confirmation(client, w):
    existing = person(w.unit, 1, name="黃 小明", name_en="WONG Siu-ming", birth_date=dt.date(2001, 2, 3))
    case(w.unit, existing, w.alice_staff, dt.date(2024, 5, 1), 1)
    login(client, w.alice)
    response = _new(client)
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert reverse("person-detail", args=[existing.pk]) in response.content.decode()
    assert Person.objects.count() == 1
    response = _new(client, confirm_duplicate="on")
    assert response.status_code == 302 and Person.objects.count() == 2


def test_duplicate_by_phone_outside_my_caseload_is_counted_not_shown(client, w):
    other = person(w.unit, 1, name="李大文", phone="+852 9123 4567")
    case(w.unit, other, w.bob_staff, dt.date(2024, 5, 1), 1)
    login(client, w.alice)
    response = _new(client, name="李 大文", name_en="", birth_date="", phone="91234567")
    assert response.context["duplicates"] == [] and response.context["hidden"] == 1
    assert Person.objects.count() == 1


def test_person_page_shows_history_family_and_children(client, w, django_assert_max_num_queries):
    p = person(w.unit, 1, name="黃小明", identified_on=dt.date(2024, 4, 2), identification_channel="outreach")
    mother = person(w.unit, 2, name="黃太", sex="F")
    c = case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    c.members.add(mother)
    DrugUse.objects.create(person=p, drug="ketamine", last_used=dt.date(2024, 3, 1))
    Child.objects.create(person=p, birth_date=dt.date(2020, 1, 1), carer="祖母")
    login(client, w.alice)
    # 20 + the open risk alerts + PostgreSQL's advisory lock that serialises audit writers + the person's
    # enrolments and the projects to enrol in + the scheduled appointments + the timeline (activities, their staff,
    # questionnaires, appointments, assessments), whatever their number + the attachments (whether one may add one
    # is known from the page's own read of the person) + nursing records and medical assessments
    with django_assert_max_num_queries(28 if connection.vendor == "postgresql" else 27):
        html = client.get(reverse("person-detail", args=[p.pk])).content.decode()
    for text in ("氯胺酮", "2024-03-01", "祖母", "黃太", "2024-04-02", "外展"):
        assert text in html, text


def test_person_page_lists_the_cases_they_are_client_or_member_of_within_the_users_scope(w):
    """cases_of: the cases the person is the client of and those they are a member of (read by ids from the
    membership), never a case they are not in, and only those the user may open."""
    from tongxing.people.selectors import cases_of

    p, other = person(w.unit, 1), person(w.unit, 2)
    own = case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    family = case(w.unit, other, w.alice_staff, dt.date(2024, 5, 1), 2, type="family")
    family.members.add(p)
    case(w.unit, other, w.alice_staff, dt.date(2024, 5, 1), 3)  # the other's case: p is not in it
    bobs = case(w.unit, other, w.bob_staff, dt.date(2024, 5, 1), 4)  # outside alice's caseload
    bobs.members.add(p)
    assert list(cases_of(w.alice, p)) == [family, own]  # the worker: her own caseload
    assert list(cases_of(w.bob, p)) == [bobs, family, own]  # the supervisor: the unit's
    assert list(cases_of(w.charlie, p)) == []  # another unit's worker


def test_add_drug_use_and_child_with_validation(client, w):
    p = person(w.unit, 1)
    login(client, w.bob)
    bad = client.post(reverse("person-drug-use", args=[p.pk]), {"drug-drug": "", "drug-last_used": "2999-01-01"})
    assert bad.status_code == 400 and "drug" in bad.context["drug_form"].errors
    assert not DrugUse.objects.exists()
    ok = client.post(reverse("person-drug-use", args=[p.pk]), {"drug-drug": "cannabis", "drug-last_used": "2024-01-01"})
    assert ok.status_code == 302 and p.drug_use.get().drug == "cannabis"
    client.post(reverse("person-child", args=[p.pk]), {"child-birth_date": "2019-05-05", "child-carer": "母親"})
    assert p.children.get().carer == "母親"


def test_merge_moves_every_link_and_keeps_both_histories(client, w):
    keep = person(w.unit, 1, name="黃小明", phone="", identified_on=dt.date(2024, 6, 1),
                  identification_channel="outreach")
    dup = person(w.unit, 2, name="黃小明", phone="91234567", identified_on=dt.date(2024, 5, 1),
                 identification_channel="publicity")
    c1 = case(w.unit, dup, w.bob_staff, dt.date(2024, 5, 1), 1)
    c2 = case(w.unit, keep, w.bob_staff, dt.date(2024, 5, 1), 2)
    c2.members.add(dup)
    shared = contact(w.unit, c1, w.bob_staff, dt.date(2024, 5, 2), 1)
    Attendance.objects.create(activity=shared, person=keep)
    contact(w.unit, c2, w.bob_staff, dt.date(2024, 5, 3), 2)
    Attendance.objects.create(activity=Attendance.objects.get(person=keep, activity__external_id="a2").activity,
                              person=dup)
    DrugUse.objects.create(person=dup, drug="ketamine")
    Child.objects.create(person=dup, birth_date=dt.date(2020, 1, 1))
    login(client, w.bob)
    pick = client.get(reverse("person-merge", args=[keep.pk]))
    assert dup in list(pick.context["found"])
    screen = client.get(reverse("person-merge", args=[keep.pk]), {"other": dup.pk})
    assert screen.status_code == 200 and "91234567" in screen.content.decode()
    assert client.post(reverse("person-merge", args=[keep.pk]), {"other": dup.pk}).status_code == 200  # no choice
    response = client.post(reverse("person-merge", args=[keep.pk]), {"other": dup.pk, "keep": keep.pk})
    assert response.status_code == 302
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep and dup.identified_on is None
    assert keep.phone == "91234567"
    assert (keep.identified_on, keep.identification_channel) == (dt.date(2024, 5, 1), "publicity")
    assert Case.objects.get(pk=c1.pk).client == keep
    assert list(c2.members.all()) == []  # keep is the client there already
    assert Attendance.objects.filter(person=dup).count() == 0
    assert Attendance.objects.filter(person=keep).count() == 2
    assert keep.drug_use.count() == 1 and keep.children.count() == 1
    assert dup.history.count() >= 2 and keep.history.count() >= 2
    assert Event.objects.filter(action="change", summary__startswith="merged person").exists()
    # The merged record is no longer found, and cannot be merged again.
    assert dup not in client.get(reverse("person-list"), {"q": "黃小明"}).context["page"].object_list
    assert client.get(reverse("person-merge", args=[dup.pk])).status_code == 404


def test_auditor_reads_but_cannot_write(client, w):
    from tongxing.accounts.models import Access, Level

    Access.objects.filter(user=w.bob).update(level=Level.AUDITOR)
    login(client, w.bob)
    assert client.get(reverse("person-new")).status_code == 403


def test_identity_number_is_entered_encrypted_and_found_whole(client):
    from tongxing.privacy.models import IdentityNumber

    w = world()
    mine = person(w.unit, 1, name="黃小明")
    login(client, w.bob)
    response = client.post(reverse("person-edit", args=[mine.pk]), {
        "name": mine.name, "sex": mine.sex, "identity_kind": "hkid", "identity_number": "Y123456(9)"})
    assert response.status_code == 302
    stored = IdentityNumber.objects.get(person=mine)
    assert "Y123456" not in stored.ciphertext and stored.hint == "69"
    page = client.get(reverse("person-detail", args=[mine.pk])).content.decode()
    assert "…69" in page and "Y123456" not in page
    assert "黃小明" in client.get(reverse("person-list"), {"q": "y1234569"}).content.decode()
    assert "黃小明" not in client.get(reverse("person-list"), {"q": "Y1234568"}).content.decode()


@pytest.mark.parametrize("kind, number, ok", [
    ("hkid", "A123456(3)", True), ("hkid", "A123456(4)", False), ("hkid", "AB987654(3)", True),
    ("twid", "A123456789", True), ("twid", "A123456788", False), ("twid", "A323456789", False),
])
def test_identity_check_digits_are_checked_next_to_the_field(client, kind, number, ok):
    w = world()
    mine = person(w.unit, 1, name="黃小明")
    login(client, w.bob)
    response = client.post(reverse("person-edit", args=[mine.pk]), {
        "name": mine.name, "sex": mine.sex, "identity_kind": kind, "identity_number": number})
    assert (response.status_code == 302) is ok
    if not ok:
        assert response.context["form"].errors["identity_number"]


def test_a_duplicate_identity_number_and_a_bad_phone_are_refused(client):
    from tongxing.privacy.services import set_identity_number

    w = world()
    first, second = person(w.unit, 1, name="黃小明"), person(w.unit, 2, name="黃大明")
    set_identity_number(first, "hkid", "A123456(3)")
    login(client, w.bob)
    response = client.post(reverse("person-edit", args=[second.pk]), {
        "name": second.name, "sex": second.sex, "identity_kind": "hkid", "identity_number": "a 123456 3",
        "phone": "abc"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "identity_number" in errors and "phone" in errors
    assert not second.identity_numbers.exists()
    # The same number on its own record saves again.
    assert client.post(reverse("person-edit", args=[first.pk]), {
        "name": first.name, "sex": first.sex, "identity_kind": "hkid", "identity_number": "A123456(3)",
        "phone": "+852 9123 4567"}).status_code == 302
