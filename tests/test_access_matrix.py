"""Every URL and API operation, requested as each kind of user, against one written access matrix.

alice: worker in unit A (owns the case); bob: supervisor of unit A; charlie: worker in unit B of the same
organisation; dave: supervisor in another organisation; audrey: the organisation's auditor (figures and
de-identified exports only); anon: not signed in. A URL added to the URL conf without an entry here fails.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongxing.activities.models import MedicalAssessment
from tongxing.people.models import Person, Sex

from .access_world import build_world, url_names
from .conftest import verified_login

pytestmark = pytest.mark.django_db

USERS = ("alice", "bob", "charlie", "dave", "audrey", "anon")
Y, N = True, False


def who(alice, bob, charlie, dave, audrey, anon=N):
    return dict(zip(USERS, (alice, bob, charlie, dave, audrey, anon), strict=True))


EVERYONE = who(Y, Y, Y, Y, Y, Y)
SIGNED_IN = who(Y, Y, Y, Y, Y)
CASEWORK = who(Y, Y, N, N, N)            # records naming alice's client
UNIT_A_FIGURES = who(Y, Y, N, N, Y)      # unit A's aggregates: its staff and the organisation's auditor
UNIT_A_WORK = who(Y, Y, N, N, N)         # unit A's records that name people
SUPERVISION = who(N, Y, N, N, N)         # unit A's supervisor only
WRITERS = who(Y, Y, Y, Y, N)             # forms for new records: anyone who may write, in their own unit
SETTING_UP = who(N, Y, N, Y, N)          # set-up pages: supervisors (each of their own units)
# A list open to every signed-in user shows alice's client only to those who may see the case.
SEES_CLIENT = CASEWORK

# url name → (method, kwargs from the world's objects, query string, who is let in, text shown only to them)
MATRIX = {
    "home": ("GET", {}, "", SIGNED_IN, None),
    "login": ("GET", {}, "", EVERYONE, None),
    "healthz": ("GET", {}, "", EVERYONE, None),
    "logout": ("POST", {}, "", SIGNED_IN, None),
    "otp-verify": ("GET", {}, "", SIGNED_IN, None),
    "otp-setup": ("GET", {}, "", SIGNED_IN, None),
    "otp-recovery-codes": ("GET", {}, "", SIGNED_IN, None),
    "otp-reset": ("GET", {"pk": "alice_login"}, "", SUPERVISION, None),
    "set_language": ("POST", {}, "", EVERYONE, None),
    "api:openapi-json": ("GET", {}, "", SIGNED_IN, None),
    "api:openapi-view": ("GET", {}, "", SIGNED_IN, None),
    "api:api-root": ("GET", {}, "", who(N, N, N, N, N, N), None),
    "api:units": ("GET", {}, "", UNIT_A_FIGURES, "\"UA\""),
    "api:annual_return": ("GET", {"code": "unit", "fy": "fy"}, "", UNIT_A_FIGURES, None),
    "api:standard_records": ("GET", {"code": "unit", "fy": "fy", "standard": "os1"}, "", UNIT_A_FIGURES, None),
    "api:people": ("GET", {}, "?q=周小明", SEES_CLIENT, '"p1"'),
    "api:taiwan_statistics": ("GET", {"code": "unit", "year": 2024}, "", UNIT_A_FIGURES, '"taiwan"'),
    "api:project_report": ("GET", {"code": "BDF1"}, "", UNIT_A_FIGURES, '"BDF1"'),
    "privacy-person": ("GET", {"pk": "client"}, "", CASEWORK, "周小明"),
    "privacy-revoke": ("POST", {"pk": "client", "consent_pk": "consent"}, "", CASEWORK, None),
    "privacy-disclosures": ("GET", {"pk": "client"}, "", CASEWORK, "周小明"),
    "fsa-report": ("GET", {}, "", who(Y, Y, Y, Y, Y), None),
    "deidentified-export": ("GET", {"unit": "unit"}, "", who(N, Y, N, N, Y), None),
    "fsa-page": ("GET", {"unit": "unit", "fy": "fy"}, "", UNIT_A_FIGURES, None),
    "fsa-export": ("GET", {"unit": "unit", "fy": "fy", "fmt": "json"}, "", UNIT_A_FIGURES, None),
    "fsa-drilldown": ("GET", {"unit": "unit", "fy": "fy", "code": "os1"}, "", UNIT_A_FIGURES, None),
    # Every unit's year: supervisors (dave: his own organisation's unit only) and the auditor, not workers.
    "organisation-year": ("GET", {"fy": "fy"}, "", who(N, Y, N, N, Y), "/reports/fsa/UA/"),
    "outcomes-instruments": ("GET", {}, "", SIGNED_IN, None),
    "outcomes-instrument-new": ("GET", {}, "", who(N, Y, N, Y, N), None),
    "outcomes-instrument": ("GET", {"pk": "instrument"}, "", SIGNED_IN, None),
    "outcomes-forms": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "outcomes-entry": ("GET", {}, "", WRITERS, None),
    "outcomes-people": ("GET", {}, "?q=周小明", SEES_CLIENT, "周小明"),
    "outcomes-grid": ("GET", {}, "?instrument={instrument}", WRITERS, None),
    "outcomes-form": ("GET", {"pk": "administration"}, "", CASEWORK, "周小明"),
    "projects": ("GET", {}, "", UNIT_A_FIGURES, "同行計劃"),
    "project": ("GET", {"pk": "project"}, "", UNIT_A_FIGURES, "同行計劃"),
    "project-manual": ("GET", {"pk": "project", "indicator": "indicator"}, "", SUPERVISION, None),
    "project-participants": ("GET", {"pk": "project"}, "", UNIT_A_WORK, "周小明"),
    "project-enrolment": ("GET", {"pk": "project", "enrolment": "enrolment"}, "", UNIT_A_WORK, "周小明"),
    "project-export": ("GET", {"pk": "project", "fmt": "xlsx"}, "", UNIT_A_FIGURES, None),
    "project-drilldown": ("GET", {"pk": "project", "kind": "outputs", "indicator": "indicator"}, "", UNIT_A_FIGURES,
                          None),
    "prevention": ("GET", {}, "", who(Y, Y, Y, Y, Y), None),
    "prevention-statistics": ("GET", {"unit": "unit"}, "", UNIT_A_FIGURES, None),
    "prevention-export": ("GET", {"unit": "unit", "fmt": "xlsx"}, "", UNIT_A_FIGURES, None),
    "prevention-hotline": ("GET", {"unit": "unit"}, "", UNIT_A_WORK, None),
    "prevention-lectures": ("GET", {"unit": "unit"}, "", UNIT_A_WORK, None),
    "prevention-lecture": ("GET", {"unit": "unit", "pk": "lecture"}, "", UNIT_A_WORK, "周小明"),
    "prevention-records": ("GET", {"unit": "unit", "figure": "referrals:employment"}, "", UNIT_A_FIGURES, None),
    "activities:list": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "activities:new": ("GET", {}, "", WRITERS, None),
    "activities:new-kind": ("GET", {"profile": "outreach"}, "", WRITERS, None),
    "activities:detail": ("GET", {"pk": "activity"}, "", UNIT_A_WORK, "周小明"),
    "activities:edit": ("GET", {"pk": "activity"}, "", UNIT_A_WORK, "周小明"),
    "activities:people-search": ("GET", {}, "?q=周小明", SEES_CLIENT, "周小明"),
    "activities:people-pick": ("GET", {"pk": "client"}, "", UNIT_A_WORK, "周小明"),
    "activities:groups": ("GET", {}, "", UNIT_A_WORK, "抗逆小組"),
    "activities:group-new": ("GET", {}, "", WRITERS, None),
    "activities:group": ("GET", {"pk": "group"}, "", UNIT_A_WORK, "抗逆小組"),
    "activities:attendance": ("GET", {"pk": "session"}, "", UNIT_A_WORK, "組員000"),
    "activities:assessments": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "activities:assessment-new": ("GET", {}, "", WRITERS, None),
    "activities:referrals": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "activities:referral-new": ("GET", {}, "", WRITERS, None),
    "activities:referral": ("GET", {"pk": "referral"}, "", CASEWORK, "周小明"),
    "activities:referral-consent": ("GET", {"pk": "referral"}, "", CASEWORK, "明愛轉介中心"),
    "person-list": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "person-new": ("GET", {}, "", WRITERS, None),
    "person-detail": ("GET", {"pk": "client"}, "", CASEWORK, "周小明"),
    "person-edit": ("GET", {"pk": "client"}, "", CASEWORK, "周小明"),
    "person-drug-use": ("POST", {"pk": "client"}, "", CASEWORK, None),
    "person-child": ("POST", {"pk": "client"}, "", CASEWORK, None),
    "person-merge": ("GET", {"pk": "client"}, "", CASEWORK, "周小明"),
    "case-list": ("GET", {}, "", SEES_CLIENT, "周小明"),
    "case-new": ("GET", {}, "?person={client}", CASEWORK, None),
    "case-detail": ("GET", {"pk": "case"}, "", CASEWORK, "周小明"),
    "case-plan": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-close": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-reopen": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-next": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-involvement": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-collaboration": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "case-member": ("POST", {"pk": "case"}, "?person={member}", CASEWORK, None),
    "case-member-search": ("GET", {"pk": "case"}, "?q=周", CASEWORK, None),
    "case-merge": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "setup": ("GET", {}, "", SETTING_UP, None),
    "setup-levels-now": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-levels": ("GET", {"code": "unit", "fy": "fy"}, "", SUPERVISION, None),
    "setup-projects": ("GET", {"code": "unit"}, "", SUPERVISION, "同行計劃"),
    "setup-project-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-project": ("GET", {"pk": "project"}, "", SUPERVISION, "同行計劃"),
    "setup-programme-new": ("GET", {"pk": "project"}, "", SUPERVISION, None),
    "setup-programme": ("GET", {"pk": "project", "part": "programme"}, "", SUPERVISION, "講座"),
    "setup-output-new": ("GET", {"pk": "project"}, "", SUPERVISION, None),
    "setup-output": ("GET", {"pk": "project", "part": "indicator"}, "", SUPERVISION, "專頁人次"),
    "setup-outcome-new": ("GET", {"pk": "project"}, "", SUPERVISION, None),
    "setup-outcome": ("GET", {"pk": "project", "part": "outcome"}, "", SUPERVISION, "抑鬱改善"),
    "setup-kpis": ("GET", {"code": "unit"}, "", SUPERVISION, "講習出席率"),
    "setup-kpi-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-kpi": ("GET", {"code": "unit", "pk": "kpi"}, "", SUPERVISION, "講習出席率"),
    "setup-prerelease": ("GET", {"code": "unit"}, "", SUPERVISION, "高雄監獄"),
    "setup-institution-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-institution": ("GET", {"code": "unit", "pk": "institution"}, "", SUPERVISION, "高雄監獄"),
    "setup-agencies": ("GET", {"code": "unit"}, "", SUPERVISION, "明愛轉介中心"),
    "setup-agency-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-agency": ("GET", {"code": "unit", "pk": "agency"}, "", SUPERVISION, "明愛轉介中心"),
    "setup-session-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-session": ("GET", {"code": "unit", "pk": "prerelease"}, "", SUPERVISION, None),
    "setup-unit": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-users": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-user-new": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-user": ("GET", {"code": "unit", "pk": "alice_login"}, "", SUPERVISION, None),
    "setup-import": ("GET", {"code": "unit"}, "", SUPERVISION, None),
    "setup-template": ("GET", {"kind": "people", "fmt": "xlsx"}, "", SETTING_UP, None),
    "jobs:import": ("GET", {}, "", who(N, Y, N, Y, N), None),
    "jobs:job": ("GET", {"pk": "job"}, "", SUPERVISION, "unit-a.json"),  # bob's import: only bob follows it
    "jobs:progress": ("GET", {"pk": "job"}, "", SUPERVISION, None),
    "jobs:annual-pdf": ("POST", {"unit": "unit", "fy": "fy"}, "", UNIT_A_FIGURES, None),
    "jobs:result": ("GET", {"pk": "pdf_job"}, "", SUPERVISION, "%PDF"),  # bob started it: only bob downloads it
}


def test_every_url_has_an_entry():
    names = url_names()
    assert None not in names and "None" not in names, "every URL needs a name"
    assert names - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - names == set(), "these matrix entries name no URL"


@pytest.fixture
def world():
    return build_world()


def _request(client, method, url):
    """GET, or POST with the query string's fields as the form (the record to act on, nothing else)."""
    if method == "GET":
        return client.get(url)
    path, _, query = url.partition("?")
    return client.post(path, dict(pair.split("=", 1) for pair in query.split("&") if pair))


