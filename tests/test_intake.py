"""Intake (issue 19): district from the unit's region, address, emergency contact, education and employment on the
person forms and page; refused input stays unsaved with its message next to the field; the address and emergency
contact stay out of other units' pages, the audit trail's values and de-identified files; exchange v2 and the
people spreadsheet carry them."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tongxing.audit.models import Event
from tongxing.exchange.schema import parse
from tongxing.exchange.selectors import export_unit
from tongxing.exchange.services import import_document
from tongxing.exchange.spreadsheet import check, commit, template_xlsx
from tongxing.people.models import Person
from tongxing.people.services import merge_people
from tongxing.privacy.deidentify import deidentify

from .casework import PASSWORD, case, person, world

pytestmark = pytest.mark.django_db

ADDRESS = "九龍觀塘協和街101號12樓C室"
CONTACT, CONTACT_PHONE = "黃美玲", "9876 5432"
INTAKE = {"district": "hk_kwun_tong", "address": ADDRESS, "education": "upper_secondary",
          "employment": "unemployed", "emergency_name": CONTACT, "emergency_relationship": "parent",
          "emergency_phone": CONTACT_PHONE}


@pytest.fixture
def w():
    return world()


def login(client, u):
    assert client.login(username=u.username, password=PASSWORD)
    return client


def _new(client, **extra):
    data = {"name": "黃小明", "name_en": "Wong Siu Ming", "sex": "M", "birth_date": "2001-02-03", "phone": "",
            "reference": "", "pregnant": "unknown", "identified_on": "", "identification_channel": "", **INTAKE}
    data.update(extra)
    return client.post(reverse("person-new"), data)


def _field_errors(html: str, field: str) -> str:
    """The text of the form's field block holding `field`'s input, so an error is proved to sit next to it."""
    start = html.index(f'name="{field}"')
    block = html.rfind('<div class="field', 0, start)
    return html[block:html.index('<div class="field', start)]


def test_alice_records_the_intake_bob_sees_it_charlie_never_does(client, w):
    login(client, w.alice)
    assert _new(client).status_code == 302
    p = Person.objects.get(name="黃小明")
    assert {f: getattr(p, f) for f in INTAKE} == INTAKE
    case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    with translation.override("zh-hant"):
        page = client.get(reverse("person-detail", args=[p.pk])).content.decode()
    for text in ("觀塘區", ADDRESS, "高中（中四至中六／高中職）", "待業", CONTACT, "父母", CONTACT_PHONE):
        assert text in page, text
    # The audit trail records that the address and contact changed, not what they are.
    event = Event.objects.get(action="create", object_id=str(p.pk))
    trail = json.dumps(event.changes, ensure_ascii=False)
    assert ADDRESS not in trail and CONTACT not in trail and "98765432" not in trail.replace(" ", "")
    assert event.changes["district"] == "hk_kwun_tong" and event.changes["address"].startswith("hash:")

    client.logout()
    login(client, w.bob)  # the unit's supervisor
    page = client.get(reverse("person-detail", args=[p.pk])).content.decode()
    assert ADDRESS in page and CONTACT in page

    client.logout()
    login(client, w.charlie)  # another unit
    assert client.get(reverse("person-detail", args=[p.pk])).status_code == 404
    assert client.get(reverse("person-edit", args=[p.pk])).status_code == 404
    for q in ("黃", "9876", ADDRESS[:4]):
        listing = client.get(reverse("person-list"), {"q": q}).content.decode()
        assert ADDRESS not in listing and CONTACT not in listing and "黃小明" not in listing


@pytest.mark.parametrize("language, district_message, phone_message", [
    ("zh-hant", "請從清單中選擇地區", "請輸入電話號碼"),
    ("en", "Choose one of the districts in the list", "Enter a phone number"),
])
def test_bad_phone_and_unknown_district_are_refused_next_to_the_field(client, w, language, district_message,
                                                                       phone_message):
    login(client, w.alice)
    client.cookies["django_language"] = language
    events = Event.objects.count()
    for district in ("tw_kaohsiung", "mars"):  # a Taiwan county for a Hong Kong unit, and no district at all
        response = _new(client, district=district, emergency_phone="abc")
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert set(errors) == {"district", "emergency_phone"}, errors
        html = response.content.decode()
        assert district_message in _field_errors(html, "district")
        assert phone_message in _field_errors(html, "emergency_phone")
    assert not Person.objects.exists() and Event.objects.count() == events


def test_an_emergency_contact_needs_a_name_and_a_phone(client, w):
    login(client, w.alice)
    response = _new(client, emergency_name="", emergency_relationship="parent", emergency_phone="91234567")
    assert set(response.context["form"].errors) == {"emergency_name"}
    response = _new(client, emergency_phone="")
    assert set(response.context["form"].errors) == {"emergency_phone"}
    assert not Person.objects.exists()
    assert _new(client, emergency_name="", emergency_relationship="", emergency_phone="").status_code == 302


def test_editing_keeps_the_stored_intake_on_a_refusal_and_saves_a_good_one(client, w):
    p = person(w.unit, 1, name="黃小明", **INTAKE)
    case(w.unit, p, w.alice_staff, dt.date(2024, 5, 1), 1)
    login(client, w.alice)
    form = client.get(reverse("person-edit", args=[p.pk])).content.decode()
    assert ADDRESS in form and 'value="hk_kwun_tong" selected' in form
    data = {"name": p.name, "name_en": p.name_en, "sex": p.sex, **INTAKE, "district": "hk_sha_tin",
            "address": "新界沙田大圍村1號", "emergency_phone": "12"}
    assert client.post(reverse("person-edit", args=[p.pk]), data).status_code == 200
    p.refresh_from_db()
    assert (p.district, p.address) == ("hk_kwun_tong", ADDRESS)
    data["emergency_phone"] = "+852 6123 4567"
    assert client.post(reverse("person-edit", args=[p.pk]), data).status_code == 302
    p.refresh_from_db()
    assert (p.district, p.address, p.emergency_phone) == ("hk_sha_tin", "新界沙田大圍村1號", "+852 6123 4567")


def test_a_taiwan_unit_is_offered_its_22_counties_and_cities(client, w):
    w.unit.timezone = "Asia/Taipei"
    w.unit.save()
    login(client, w.alice)
    districts = client.get(reverse("person-new")).context["form"].fields["district"].choices
    values = [v for v, _label in districts if v]
    assert len(values) == 22 and "tw_kaohsiung" in values and "hk_kwun_tong" not in values
    assert "district" in _new(client).context["form"].errors  # a Hong Kong district
    assert _new(client, district="tw_kaohsiung", emergency_phone="0912-345-678").status_code == 302
    assert Person.objects.get().district == "tw_kaohsiung"


def test_merging_keeps_one_whole_emergency_contact(w):
    keep = person(w.unit, 1, name="黃小明", address="", emergency_name="")
    other = person(w.unit, 2, name="黃 小明", **INTAKE)
    merge_people(keep, other, user=w.bob)
    keep.refresh_from_db()
    assert (keep.address, keep.emergency_name, keep.emergency_phone) == (ADDRESS, CONTACT, CONTACT_PHONE)


def _exported(unit, external_id):
    return next(p for p in export_unit(unit).as_json()["people"] if p["id"] == external_id)


def test_exchange_carries_the_intake_and_deidentified_files_leave_the_address_out(w):
    person(w.unit, 1, name="黃小明", **INTAKE)
    person(w.unit, 2, name="李大文")  # nothing recorded: no keys
    record = _exported(w.unit, "p1")
    assert {k: record[k] for k in ("district", "address", "education", "employment", "emergency_contact")} == {
        "district": "hk_kwun_tong", "address": ADDRESS, "education": "upper_secondary", "employment": "unemployed",
        "emergency_contact": {"name": CONTACT, "relationship": "parent", "phone": CONTACT_PHONE}}
    assert not {"district", "address", "emergency_contact"} & set(_exported(w.unit, "p2"))
    doc = export_unit(w.unit)
    text = json.dumps(deidentify(doc, timezone.localdate()), ensure_ascii=False)
    assert ADDRESS not in text and CONTACT not in text and "9876" not in text
    assert '"district": "hk_kwun_tong"' in text  # one of 18 districts: kept for research

    # Round trip: cleared in the database, the file puts everything back.
    data = doc.as_json()
    Person.objects.filter(external_id="p1").update(address="", emergency_name="", emergency_phone="",
                                                   emergency_relationship="", district="", education="")
    document, problems = parse(data)
    assert problems == []
    import_document(document)
    p = Person.objects.get(external_id="p1")
    assert {f: getattr(p, f) for f in INTAKE} == INTAKE
    assert export_unit(w.unit).as_json() == data


def test_exchange_refuses_an_unknown_district_and_a_bad_contact_phone_by_path(w):
    person(w.unit, 1, name="黃小明")
    data = export_unit(w.unit).as_json()
    data["people"][0].update(district="tw_kaohsiung", emergency_contact={"name": CONTACT, "phone": "abc"})
    document, problems = parse(data)
    assert document is None
    assert any(p.startswith("people[0].district: not a district of this unit's region") for p in problems), problems
    assert "people[0].emergency_contact.phone: not a phone number" in problems
    data["people"][0].update(district="atlantis", emergency_contact={"phone": "91234567"})
    _document, problems = parse(data)
    assert any(p.startswith("people[0].district") for p in problems)
    assert any(p.startswith("people[0].emergency_contact.name") for p in problems)


def _sheet(rows) -> bytes:
    wb = load_workbook(io.BytesIO(template_xlsx("people")))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h.split(" ")[0], "") for h in header])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_people_spreadsheet_takes_the_intake_with_validation(w):
    good = {"編號": "P-1", "姓名": "陳大文", "性別": "男", "地區": "觀塘區", "地址": ADDRESS, "教育程度": "學士或以上",
            "就業狀況": "全職工作", "緊急聯絡人": CONTACT, "緊急聯絡人關係": "配偶／伴侶", "緊急聯絡人電話": CONTACT_PHONE}
    bad = {**good, "編號": "P-2", "地區": "高雄市", "緊急聯絡人電話": "abc"}
    unknown = {**good, "編號": "P-3", "就業狀況": "太空人"}
    with translation.override("zh-hant"):
        outcome = check(w.unit, "people", "people.xlsx", _sheet([good, bad, unknown]))
        found = {(p.row, p.column): p.message for p in outcome.problems}
    assert outcome.document is None and not Person.objects.exists()
    assert "不是本單位所在地區的分區" in found[(4, "地區 district")]
    assert "請輸入電話號碼" in found[(4, "緊急聯絡人電話 emergency contact phone")]
    assert "太空人" in found[(5, "就業狀況 employment")]
    outcome = check(w.unit, "people", "people.xlsx", _sheet([good]))
    assert outcome.problems == []
    commit(outcome)
    p = Person.objects.get(external_id="P-1")
    assert (p.district, p.address, p.education, p.employment, p.emergency_name, p.emergency_relationship,
            p.emergency_phone) == ("hk_kwun_tong", ADDRESS, "degree", "full_time", CONTACT, "spouse", CONTACT_PHONE)
