"""Leak sweep (issue 13): every URL and API operation, its path filled with records from every scope, requested
as every kind of user; every page, JSON answer, Excel file and PDF is searched for the names, English names,
phone numbers, identity numbers, addresses and emergency contacts (name and phone) of people that user may not
see.

The world (built once for the module): unit A has alice's client and his family member, a colleague's (gina's)
client, and a person with no case file; unit B of the same organisation has charlie's client and a person with no
case file; another organisation's unit has a client of its own. Who may see whom is written below from the rules
(docs/README "Access is least privilege", issue 6 and issue 19), not asked of tongxing.accounts.scope:

- a worker: their own caseload (clients and family members) and their unit's people without a case file;
- a case-team member (nina, a nurse on alice's case): the case's people, as its worker does;
- a doctor holding a supervisor's medical-access grant for the unit (mona): the unit's people, not case files;
- a worker who broke the glass (ben) for a colleague's client: that client while the opening runs, and nobody
  behind an opening that has lapsed (his lapsed one for alice's client);
- a group's facilitator (frank): its members by name on the pages of that group, nobody else's client;
- a supervisor or project coordinator: every person of their unit; a supervisor of several units (sam: A and B,
  and the other organisation's unit given by mistake): every person of those units of their organisation;
- the organisation's auditor and administrator, another organisation's supervisor of theirs (dave: only his own
  unit's) and anyone not signed in: nobody of unit A (auditor, administrator: nobody at all).
No full identity number appears anywhere, to anyone (pages show its last two characters only).

Searches use a prefix every marked name shares ("標記") or a phone prefix, neither of which is a marker, and the
value searched for is taken out of the answer before it is scanned, so a search box echoing an identity number
is not a leak. A URL or API operation added without a line in ROUTES fails the sweep.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import subprocess
import time
from itertools import product
from urllib.parse import parse_qsl

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.forms import PROFILES
from tongxing.activities.models import (
    ActivityKind,
    Group,
    GroupKind,
    MedicalAssessment,
)
from tongxing.appointments.models import Appointment
from tongxing.attachments.services import attach
from tongxing.cases.models import Approval, Case, CasePlan, CaseType, Episode, Referral
from tongxing.jobs.models import Job
from tongxing.organisations.models import Agency, Organisation, Role, Staff, StaffRole, Unit
from tongxing.outcomes.models import Instrument
from tongxing.outcomes.services import record_administration
from tongxing.people.models import Channel, Person, Sex
from tongxing.prevention.models import Institution, Kpi, Lecture, LectureRegistrant, PreReleaseSession
from tongxing.prevention.statistics import Span, rules
from tongxing.privacy.identity import hkid_valid
from tongxing.privacy.models import Consent, IdentityKind
from tongxing.privacy.services import set_identity_number
from tongxing.projects.models import (
    Enrolment,
    OutcomeIndicator,
    OutputIndicator,
    OutputKind,
    Programme,
    Project,
)
from tongxing.standards.codes import STANDARD_CODES
from tongxing.teams.models import BreakGlass

from .access_world import build_world, url_names
from .activities_world import activity
from .conftest import verified_login

pytestmark = pytest.mark.django_db

FY = 2024
SEARCH = "標記"       # the start of every marked name: a search for it finds them all and echoes no name
PHONE_PREFIX = "6100"  # the start of every marked phone number
# key: (name, English name, phone, identity number): each a marker, none inside another.
PEOPLE = {
    "own": ("標記甲本", "Markova Ownby", "61000011", "K600011"),
    "fam": ("標記乙家", "Markova Famly", "61000022", "K600022"),
    "col": ("標記丙同", "Markova Colleg", "61000033", "K600033"),
    "open": ("標記丁散", "Markova Opena", "61000044", "K600044"),
    "ub": ("標記戊乙", "Markova Unitb", "61000055", "K600055"),
    "ubo": ("標記己外", "Markova Bopen", "61000066", "K600066"),
    "oz": ("標記庚他", "Markova Otherorg", "61000077", "K600077"),
}
# key: (address, emergency contact, emergency contact's phone): intake markers (issue 19), shown only on pages of
# the person to those who may see them.
INTAKE = {key: (f"{name[2:]}街{n}號地下", f"聯絡{name[2:]}", f"6200{n:02d}{n:02d}")
          for n, (key, (name, *_rest)) in enumerate(PEOPLE.items(), start=1)}
UNIT_A = {"own", "fam", "col", "open"}
# Who may see whom (see the module's docstring); ALSO: more people on the pages of one URL.
SEES = {
    "alice": {"own", "fam", "open"},
    "gina": {"col", "open"},
    "nina": {"own", "fam", "open"},
    "mona": UNIT_A,
    "ben": {"col", "open"},
    "frank": {"open"},
    "bob": UNIT_A,
    "sam": UNIT_A | {"ub", "ubo"},
    "cora": UNIT_A,
    "charlie": {"ub", "ubo"},
    "dave": {"oz"},
    "audrey": set(),
    "olga": set(),
    "anon": set(),
}
FACILITATED = {"activities:attendance", "activities:group"}
ALSO = {("frank", name): {"col"} for name in FACILITATED}
ROLES = tuple(SEES)
# The PDF reports (annual return, project, prevention statistics) print the figures of their Excel files, which
# every user downloads; a PDF takes a second or more to render, so a worker, a supervisor and the auditor fetch
# them (and anyone not signed in, who is refused).
PDF_ROLES = {"alice", "bob", "audrey", "anon"}


def _hkid(core: str) -> str:
    return next(f"{core}({c})" for c in "0123456789A" if hkid_valid(f"{core}{c}"))


def _casework(unit, worker, key, *, instrument, member_key=None, entered_by=None, start=None):
    """A client with a case (episode opened in FY 2024, a plan), an interview, a referral, a consent, a PHQ-9
    raising a risk alert, a medical assessment and an appointment: one record of each kind that names the client."""
    client = _person(unit, key)
    case = Case.objects.create(unit=unit, external_id=f"c-{key}", type=CaseType.PSA, client=client, worker=worker)
    if member_key:
        case.members.add(_person(unit, member_key))
    episode = Episode.objects.create(case=case, opened=dt.date(2024, 6, 3))
    CasePlan.objects.create(episode=episode, date=episode.opened, direction="戒毒", timetable="六個月",
                            actions="每週面談", goals="停用九十日")
    # The plan put to the unit's supervisor (issue 19): their queue and the request's page name the client.
    approval = Approval.objects.create(episode=episode, kind="plan", requested_by=worker.user,
                                       requested_at=timezone.now())
    visit = activity(unit, start, 60, ActivityKind.INTERVIEW, staff=[worker], people=[client], case=case)
    # Waiting for the client's consent, so that the page recording it (which names the client) is requested too.
    agency = Agency.objects.create(unit=unit, name=f"機構{key}")
    referral = Referral.objects.create(unit=unit, external_id=f"r-{key}", person=client, case=case,
                                       direction="out", category="ngo", date=dt.date(2024, 7, 3),
                                       destination=agency, agency=agency.name, awaiting_consent=True)
    consent = Consent.objects.create(person=client, recipient="醫院", information="病歷", purpose="轉介",
                                     given_on=dt.date(2024, 7, 1))
    form = record_administration(entered_by, instrument=instrument, person=client, date=dt.date(2024, 7, 2),
                                 time_point="pre", answers={n: 1 for n in range(1, 10)}, case=case)
    MedicalAssessment.objects.create(unit=unit, external_id=f"ma-{key}", person=client, date=dt.date(2024, 7, 4),
                                     by=worker, plan=True)
    appointment = Appointment.objects.create(unit=unit, person=client, case=case, staff=worker,
                                             kind=ActivityKind.HOME_VISIT, start=start + dt.timedelta(days=1),
                                             minutes=60, place="案主家中")
    return {"approval": approval.pk, "appointment": appointment.pk, "person": client.pk, "case": case.pk, "activity": visit.pk, "referral": referral.pk,
            "consent": consent.pk, "administration": form.pk, "risk_alert": form.risk_alert.pk,
            "idnumber": _hkid(PEOPLE[key][3])}


def _person(unit, key, person=None):
    name, name_en, phone, core = PEOPLE[key]
    person = person or Person(unit=unit, external_id=f"p-{key}", sex=Sex.MALE)
    person.name, person.name_en, person.phone = name, name_en, phone
    person.address, person.emergency_name, person.emergency_phone = INTAKE[key]
    person.district, person.emergency_relationship = "hk_kwun_tong", "parent"
    person.birth_date, person.identified_on = dt.date(2006, 1, 1), dt.date(2024, 6, 1)
    person.identification_channel = Channel.OUTREACH
    person.save()
    set_identity_number(person, IdentityKind.HKID, _hkid(core))
    return person


def _unit_setup(unit, tag, instrument, supervisor=None):
    """What a unit's set-up and report pages show: a project with its indicators, a KPI, an institution, a
    pre-release session, a group with a session, an import job."""
    project = Project.objects.create(unit=unit, code=f"BDF{tag}", title=f"同行計劃{tag}", start=dt.date(2024, 4, 1),
                                     end=dt.date(2025, 3, 31))
    institution = Institution.objects.create(unit=unit, name=f"監獄{tag}")
    agency = Agency.objects.create(unit=unit, name=f"名單機構{tag}")
    group = Group.objects.create(unit=unit, external_id=f"g-{tag}", kind=GroupKind.COUNSELLING, title=f"小組{tag}")
    tz = timezone.get_current_timezone()
    session = activity(unit, dt.datetime(2024, 6, 4, 14, 0, tzinfo=tz), 90, ActivityKind.GROUP_SESSION, group=group)
    return {
        "unit": unit.code, "project": project.pk, "project_code": project.code,
        "indicator": OutputIndicator.objects.create(project=project, number="1", kind=OutputKind.MANUAL,
                                                    description="專頁人次", target=100).pk,
        "programme": Programme.objects.create(project=project, name="講座").pk,
        "outcome": OutcomeIndicator.objects.create(project=project, number="O1", description="抑鬱改善",
                                                   instrument=instrument).pk,
        "kpi": Kpi.objects.create(unit=unit, name="講習出席率", formula="lecture_attended / lecture_required",
                                  target=70, starts=dt.date(2024, 1, 1), ends=dt.date(2024, 12, 31)).pk,
        "institution": institution.pk, "agency": agency.pk,
        "prerelease": PreReleaseSession.objects.create(unit=unit, institution=institution, kind="group",
                                                       date=dt.date(2024, 7, 1), participants=10).pk,
        "group": group.pk, "session": session.pk,
        "job": Job.objects.create(kind=Job.Kind.IMPORT, created_by=supervisor, filename=f"{tag}.json").pk
        if supervisor else None,
    }


def _login(name, level, organisation, unit=None, staff=None):
    user = get_user_model().objects.create_user(name)
    Access.objects.create(user=user, level=level, organisation=organisation, unit=unit)
    if staff is not None:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


def build_leak_world():
    """access_world's unit A and users, with every person marked, plus a record of every kind in each scope."""
    base = build_world()
    users, objects = base["users"], base["objects"]
    unit_a, unit_b, unit_z = (Unit.objects.get(code=c) for c in ("UA", "UB", "UZ"))
    org = unit_a.organisation
    instrument = Instrument.objects.get(pk=objects["instrument"])
    tz = timezone.get_current_timezone()
    at = dt.datetime(2024, 7, 8, 10, 0, tzinfo=tz)

    # alice's case from access_world: its client and family member get markers; its episode moves into FY 2024.
    own = _person(unit_a, "own", Person.objects.get(pk=objects["client"]))
    _person(unit_a, "fam", Person.objects.get(pk=objects["member"]))
    Episode.objects.filter(case_id=objects["case"]).update(opened=dt.date(2024, 6, 3))
    CasePlan.objects.filter(episode__case_id=objects["case"]).update(date=dt.date(2024, 6, 3))
    scopes = {"own": {k: objects[k] for k in ("case", "activity", "referral", "consent", "administration",
                                              "risk_alert", "appointment", "enrolment",
                                              "attachment", "lecture", "approval")}}
    scopes["own"].update(person=own.pk, idnumber=_hkid(PEOPLE["own"][3]), login=users["alice"].pk, unit=unit_a.code, project=objects["project"], project_code="BDF1",
                         indicator=objects["indicator"], programme=objects["programme"], outcome=objects["outcome"],
                         kpi=objects["kpi"], institution=objects["institution"], prerelease=objects["prerelease"],
                         agency=objects["agency"],
                         group=objects["group"], session=objects["session"], job=objects["job"])
    MedicalAssessment.objects.filter(person=own).update(by=Staff.objects.get(external_id="s-nurse"))

    # gina (access_world's colleague in unit A) has a client of her own.
    gina_staff = Staff.objects.get(user=users["gina"])
    scopes["col"] = {**scopes["own"], **_casework(unit_a, gina_staff, "col", instrument=instrument,
                                                  entered_by=users["gina"], start=at),
                     "login": users["gina"].pk}
    # A person with no case file, met on an outreach with the colleague's client (a non-case activity every worker
    # of the unit sees); the colleague's client also came to a group only frank, the peer worker, facilitates.
    open_person = _person(unit_a, "open")
    outreach = activity(unit_a, at + dt.timedelta(days=1), 60, ActivityKind.OUTREACH, staff=[gina_staff],
             people=[open_person, Person.objects.get(pk=scopes["col"]["person"])])
    frank_group = Group.objects.create(unit=unit_a, external_id="g-frank", kind=GroupKind.MUTUAL_HELP,
                                       title="互助小組")
    frank_session = activity(unit_a, at + dt.timedelta(days=2), 90, ActivityKind.GROUP_SESSION,
                             staff=[Staff.objects.get(user=users["frank"])],
                             people=[Person.objects.get(pk=scopes["col"]["person"])], group=frank_group)
    scopes["col"].update(group=frank_group.pk, session=frank_session.pk)
    scopes["open"] = {"person": open_person.pk, "idnumber": _hkid(PEOPLE["open"][3]), "unit": unit_a.code,
                      "activity": outreach.pk}

    # Unit B: charlie's client, and a person with no case file (access_world's stranger, marked).
    charlie_staff = Staff.objects.get(user=users["charlie"])
    scopes["ub"] = {**_casework(unit_b, charlie_staff, "ub", instrument=instrument, entered_by=users["charlie"],
                                start=at + dt.timedelta(days=3)),
                    **_unit_setup(unit_b, "2", instrument), "login": users["charlie"].pk}
    ubo = _person(unit_b, "ubo", Person.objects.get(unit=unit_b, external_id="p9"))
    scopes["ubo"] = {"person": ubo.pk, "idnumber": _hkid(PEOPLE["ubo"][3]), "unit": unit_b.code}

    # Another organisation: dave supervises its unit, where a worker without a login has a client.
    zed = Staff.objects.create(unit=unit_z, external_id="s-zed", name="鄭社工")
    StaffRole.objects.create(staff=zed, role=Role.SOCIAL_WORKER)
    scopes["oz"] = {**_casework(unit_z, zed, "oz", instrument=instrument, entered_by=users["dave"],
                                start=at + dt.timedelta(days=4)),
                    **_unit_setup(unit_z, "3", instrument, supervisor=users["dave"]), "login": users["dave"].pk}

    # More kinds of access: a coordinator and a worker who broke the glass in unit A, the organisation's
    # administrator.
    users["cora"] = _login("cora", Level.COORDINATOR, org, unit_a)
    ben_staff = Staff.objects.create(unit=unit_a, external_id="s-ben", name="馬同事")
    StaffRole.objects.create(staff=ben_staff, role=Role.SOCIAL_WORKER)
    users["ben"] = _login("ben", Level.WORKER, org, unit_a, staff=ben_staff)
    now = timezone.now()
    BreakGlass.objects.create(user=users["ben"], person_id=scopes["col"]["person"], unit=unit_a,
                              reason="案主來電表示有自殺念頭，負責社工放假", at=now, until=now + dt.timedelta(hours=8))
    BreakGlass.objects.create(user=users["ben"], person=own, unit=unit_a, reason="上週緊急聯絡案主，負責社工放假",
                              at=now - dt.timedelta(days=7), until=now - dt.timedelta(days=7, hours=-8))
    users["olga"] = _login("olga", Level.ORG_ADMIN, org)
    # A supervisor of several units (issue 15): unit A and unit B; the other organisation's unit, given by mistake,
    # stays out of reach.
    users["sam"] = _login("sam", Level.SUPERVISOR, org, unit_a)
    users["sam"].access.more_units.set([unit_b, unit_z])
    for key in ("col", "ub", "oz"):  # each client enrolled in their unit's funded project
        scopes[key]["enrolment"] = Enrolment.objects.create(project_id=scopes[key]["project"], date=dt.date(2024, 4, 1),
                                                            person_id=scopes[key]["person"]).pk
    for key, login in (("col", "gina"), ("ub", "charlie"), ("oz", "dave")):
        # A file on each client's case whose text names the client, and each client required at their unit's
        # lecture by name.
        case = Case.objects.get(pk=scopes[key]["case"])
        name = PEOPLE[key][0]
        scopes[key]["attachment"] = attach(case, name="report.pdf", data=f"%PDF-1.4\n% {name}\n%%EOF\n".encode(),
                                           user=users[login]).pk
        lecture = Lecture.objects.create(unit=case.unit, date=dt.date(2024, 7, 1), required=1, attended=0)
        LectureRegistrant.objects.create(lecture=lecture, person_id=scopes[key]["person"])
        scopes[key]["lecture"] = lecture.pk
    assert Organisation.objects.count() == 2
    # One figure of each family of the prevention statistics (each family lists the same kind of record).
    figures = {}
    for key in rules(unit_a, Span.year(FY)):
        figures.setdefault(key.split(":")[0], key)
    return {"users": users, "scopes": scopes, "fixed": {"instrument": objects["instrument"],
                                                        "figures": sorted(figures.values())}}


