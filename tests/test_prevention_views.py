"""The city statistics page, its exports and the hotline / lecture entry screens: alice works in unit A,
bob supervises it, charlie works in unit B and must be refused; query counts do not grow with the data."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, ActivityKind, Attendance
from tongxing.audit.models import Event
from tongxing.cases.models import Case, CaseType, Episode, Referral, ReferralCategory
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person, Sex
from tongxing.prevention.models import (
    Consultation,
    HotlineCall,
    HotlineItem,
    Institution,
    Kpi,
    Lecture,
    PreReleaseSession,
)

from .conftest import verified_login

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
PASSWORD = "correct-horse-battery"
URL = "/prevention/A/?start=2017-01-01&end=2017-12-31"


@pytest.fixture
def units(db):
    organisation = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    a = Unit.objects.create(organisation=organisation, code="A", name="高雄中心", timezone="Asia/Taipei")
    b = Unit.objects.create(organisation=organisation, code="B", name="香港中心", timezone="Asia/Hong_Kong")
    return a, b


def _user(name, unit, level):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    Access.objects.create(user=user, level=level, unit=unit, organisation=unit.organisation)
    return user


@pytest.fixture
def alice(units):
    return _user("alice", units[0], Level.WORKER)


@pytest.fixture
def bob(units):
    return _user("bob", units[0], Level.SUPERVISOR)


@pytest.fixture
def charlie(units):
    return _user("charlie", units[1], Level.WORKER)


def _records(unit, n):
    """`n` of every record the page counts, in 2017."""
    people = Person.objects.bulk_create([Person(unit=unit, external_id=f"P{i}", sex=Sex.MALE if i % 3 else Sex.FEMALE,
                                                birth_date=dt.date(1980 + i % 40, 1, 1)) for i in range(n)])
    cases = Case.objects.bulk_create([Case(unit=unit, external_id=f"C{i}", type=CaseType.PSA, client=p)
                                      for i, p in enumerate(people)])
    Episode.objects.bulk_create([Episode(case=c, opened=dt.date(2016, 1, 1)) for c in cases])
    activities = []
    for i in range(n):
        start = dt.datetime(2017, 3, 1, 10, tzinfo=TAIPEI) + dt.timedelta(days=i % 300)
        activity = Activity(unit=unit, external_id=f"A{i}", kind=[ActivityKind.PHONE, ActivityKind.HOME_VISIT][i % 2],
                            start=start, end=start + dt.timedelta(minutes=20), case=cases[i])
        activity.derive(TAIPEI)
        activities.append(activity)
    activities = Activity.objects.bulk_create(activities)
    Attendance.objects.bulk_create([Attendance(activity=a, person=p) for a, p in zip(activities, people, strict=True)])
    Referral.objects.bulk_create([Referral(unit=unit, external_id=f"R{i}", person=p, direction="out",
                                           category=ReferralCategory.values[i % 7], date=dt.date(2017, 5, 1))
                                  for i, p in enumerate(people)])
    lectures = Lecture.objects.bulk_create([Lecture(unit=unit, date=dt.date(2017, 6, 1) + dt.timedelta(days=i % 100),
                                                    required=50, attended=40) for i in range(n)])
    Consultation.objects.bulk_create([Consultation(lecture=lecture, category="work") for lecture in lectures])
    calls = []
    for i in range(n):
        call = HotlineCall(unit=unit, received=dt.datetime(2017, 7, 1, 9, tzinfo=TAIPEI) + dt.timedelta(hours=i),
                           caller=["client", "family", "other"][i % 3])
        call.derive()
        calls.append(call)
    calls = HotlineCall.objects.bulk_create(calls)
    HotlineItem.objects.bulk_create([HotlineItem(call=c, category="psychological_support") for c in calls]
                                    + [HotlineItem(call=c, category="legal") for c in calls[::2]])
    institution, _ = Institution.objects.get_or_create(unit=unit, name="高雄監獄")
    PreReleaseSession.objects.bulk_create([PreReleaseSession(unit=unit, institution=institution, kind="group",
                                                             date=dt.date(2017, 8, 1), participants=30)
                                           for _ in range(n)])
    Kpi.objects.create(unit=unit, name="講習出席率", formula="lecture_attended / lecture_required", target=70,
                       starts=dt.date(2017, 1, 1), ends=dt.date(2017, 12, 31))


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, units):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_alice_and_bob_see_their_unit(client, alice, bob, units):
    _records(units[0], 3)
    for user in (alice, bob):
        verified_login(client, user)
        response = client.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert "民國 106 年" in page  # a Taipei unit shows ROC years by default
        assert 'id="registered-total">3<' in page
        assert "講習出席率" in page and "80.0%" in page


def test_charlie_is_refused_everything_in_unit_a(client, charlie, units):
    verified_login(client, charlie)
    for url in (URL, "/prevention/A/export.xlsx", "/prevention/A/export.pdf", "/prevention/A/hotline/",
                "/prevention/A/lectures/"):
        assert client.get(url).status_code == 404
    assert client.post("/prevention/A/hotline/", {"caller": "client"}).status_code == 404
    assert HotlineCall.objects.count() == 0
    # His own unit is in Hong Kong: Gregorian years by default.
    response = client.get("/prevention/B/?start=2017-01-01&end=2017-12-31")
    assert response.status_code == 200 and 'id="period-label">2017<' in response.content.decode()


def test_index_redirects_to_the_users_unit(client, alice):
    verified_login(client, alice)
    response = client.get("/prevention/")
    assert response.status_code == 302 and response["Location"] == "/prevention/A/"


def test_auditor_reads_figures_but_not_the_entry_screens(client, units):
    auditor = get_user_model().objects.create_user("audrey", password=PASSWORD)
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=units[0].organisation)
    verified_login(client, auditor)
    assert client.get(URL).status_code == 200
    assert client.get("/prevention/A/hotline/").status_code == 403
    assert client.get("/prevention/A/lectures/").status_code == 403
    assert client.post("/prevention/A/hotline/", {"caller": "client"}).status_code == 403
    assert client.post("/prevention/A/lectures/", {}).status_code == 403


# --- Settings: calendar and rounding, remembered in the session ------------------------------------------


def test_calendar_switch_is_remembered(client, alice):
    verified_login(client, alice)
    assert 'id="period-label">民國 106 年<' in client.get(URL).content.decode()
    assert 'id="period-label">2017<' in client.get(URL + "&calendar=gregorian").content.decode()
    assert 'id="period-label">2017<' in client.get(URL).content.decode()
    assert 'id="period-label">民國 106 年<' in client.get(URL + "&calendar=roc").content.decode()
    monthly = client.get("/prevention/A/?start=2018-01-01&end=2018-01-31").content.decode()
    assert "民國 107 年 1 月 1 日 至 民國 107 年 1 月 31 日" in monthly


def test_rounding_setting(client, alice, units):
    person = Person.objects.create(unit=units[0], external_id="P", sex=Sex.MALE)
    counts = {"medical_treatment": 55, "social_welfare": 21, "employment": 190, "rehabilitation_protection": 2,
              "ngo": 15, "halfway_house": 11}
    Referral.objects.bulk_create([Referral(unit=units[0], external_id=f"R{c}{i}", person=person, direction="out",
                                           category=c, date=dt.date(2017, 2, 1)) for c, n in counts.items()
                                  for i in range(n)])
    verified_login(client, alice)
    seed = client.get(URL).content.decode()
    assert 'data-key="halfway_house">3.8%' in seed
    plain = client.get(URL + "&rounding=plain").content.decode()
    assert 'data-key="halfway_house">3.7%' in plain and ">99.9%<" in plain


def test_bad_period_falls_back_with_a_message(client, alice):
    verified_login(client, alice)
    response = client.get("/prevention/A/?start=2017-12-31&end=2017-01-01")
    assert response.status_code == 200
    assert "結束日期不可早於開始日期" in response.content.decode()


# --- Entry screens ------------------------------------------------------------------------------------------


def test_alice_logs_a_hotline_call_with_several_items(client, alice, units):
    verified_login(client, alice)
    response = client.post("/prevention/A/hotline/", {
        "received": "2017-12-31T23:30", "caller": "family", "items": ["psychological_support", "lecture_enquiry"],
        "note": "母親來電"})
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    assert call.date == dt.date(2017, 12, 31)  # entered in the unit's local time (Taipei)
    assert call.received == dt.datetime(2017, 12, 31, 15, 30, tzinfo=dt.UTC)
    assert sorted(call.items.values_list("category", flat=True)) == ["lecture_enquiry", "psychological_support"]
    event = Event.objects.get(action="create", object_type="prevention.hotlinecall")
    assert (event.username, event.unit_code, event.object_id) == ("alice", "A", str(call.pk))
    page = client.get("/prevention/A/hotline/").content.decode()
    assert "心理支持" in page


def test_invalid_hotline_call_saves_nothing(client, alice):
    verified_login(client, alice)
    response = client.post("/prevention/A/hotline/", {"received": "", "caller": "nobody"})
    assert response.status_code == 400
    assert HotlineCall.objects.count() == 0 and Event.objects.count() == 0
    assert 'role="alert"' in response.content.decode()


def test_bob_records_a_lecture_with_consultations(client, bob):
    verified_login(client, bob)
    data = {"date": "2018-01-20", "title": "第三、四級毒品危害講習", "required": 118, "attended": 94,
            "consultations_work": 7, "consultations_family": 5}
    assert client.post("/prevention/A/lectures/", data).status_code == 302
    lecture = Lecture.objects.get()
    assert (lecture.required, lecture.attended, lecture.consultations.count()) == (118, 94, 12)
    assert Event.objects.filter(action="create", object_type="prevention.lecture", object_id=str(lecture.pk)).exists()
    page = client.get("/prevention/A/?start=2018-01-01&end=2018-01-31").content.decode()
    assert "79.7%" in page and "12.8%" in page


def test_lecture_attendance_cannot_exceed_required(client, bob):
    verified_login(client, bob)
    response = client.post("/prevention/A/lectures/", {"date": "2018-01-20", "required": 10, "attended": 11})
    assert response.status_code == 400
    assert "出席人數不可多於應出席人數" in response.content.decode()
    assert Lecture.objects.count() == 0


# --- Exports ------------------------------------------------------------------------------------------------


def test_exports_have_the_same_tables_with_bilingual_headers(client, bob, units):
    _records(units[0], 6)
    verified_login(client, bob)
    response = client.get("/prevention/A/export.xlsx?start=2017-01-01&end=2017-12-31")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "電訪 phone visit" in cells and "類別 Category" in cells and "百分比 %" in cells
    assert any("民國 106 年" in c for c in cells)
    assert any(c.startswith("表二 資源轉介情形 Table 2") or "表二 資源轉介情形 Table 2" in c for c in cells)
    pdf = client.get("/prevention/A/export.pdf?start=2017-01-01&end=2017-12-31")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Event.objects.filter(action="export", object_type="prevention.statistics").count() == 2
    assert client.get("/prevention/A/export.csv").status_code == 404


# --- Query counts do not grow with the data -------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 200])
def test_statistics_page_query_count(client, bob, units, rows, django_assert_max_num_queries):
    _records(units[0], rows)
    verified_login(client, bob)
    with django_assert_max_num_queries(30):
        response = client.get(URL)
    assert f'id="registered-total">{rows}<' in response.content.decode()


@pytest.mark.parametrize("rows", [10, 200])
def test_entry_lists_query_count(client, alice, units, rows, django_assert_max_num_queries):
    _records(units[0], rows)
    verified_login(client, alice)
    with django_assert_max_num_queries(14):
        assert client.get("/prevention/A/hotline/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/prevention/A/lectures/").status_code == 200


# --- Admin entry for the new record types -----------------------------------------------------------------


def test_admin_pages_for_every_prevention_model(client, units):
    verified_login(client, get_user_model().objects.create_superuser("root", password=PASSWORD))
    for model in ("institution", "prereleasesession", "lecture", "consultation", "hotlinecall", "kpi"):
        for page in ("", "add/"):
            assert client.get(f"/admin/prevention/{model}/{page}").status_code == 200, (model, page)
    response = client.post("/admin/prevention/kpi/add/", {
        "unit": units[0].pk, "name": "壞公式", "formula": "__import__('os')", "target": "11", "as_percent": "on",
        "comparison": "at_least", "starts": "2018-01-01", "ends": "2018-12-31"})
    assert response.status_code == 200 and Kpi.objects.count() == 0
    assert "公式只可使用數字" in response.content.decode()


def test_a_hotline_call_received_in_the_future_is_refused(client, alice):
    verified_login(client, alice)
    later = (dt.datetime.now(zoneinfo.ZoneInfo("Asia/Taipei")) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/prevention/A/hotline/", {"received": later, "caller": "client"})
    assert response.status_code == 400
    assert "來電時間不可遲於現在" in response.content.decode()
    assert HotlineCall.objects.count() == 0


def test_a_lecture_after_today_is_refused(client, bob):
    verified_login(client, bob)
    tomorrow = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Taipei")).date() + dt.timedelta(days=1)
    response = client.post("/prevention/A/lectures/", {"date": tomorrow.isoformat(), "required": 10, "attended": 9})
    assert response.status_code == 400
    assert "日期不可遲於今天" in response.content.decode()
    assert Lecture.objects.count() == 0