def _let_in(response, marker) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return False
    if response.status_code in (301, 302) and response["Location"].startswith(("/login/", "/account/")):
        return False
    assert response.status_code < 500, response.status_code
    if marker is not None and response.status_code == 200:
        return marker in response.content.decode()
    return True


@pytest.mark.parametrize("username", USERS)
def test_access_matrix(world, client, username, django_assert_max_num_queries):
    if username != "anon":
        verified_login(client, world["users"][username])
    objects = world["objects"]
    wrong = []
    for name, (method, kwargs, query, allowed, marker) in sorted(MATRIX.items()):
        if name in {"logout", "login"} and username != "anon":
            continue  # signing out would end the session the rest of the matrix needs
        url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()}) + query.format(**objects)
        response = _request(client, method, url)
        if _let_in(response, marker) != allowed[username]:
            wrong.append(f"{name} {method} {url}: {response.status_code} (expected "
                         f"{'allowed' if allowed[username] else 'refused'})")
    assert not wrong, "\n".join(wrong)


# Case teams, medical access and break-the-glass (issue 19): each further user of unit A is let in where the user
# named is, except on the URLs listed. nina: the nurse on alice's case team (records on the case; the lead worker
# or a supervisor sets the team and closes); mona: a doctor with the unit's medical access (the client for medical
# work, not the case file); gina: a colleague in unit A (only the unit's work; the client through break-the-glass);
# frank: a peer worker facilitating the group.
MATRIX.update({
    "case-team": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "break-glass": ("POST", {"pk": "client"}, "", who(N, N, N, N, N), None),
    "break-glass-log": ("GET", {}, "", who(N, Y, N, Y, N), None),   # each supervisor, their own unit's
    "medical-access": ("GET", {}, "", who(N, Y, N, Y, N), None),
    "risk-alert-acknowledge": ("POST", {"pk": "risk_alert"}, "", CASEWORK, None),
})
# Appointments (issue 19): alice's home visit to her client on her case, on 2024-07-03 (overdue, not yet logged).
APPOINTMENTS = {
    "appointments:agenda": ("GET", {}, "?staff=all&date=2024-07-03", SEES_CLIENT, "周小明"),
    "appointments:new": ("GET", {}, "", WRITERS, None),
    "appointments:edit": ("GET", {"pk": "appointment"}, "", CASEWORK, "周小明"),
    "appointments:close": ("POST", {"pk": "appointment"}, "", CASEWORK, None),
    "appointments:log": ("POST", {"pk": "appointment"}, "", CASEWORK, None),
}
MATRIX.update(APPOINTMENTS)
# Attachments (issue 19): a file follows the record it is on; the world's file is on alice's case, attached by alice.
# Removing (a POST without a reason removes nothing) is for the one who attached it or a supervisor.
MATRIX.update({
    "person-attach": ("POST", {"pk": "client"}, "", CASEWORK, None),
    "case-attach": ("POST", {"pk": "case"}, "", CASEWORK, None),
    "referral-attach": ("POST", {"pk": "referral"}, "", CASEWORK, None),
    "attachment-download": ("GET", {"pk": "attachment"}, "", CASEWORK, "%PDF"),
    "attachment-remove": ("POST", {"pk": "attachment"}, "", CASEWORK, None),
})
# Approval of plans and closures (issue 19): alice's closure waits for bob; each supervisor has a queue of their own
# units' requests, and only unit A's supervisor opens this one.
MATRIX.update({
    "approvals": ("GET", {}, "", who(N, Y, N, Y, N), None),
    "approval": ("GET", {"pk": "approval"}, "", SUPERVISION, "周小明"),
})
LEAD_ONLY = {"case-close", "case-reopen", "case-merge", "case-team"}
CASE_FILE = {name for name in MATRIX if name.startswith("case-") and name not in {"case-list", "case-new"}}
PERSON_RECORDS = {name for name, row in MATRIX.items()
                  if row[3] is CASEWORK or row[4] in ("周小明", '"p1"')} - CASE_FILE