# --- what is requested ------------------------------------------------------------------------------------------
# url name -> (path parameters, query strings), or a list of such. A parameter names a kind of record, filled from
# every scope that has one; a tuple lists fixed values. Query strings may name records as {kind}, filled from the
# same scope.
LISTS = ("", "?export=xlsx")
SEARCHES = (f"?q={SEARCH}", f"?q={PHONE_PREFIX}", "?q={idnumber}")
STARTS = ("", "?person={person}", "?case={case}", "?group={group}")
UNIT = {"code": "unit"}
PROJECT = {"pk": "project"}
ROUTES = {
    "healthz": ({}, ("",)),
    "login": ({}, ("",)),
    "logout": ({}, ("",)),
    "set_language": ({}, ("",)),
    "otp-verify": ({}, ("",)),
    "otp-setup": ({}, ("",)),
    "otp-recovery-codes": ({}, ("",)),
    "otp-reset": ({"pk": "login"}, ("",)),
    "home": ({}, ("", "?unit={unit}", "?unit={unit}&export=xlsx")),
    "api:openapi-json": ({}, ("",)),
    "api:openapi-view": ({}, ("",)),
    "api:api-root": ({}, ("",)),
    "api:units": ({}, ("",)),
    "api:annual_return": ({"code": "unit", "fy": (FY,)}, ("",)),
    "api:standard_records": ({"code": "unit", "fy": (FY,), "standard": tuple(STANDARD_CODES)}, ("",)),
    "api:taiwan_statistics": ({"code": "unit", "year": (FY,)}, ("",)),
    "api:project_report": ({"code": "project_code"}, ("", "?unit={unit}")),
    "api:people": ({}, SEARCHES),
    "privacy-person": ({"pk": "person"}, ("",)),
    "privacy-revoke": ({"pk": "person", "consent_pk": "consent"}, ("",)),
    "privacy-disclosures": ({"pk": "person"}, ("",)),
    "fsa-report": ({}, ("",)),
    "deidentified-export": ({"unit": "unit"}, ("",)),
    "fsa-page": ({"unit": "unit", "fy": (FY,)}, ("",)),
    "fsa-export": ({"unit": "unit", "fy": (FY,), "fmt": ("json", "xlsx", "pdf")}, ("",)),
    "fsa-drilldown": ({"unit": "unit", "fy": (FY,), "code": tuple(STANDARD_CODES)}, ("",)),
    "organisation-year": ({"fy": (FY,)}, ("",)),
    "outcomes-instruments": ({}, ("",)),
    "outcomes-instrument-new": ({}, ("",)),
    "outcomes-instrument": ({"pk": "instrument"}, ("",)),
    "outcomes-forms": ({}, ("", "?instrument={instrument}")),
    "outcomes-entry": ({}, ("", "?person={person}&case={case}&instrument={instrument}")),
    "outcomes-people": ({}, SEARCHES),
    "outcomes-grid": ({}, ("?instrument={instrument}",)),
    "outcomes-form": ({"pk": "administration"}, ("",)),
    "risk-alert-acknowledge": ({"pk": "risk_alert"}, ("",)),
    "projects": ({}, ("",)),
    "project": (PROJECT, ("",)),
    "project-manual": ({"pk": "project", "indicator": "indicator"}, ("",)),
    "project-participants": (PROJECT, ("",)),
    "project-enrolment": ({"pk": "project", "enrolment": "enrolment"}, ("",)),
    "project-export": ({"pk": "project", "fmt": ("xlsx", "pdf")}, ("",)),
    "project-drilldown": [({"pk": "project", "kind": ("outputs",), "indicator": "indicator"}, ("",)),
                          ({"pk": "project", "kind": ("outcomes",), "indicator": "outcome"}, ("",))],
    "prevention": ({}, ("",)),
    "prevention-statistics": ({"unit": "unit"}, ("",)),
    "prevention-export": ({"unit": "unit", "fmt": ("xlsx", "pdf")}, ("",)),
    "prevention-hotline": ({"unit": "unit"}, ("",)),
    "prevention-lectures": ({"unit": "unit"}, ("",)),
    "prevention-lecture": ({"unit": "unit", "pk": "lecture"}, ("",)),
    "prevention-records": ({"unit": "unit", "figure": "figures"}, ("",)),
    "setup": ({}, ("",)),
    "setup-levels-now": (UNIT, ("",)),
    "setup-levels": ({"code": "unit", "fy": (FY,)}, ("",)),
    "setup-projects": (UNIT, ("",)),
    "setup-project-new": (UNIT, ("",)),
    "setup-project": (PROJECT, ("",)),
    "setup-programme-new": (PROJECT, ("",)),
    "setup-programme": ({"pk": "project", "part": "programme"}, ("",)),
    "setup-output-new": (PROJECT, ("",)),
    "setup-output": ({"pk": "project", "part": "indicator"}, ("",)),
    "setup-outcome-new": (PROJECT, ("",)),
    "setup-outcome": ({"pk": "project", "part": "outcome"}, ("",)),
    "setup-kpis": (UNIT, ("",)),
    "setup-kpi-new": (UNIT, ("",)),
    "setup-kpi": ({"code": "unit", "pk": "kpi"}, ("",)),
    "setup-prerelease": (UNIT, ("",)),
    "setup-institution-new": (UNIT, ("",)),
    "setup-institution": ({"code": "unit", "pk": "institution"}, ("",)),
    "setup-agencies": (UNIT, ("",)),
    "setup-agency-new": (UNIT, ("",)),
    "setup-agency": ({"code": "unit", "pk": "agency"}, ("",)),
    "setup-session-new": (UNIT, ("",)),
    "setup-session": ({"code": "unit", "pk": "prerelease"}, ("",)),
    "setup-unit": (UNIT, ("",)),
    "setup-users": (UNIT, ("",)),
    "setup-user-new": (UNIT, ("",)),
    "setup-user": ({"code": "unit", "pk": "login"}, ("",)),
    "setup-import": (UNIT, ("",)),
    "setup-template": ({"kind": ("people",), "fmt": ("xlsx", "csv")}, ("",)),
    "activities:list": ({}, LISTS),
    "activities:new": ({}, STARTS),
    # Every form, and the start from a person, a case (the forms share it) and a group (a session's form).
    "activities:new-kind": [({"profile": tuple(PROFILES)}, ("",)),
                            ({"profile": ("contact", "nursing")}, STARTS[1:3]),
                            ({"profile": ("session",)}, STARTS[3:])],
    "activities:detail": ({"pk": "activity"}, ("",)),
    "activities:edit": ({"pk": "activity"}, ("",)),
    "activities:people-search": ({}, (*SEARCHES, f"?q={SEARCH}&field=present&unit={{unit}}")),
    "activities:people-pick": ({"pk": "person"}, ("", "?field=present")),
    "activities:groups": ({}, LISTS),
    "activities:group-new": ({}, ("",)),
    "activities:group": ({"pk": "group"}, ("",)),
    "activities:attendance": ({"pk": "session"}, LISTS),
    "activities:assessments": ({}, LISTS),
    "activities:assessment-new": ({}, ("", "?person={person}")),
    "activities:referrals": ({}, LISTS),
    "activities:referral-new": ({}, ("", "?person={person}", "?case={case}")),
    "activities:referral": ({"pk": "referral"}, ("",)),
    "activities:referral-consent": ({"pk": "referral"}, ("",)),
    "person-list": ({}, (*LISTS, *SEARCHES)),
    "person-new": ({}, ("", f"?name={SEARCH}")),
    "person-detail": ({"pk": "person"}, ("",)),
    "person-edit": ({"pk": "person"}, ("",)),
    "person-drug-use": ({"pk": "person"}, ("",)),
    "person-child": ({"pk": "person"}, ("",)),
    "person-merge": ({"pk": "person"}, ("", f"?q={SEARCH}")),
    "case-list": ({}, ("", "?status=all", f"?q={SEARCH}&status=all", "?export=xlsx&status=all")),
    "case-new": ({}, ("?person={person}",)),
    "case-detail": ({"pk": "case"}, ("",)),
    "case-plan": ({"pk": "case"}, ("",)),
    "case-close": ({"pk": "case"}, ("",)),
    "case-reopen": ({"pk": "case"}, ("",)),
    "case-next": ({"pk": "case"}, ("",)),
    "case-involvement": ({"pk": "case"}, ("",)),
    "case-collaboration": ({"pk": "case"}, ("",)),
    "case-member": ({"pk": "case"}, ("",)),
    "case-member-search": ({"pk": "case"}, (f"?q={SEARCH}", f"?q={PHONE_PREFIX}")),
    "case-merge": ({"pk": "case"}, ("",)),
    "case-team": ({"pk": "case"}, ("",)),
    "approvals": ({}, ("",)),
    "approval": ({"pk": "approval"}, ("",)),
    "jobs:import": ({}, ("",)),
    "jobs:job": ({"pk": "job"}, ("",)),
    "jobs:progress": ({"pk": "job"}, ("",)),
    # The PDF job is started by a POST (the sweep's GET is refused) and its result is the figures, naming nobody.
    "jobs:annual-pdf": ({"unit": "unit", "fy": (FY,)}, ("",)),
    "jobs:result": ({"pk": "job"}, ("",)),
    "break-glass": ({"pk": "person"}, ("",)),
    "break-glass-log": ({}, ("",)),
    "medical-access": ({}, ("",)),
    "appointments:agenda": ({}, ("", "?staff=all&date=2024-07-03", "?staff=all&date=2024-07-03&view=day")),
    "appointments:new": ({}, ("", "?person={person}", "?case={case}")),
    "appointments:edit": ({"pk": "appointment"}, ("",)),
    "appointments:close": ({"pk": "appointment"}, ("",)),
    "appointments:log": ({"pk": "appointment"}, ("",)),
    # Attaching and removing are POSTs (the sweep's GET is refused); a download is the file itself.
    "person-attach": ({"pk": "person"}, ("",)),
    "case-attach": ({"pk": "case"}, ("",)),
    "referral-attach": ({"pk": "referral"}, ("",)),
    "attachment-remove": ({"pk": "attachment"}, ("",)),
    "attachment-download": ({"pk": "attachment"}, ("",)),
}
# The API's operations (method, path) as its OpenAPI schema lists them; each is a URL name in ROUTES above.
API_OPERATIONS = {
    ("get", "/api/units"), ("get", "/api/units/{code}/fsa/{fy}"), ("get", "/api/units/{code}/fsa/{fy}/{standard}"),
    ("get", "/api/units/{code}/taiwan/{year}"), ("get", "/api/projects/{code}"), ("get", "/api/people"),
}


