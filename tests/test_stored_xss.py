"""Stored XSS: a script payload in every free-text field is rendered escaped on every page that shows it."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from .access_world import build_world
from .conftest import verified_login
from .test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW = '<script>alert("x")'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)"
# Fields that are identifiers or settings, not text people type; or the audit chain, which no one edits.
NOT_FREE_TEXT = {"external_id", "code", "timezone", "language", "password", "username", "email", "digest",
                 "previous_digest", "ciphertext", "lookup", "hint", "key", "persistent_id", "session_key"}
APPS = {"organisations", "people", "cases", "activities", "standards", "outcomes", "projects", "prevention",
        "privacy"}


def free_text_fields(model):
    unique_together = {name for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
                       for name in c.fields}
    return [f.name for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.unique
            and f.name not in NOT_FREE_TEXT and f.name not in unique_together]


def fill_every_free_text_field():
    filled = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        fields = free_text_fields(model)
        if fields and model.objects.exists():
            model.objects.update(**{name: PAYLOAD[: model._meta.get_field(name).max_length or None]
                                    for name in fields})
            filled.append(model._meta.label)
    return filled


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_payloads_are_escaped_on_every_page(client, username):
    world = build_world()
    filled = fill_every_free_text_field()
    assert {"people.Person", "cases.CasePlan", "activities.Activity", "activities.Group"} <= set(filled)
    verified_login(client, world["users"][username])
    objects = world["objects"]
    shown_escaped, unsafe = [], []
    for name, (method, kwargs, query, _allowed, _marker) in sorted(MATRIX.items()):
        if method != "GET":
            continue
        url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()}) + query.format(**objects)
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html") or response.status_code != 200:
            continue
        body = response.content.decode()
        if RAW in body or "<img src=x" in body:
            unsafe.append(url)
        if ESCAPED in body:
            shown_escaped.append(url)
    assert unsafe == []
    # The payload really reached the pages (names, case plans, notes…), escaped.
    assert len(shown_escaped) >= 10, shown_escaped