LIKE = {
    # The nurse on the team downloads the case's file; she did not attach it, so she does not remove it.
    "nina": ("alice", {**{name: N for name in LEAD_ONLY}, "attachment-remove": N}),
    # mona reaches the client for medical work (and adds files to them), not the appointments on the case file nor
    # the case's files.
    "mona": ("alice", {**{name: N for name in CASE_FILE | set(APPOINTMENTS) - {"appointments:new"}},
                       "activities:detail": N, "activities:edit": N,
                       "activities:list": N, "case-list": N, "attachment-download": N, "attachment-remove": N}),
    "gina": ("alice", {**{name: N for name in CASE_FILE | PERSON_RECORDS}, "break-glass": Y}),
    "frank": ("alice", {**{name: N for name in CASE_FILE | PERSON_RECORDS}, "break-glass": Y}),
}


@pytest.mark.parametrize("username", sorted(LIKE))
def test_access_matrix_case_team(world, client, username):
    verified_login(client, world["users"][username])
    like, overrides = LIKE[username]
    objects = world["objects"]
    wrong = []
    for name, (method, kwargs, query, allowed, marker) in sorted(MATRIX.items()):
        if name in {"logout", "login"}:
            continue
        expected = overrides.get(name, allowed[like])
        url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()}) + query.format(**objects)
        response = _request(client, method, url)
        if _let_in(response, marker) != expected:
            wrong.append(f"{name} {method} {url}: {response.status_code} (expected "
                         f"{'allowed' if expected else 'refused'})")
    assert not wrong, "\n".join(wrong)