def _fill(template: str, scope: dict) -> str | None:
    try:
        return template.format(**scope)
    except KeyError:
        return None  # the scope has no record of that kind


def requests_of(world) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every (url name, URL, values searched for) once: the path and query filled from each scope in turn."""
    seen, out = set(), []
    for name in sorted(ROUTES):
        routes = ROUTES[name] if isinstance(ROUTES[name], list) else [ROUTES[name]]
        for (spec, queries), scope in product(routes, world["scopes"].values()):
            scope = {**world["fixed"], **scope}
            choices = {}
            for kwarg, kind in spec.items():
                value = kind if isinstance(kind, tuple) else scope.get(kind)
                if value is None:
                    break
                choices[kwarg] = value if isinstance(value, (tuple, list)) else (value,)
            else:
                for values in product(*choices.values()):
                    path = reverse(name, kwargs=dict(zip(choices, values, strict=True)))
                    for query in queries:
                        filled = _fill(query, scope)
                        if filled is None or (path + filled) in seen:
                            continue
                        seen.add(path + filled)
                        searched = tuple(v for k, v in parse_qsl(filled.lstrip("?")) if k in ("q", "name"))
                        out.append((name, path + filled, searched))
    return out


def test_every_url_and_api_operation_is_swept(client, world):
    names = url_names()
    assert None not in names and names - set(ROUTES) == set(), "add these URLs to ROUTES"
    assert set(ROUTES) - names == set(), "these ROUTES name no URL"
    verified_login(client, world["users"]["bob"])
    schema = client.get(reverse("api:openapi-json")).json()
    operations = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == API_OPERATIONS, "add the API's new operations to API_OPERATIONS and ROUTES"
    swept = {name for name, _url, _q in requests_of(world)}
    assert swept == set(ROUTES), f"no scope fills these: {set(ROUTES) - swept}"


# --- reading what came back -------------------------------------------------------------------------------------

def _text(response) -> str:
    """Everything a person could read in the answer: the page, the JSON, every cell of a workbook, a PDF's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or body[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    if "pdf" in kind or body[:5] == b"%PDF-":
        pdf = subprocess.run(["pdftotext", "-q", "-", "-"], input=body, capture_output=True, timeout=60)
        if pdf.returncode == 0:
            return pdf.stdout.decode()
        # An attached file need not be a well-formed PDF: read its bytes as they are.
    text = body.decode("utf-8", errors="replace")
    if "json" in kind:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def _markers(keys) -> dict[str, str]:
    """marker text -> whose (and what) it is."""
    out = {}
    for key in keys:
        name, name_en, phone, core = PEOPLE[key]
        out.update({name: f"{key} name", name_en: f"{key} English name", phone: f"{key} phone"})
        address, contact, contact_phone = INTAKE[key]
        out.update({address: f"{key} address", contact: f"{key} emergency contact",
                    contact_phone: f"{key} emergency contact's phone"})
    return out


