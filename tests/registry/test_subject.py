"""A data-subject request: everything the system holds about one person, from every app,
with the access trail, for staff who may read the audit trail; the export needs a purpose,
is audited, and stays inside the user's area."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.services import letters
from sejahtera.services.models import LetterType
from sejahtera.services.reference import load
from tests.conftest import DESA_B, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db


def test_export_gathers_every_app_and_the_trail(client: Client, make_user: Any) -> None:
    load(stdout=io.StringIO())
    person = build(Profile(in_dtks=True))
    clerk = make_user(Role.OPERATOR_DINAS, [MOJOKERTO])
    letter = letters.issue_letter(
        actor=clerk,
        letter_type=LetterType.objects.get(code="surat-keterangan-dtks"),
        person=person,
    )
    head = make_user(Role.KEPALA_DINAS, [MOJOKERTO])
    client.force_login(head)
    client.get(f"/registri/penduduk/{person.pk}/")  # a view, in the trail
    page = client.get(f"/registri/penduduk/{person.pk}/").content.decode()
    assert "Permintaan subjek data" in page
    # Without a purpose: the purpose form (common/exports.py), no file and nothing logged.
    no_purpose = client.get(f"/registri/penduduk/{person.pk}/data-subjek/")
    assert no_purpose.status_code == 200 and "Content-Disposition" not in no_purpose
    assert "Untuk keperluan apa data ini diekspor?" in no_purpose.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    response = client.get(
        f"/registri/penduduk/{person.pk}/data-subjek/", {"keperluan": "Surat 045/2026"}
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person"]["nik"] == person.nik
    assert data["exported"]["by"] == head.username
    assert data["exported"]["purpose"] == "Surat 045/2026"
    assert [row["number"] for row in data["related"]["services.Letter"]] == [letter.number]
    assert "registry.Membership" in data["related"]
    assert any(e["by"] == head.username and e["action"] == "view" for e in data["access_trail"])
    assert "content_hash" not in data["related"]["services.Letter"][0]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(person.pk), extra__keperluan="Surat 045/2026"
    ).exists()


def test_export_needs_audit_rights_and_the_area(client: Client, make_user: Any) -> None:
    person = build(Profile())
    client.force_login(make_user(Role.OPERATOR_DINAS, [MOJOKERTO]))
    url = f"/registri/penduduk/{person.pk}/data-subjek/?keperluan=Surat%20045"
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.KEPALA_DINAS, [DESA_B]))
    assert client.get(url).status_code == 404