# Clinical records (issue 19). A walk-in of unit A with no case, assessed by the nurse (nina's staff record): every
# worker of unit A may look the walk-in up, but the assessment is read only by its assessor, the holder of the unit's
# medical access and the supervisor (scope.assessments_for), on the assessments list, the person page and its
# timeline. The nursing form opened on alice's client: her case team, medical access and the supervisor.
CLINICAL = {
    #          walk-in's page, walk-in's assessment, nursing form on alice's client
    "alice": (Y, N, Y), "bob": (Y, Y, Y), "charlie": (N, N, N), "dave": (N, N, N), "audrey": (N, N, N),
    "nina": (Y, Y, Y), "mona": (Y, Y, Y), "gina": (Y, N, N), "frank": (Y, N, N),
}


@pytest.mark.parametrize("username", sorted(CLINICAL))
def test_access_matrix_clinical_records(world, client, username):
    client_pk = world["objects"]["client"]
    unit = Person.objects.get(pk=client_pk).unit
    walk_in = Person.objects.create(unit=unit, external_id="p-walk", name="陳路人", sex=Sex.MALE)
    MedicalAssessment.objects.create(unit=unit, external_id="ma-walk", person=walk_in, date="2024-07-05",
                                     by=world["users"]["nina"].staff,
                                     plan=True, health_condition="肝功能異常")
    verified_login(client, world["users"][username])
    opens, reads, nursing = CLINICAL[username]
    page = client.get(reverse("person-detail", args=[walk_in.pk]))
    text = page.content.decode() if page.status_code == 200 else ""
    listing = client.get(reverse("activities:assessments"))
    form = client.get(reverse("activities:new-kind", args=["nursing"]) + f"?person={client_pk}")
    got = (page.status_code == 200 and "陳路人" in text,
           "肝功能異常" in text or 'class="t-assessment"' in text
           or (listing.status_code == 200 and "陳路人" in listing.content.decode()),
           form.status_code == 200 and "周小明" in form.content.decode())
    assert got == (opens, reads, nursing)