ID_NUMBERS = {core: f"{key} identity number" for key, (_n, _e, _p, core) in PEOPLE.items()}
NAMES = {PEOPLE[key][0]: key for key in PEOPLE}
ADDRESSES = {address: key for key, (address, _c, _p) in INTAKE.items()}


# --- the world, built once ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once in a transaction rolled back at the end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_leak_world()
            built["requests"] = requests_of(built)
            built["figures"] = {"requests": 0, "markers checked": 0, "leaks": 0, "roles": 0, "seconds": 0.0}
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class _Summary:
    """Prints the sweep's figures at the end of the run (quoted in issue 13's closing note)."""

    def __init__(self, figures):
        self.figures = figures

    def pytest_terminal_summary(self, terminalreporter):
        f = self.figures
        terminalreporter.write_line(
            f"access leak sweep: {f['requests']} requests over {f['roles']} kinds of user "
            f"({len(PEOPLE)} marked people, {len(SCOPE_NAMES)} scopes), {f['markers checked']} marker checks, "
            f"{f['leaks']} leaks, {f['seconds']:.1f} s of requests")


SCOPE_NAMES = ("own", "colleague's", "no case file in the unit", "other unit", "other organisation")


@pytest.fixture(scope="module")
def summary(world, request):
    plugin = _Summary(world["figures"])
    request.config.pluginmanager.register(plugin, "access-leak-summary")
    return world["figures"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_names_a_person_the_user_may_not_see(client, world, summary, role):
    if role != "anon":
        verified_login(client, world["users"][role])
    allowed_everywhere = SEES[role]
    leaks, seen, seen_addresses, failures = [], set(), set(), []
    checks, started = 0, time.process_time()
    tried = 0
    for name, url, searched in world["requests"]:
        if url.partition("?")[0].endswith(".pdf") and role not in PDF_ROLES:
            continue
        tried += 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        text = _text(response)
        for value in searched:  # the search box shows what was typed, perhaps normalised
            for typed in (value, *(core for core in ID_NUMBERS if core in value)):
                text = text.replace(typed, "")
        allowed = allowed_everywhere | ALSO.get((role, name), set())
        forbidden = {**_markers(set(PEOPLE) - allowed), **ID_NUMBERS}
        checks += len(forbidden)
        leaks += [f"{url}: {what} ({marker})" for marker, what in forbidden.items() if marker in text]
        seen |= {key for marker, key in NAMES.items() if marker in text}
        seen_addresses |= {key for marker, key in ADDRESSES.items() if marker in text}
    summary["requests"] += tried
    summary["markers checked"] += checks
    summary["leaks"] += len(leaks)
    summary["roles"] += 1
    summary["seconds"] += time.process_time() - started
    assert not failures, "\n".join(failures)
    assert not leaks, f"{role} was shown {len(leaks)} things:\n" + "\n".join(leaks)
    # The sweep can see: each person the user may see is named somewhere they look.
    assert seen == allowed_everywhere | {k for (r, _n), keys in ALSO.items() if r == role for k in keys}, seen
    # ... and the address of each person they may see in full (not a facilitator's group members by name only); the
    # sweep opens each scope's own person, so the family member, named on the case, shows no address.
    assert seen_addresses == allowed_everywhere - {"fam"}, seen_addresses
