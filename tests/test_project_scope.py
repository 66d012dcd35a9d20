"""A project's scope (DOMAIN.md "Funded projects"): its own activities and enrolled participants, whether its
activities also count in the annual return, and every indicator's drill-down."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.test_fsa_rules import Doc, achieved
from tests.test_projects_views import add_forms, client_for, world  # noqa: F401 (fixture)
from tongxing.activities.models import Activity, Attendance
from tongxing.people.models import Person
from tongxing.projects.models import Enrolment, OutputIndicator, Project
from tongxing.standards.drilldown import drilldown
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope

pytestmark = pytest.mark.django_db


def test_a_projects_activities_leave_the_annual_return_when_its_funder_says_so():
    doc = Doc()
    talks = [doc.act("education", f"2024-05-0{d}", 90, format="talk") for d in (6, 7, 8)]
    rep = doc.report()
    assert achieved(rep, "OS10") == 3
    unit = doc.load()
    own = Project.objects.create(unit=unit, code="BDF 1", title="社區網隱行動", start=dt.date(2024, 4, 1),
                                 end=dt.date(2025, 3, 31), counts_in_annual_return=False)
    shared = Project.objects.create(unit=unit, code="BDF 2", title="家持", start=dt.date(2024, 4, 1),
                                    end=dt.date(2025, 3, 31))
    Activity.objects.filter(unit=unit, external_id=talks[0]).update(project=own)
    Activity.objects.filter(unit=unit, external_id=talks[1]).update(project=shared)
    from tongxing.standards.report import fsa_report

    assert fsa_report(unit, 2024)["standards"]["OS10"]["achieved"] == 2
    rows = {r["external_id"]: r for r in drilldown("OS10", Scope(unit, Period.financial_year(2024)), None)["rows"]}
    assert not rows[talks[0]]["counted"]
    assert any("BDF 1 社區網隱行動" in str(reason) for reason in rows[talks[0]]["reasons"])
    assert rows[talks[1]]["counted"] and rows[talks[2]]["counted"]
    assert rows[talks[0]]["link"] == reverse("activities:detail", args=[Activity.objects.get(
        unit=unit, external_id=talks[0]).pk])


def _talk(unit, day, project, people=(), external_id=None):
    start = dt.datetime.combine(day, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    activity = Activity.objects.create(unit=unit, external_id=external_id or f"t{Activity.objects.count()}",
                                       kind="education", format="talk", start=start,
                                       end=start + dt.timedelta(hours=2), project=project)
    Attendance.objects.bulk_create(Attendance(activity=activity, person=p) for p in people)
    return activity


def test_indicator_drilldown_counts_the_projects_own_and_names_the_rest(client, world):  # noqa: F811
    project, unit = world["project"], world["a"]
    enrolled, outsider, left = (Person.objects.create(unit=unit, external_id=x, name=x, sex="F")
                                for x in ("enrolled", "outsider", "left"))
    Enrolment.objects.create(project=project, person=enrolled, date=project.start)
    Enrolment.objects.create(project=project, person=left, date=project.start, ended=dt.date(2020, 12, 31))
    _talk(unit, dt.date(2021, 3, 1), project, [enrolled], "counted")
    other_work = _talk(unit, dt.date(2021, 3, 2), None, [enrolled], "other-work")
    _talk(unit, dt.date(2021, 3, 3), project, [outsider, left], "not-enrolled")
    anonymous = _talk(unit, dt.date(2021, 3, 4), project, [], "anonymous")
    Activity.objects.filter(pk=anonymous.pk).update(headcount=30)
    _talk(unit, dt.date(2022, 7, 1), project, [enrolled], "after")
    sessions = OutputIndicator.objects.get(project=project, number="1")
    talks = sessions.programme
    person_times = OutputIndicator.objects.create(project=project, number="2", description="人次",
                                                  kind="person_times", programme=talks, target=10)

    url = reverse("project-drilldown", args=[project.pk, "outputs", sessions.pk])
    page = client_for(client, world["bob"]).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<html" in body and 'id="drilldown"' in body  # a full styled page when opened directly
    rows = {r["external_id"]: r for r in page.context["data"]["rows"]}
    assert {k for k, r in rows.items() if r["counted"]} == {"counted", "anonymous"}
    assert [str(r) for r in rows["other-work"]["reasons"]] == [_("Not one of the project's activities")]
    assert [str(r) for r in rows["not-enrolled"]["reasons"]] == [_("None of its participants enrolled in the project")]
    assert [str(r) for r in rows["after"]["reasons"]] == [_("Outside the project period")]
    assert rows["other-work"]["link"] == reverse("activities:detail", args=[other_work.pk])
    assert rows["counted"]["cells"][1] != "education"  # the kind's name, not its code
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "other-work" in fragment

    times = client.get(reverse("project-drilldown", args=[project.pk, "outputs", person_times.pk]))
    assert [(r["counted"], r["activity__external_id"]) for r in times.context["data"]["rows"]] == [
        (True, "counted")]
    from tongxing.projects.indicators import DateRange
    from tongxing.projects.indicators import person_times as count_person_times

    assert count_person_times(person_times, DateRange.of(project)) == 1 + 30

    client.force_login(world["charlie"])
    assert client.get(url).status_code == 404


def test_outcome_drilldown_leaves_out_forms_of_people_not_enrolled_and_lone_pre_tests(client, world):  # noqa: F811
    project = world["project"]
    add_forms(world["a"], 3)
    outsider = Person.objects.create(unit=world["a"], external_id="X", sex="M")
    from tongxing.outcomes.models import Administration, Instrument

    phq9 = Instrument.objects.get(code="phq9")
    Administration.objects.bulk_create([
        Administration(unit=world["a"], instrument=phq9, person=outsider, date=dt.date(2021, 1, 1), time_point=tp,
                       total=t) for tp, t in (("pre", 15), ("post", 3))])
    lone = Person.objects.create(unit=world["a"], external_id="L", sex="M")
    Enrolment.objects.create(project=project, person=lone, date=project.start)
    Administration.objects.create(unit=world["a"], instrument=phq9, person=lone, date=dt.date(2021, 1, 1),
                                  time_point="pre", total=20)
    indicator = project.outcomes.get(number="1")
    page = client_for(client, world["bob"]).get(reverse("project-drilldown", args=[project.pk, "outcomes",
                                                                                    indicator.pk]))
    rows = page.context["data"]["rows"]
    assert sum(r["counted"] for r in rows) == 6
    reasons = {r["person__external_id"]: [str(x) for x in r["reasons"]] for r in rows if not r["counted"]}
    assert reasons == {"X": [_("Not enrolled in the project on that day")], "L": [_("No matching pre or post test")]}
    dashboard = client.get(reverse("project", args=[project.pk])).content.decode()
    assert reverse("project-drilldown", args=[project.pk, "outcomes", indicator.pk]) in dashboard


def test_smaller_defects_p_values_header_and_labels(world):  # noqa: F811
    from tongxing.outcomes.analysis import format_p
    from tongxing.projects.render import css_string, output_row

    assert (format_p(8.6e-20), format_p(0.00854), format_p(None)) == ("8.6e-20", "0.0085", "—")
    assert css_string('BDF "1"') == '"BDF \\22 1\\22 "'  # the code itself in the PDF's running header
    between = OutputIndicator(project=world["project"], number="4A", kind="persons_between", at_least=1, at_most=3,
                              target=80, description="中醫")
    assert "1" in between.kind_text() and "3" in between.kind_text() and "a" not in between.kind_text().split()
    from types import SimpleNamespace

    row = output_row(SimpleNamespace(indicator=between, achieved=79, share=None, percent_of_target=98.75))
    assert "a to b" not in row[-1] and "a至b" not in row[-1]
