from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action, AuditEvent
from tests.conftest import DESA_A, DESA_B, KEC_A

pytestmark = pytest.mark.django_db


def test_diff_lists_only_changed_fields() -> None:
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_export_is_audited_and_watermarked(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    client.force_login(user)
    response = client.get("/wilayah/?export=xlsx&level=3")
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = sheet.cell(row=1, column=1).value
    assert user.username in first and "Diekspor oleh" in first
    event = AuditEvent.objects.get(action=Action.EXPORT, actor=user)
    assert event.extra["rows"] == 18
    assert event.extra["filters"]["level"] == "3"


def test_events_carry_request_address(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    client.force_login(user)
    client.get("/wilayah/?export=xlsx", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="PeramabanUji/1.0")
    event = AuditEvent.objects.get(action=Action.EXPORT, actor=user)
    assert event.ip == "10.1.2.3"
    assert event.user_agent == "PeramabanUji/1.0"


def test_auditor_searches_events(client: Client, make_user: Any) -> None:
    actor = make_user(Role.OPERATOR_DINAS, username="pelaku1")
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        object_type="uji.benda",
        object_id="7",
        object_repr="Benda Uji",
        changes={"nama": ["A", "B"]},
    )
    audit.record(
        actor=actor, action=Action.VIEW, object_type="uji.benda", object_id="8", object_repr="Lain"
    )
    client.force_login(make_user(Role.AUDITOR))
    body = client.get("/audit/?actor=pelaku1&action=update").content.decode()
    assert "Benda Uji" in body and "Lain" not in body
    assert "A → B" in body
    api = client.get("/api/audit/events?object_type=uji.benda&object_id=8").json()
    assert [e["object_repr"] for e in api["items"]] == ["Lain"]
    bad_date = client.get("/audit/?since=bukan-tanggal")
    assert bad_date.status_code == 200
    assert "tanggal yang valid" in bad_date.content.decode()


def test_area_events_are_scoped(client: Client, make_user: Any) -> None:
    audit.record(actor=None, action=Action.UPDATE, object_repr="Di desa A", wilayah_code=DESA_A)
    audit.record(actor=None, action=Action.UPDATE, object_repr="Di desa B", wilayah_code=DESA_B)
    audit.record(actor=None, action=Action.UPDATE, object_repr="Tingkat dinas", wilayah_code="")
    # An administrator bound to kecamatan A sees A's events, not B's, not office-level ones.
    client.force_login(make_user(Role.ADMIN, [KEC_A]))
    body = client.get("/audit/").content.decode()
    assert "Di desa A" in body
    assert "Di desa B" not in body
    assert "Tingkat dinas" not in body
    client.force_login(make_user(Role.AUDITOR))
    body = client.get("/audit/").content.decode()
    assert all(text in body for text in ["Di desa A", "Di desa B", "Tingkat dinas"])


def test_system_and_anonymous_actors_are_named() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert audit.record(actor=None, action=Action.IMPORT).actor_username == "sistem"
    assert audit.record(actor=AnonymousUser(), action=Action.VIEW).actor_username == "anonim"
