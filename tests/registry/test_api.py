from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.registry.models import Proposal
from tests.conftest import DESA_A, DESA_B
from tests.registry.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "a": PersonFactory(name="Warga A", nik="3516011208850001"),
        "b": PersonFactory(name="Warga B", nik="3516021208850001", desa_id=DESA_B),
    }


def test_person_api_is_scoped_and_masked(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    user = make_user(Role.OPERATOR_DESA, [DESA_A])
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/registri/penduduk", **auth).json()
    assert [p["name"] for p in listed["items"]] == ["Warga A"]
    assert listed["items"][0]["nik_masked"] == "3516••••••••0001"
    assert "nik" not in listed["items"][0]
    assert client.get(f"/api/registri/penduduk?q={people['b'].nik}", **auth).json()["count"] == 0
    assert client.get(f"/api/registri/penduduk/{people['b'].pk}", **auth).status_code == 404
    detail = client.get(f"/api/registri/penduduk/{people['a'].pk}", **auth).json()
    assert detail["nik"] == "3516011208850001"
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_id=str(people["a"].pk), extra__via="api"
    ).exists()


def test_proposal_api_uses_the_same_checks(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    household = HouseholdFactory()
    ok = client.post(
        "/api/registri/usulan",
        {
            "kind": "anggota_baru",
            "desa": DESA_A,
            "household_id": household.pk,
            "reason": "lahir",
            "payload": {
                "member": {
                    "nik": "3516015208250001",
                    "name": "Bayi",
                    "sex": "P",
                    "birth_date": "2025-08-12",
                    "relation": "anak",
                }
            },
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["proposal"]["status"] == "diajukan"
    bad = client.post(
        "/api/registri/usulan",
        {
            "kind": "anggota_baru",
            "desa": DESA_A,
            "household_id": household.pk,
            "payload": {
                "member": {"nik": "3516013202850001", "name": "X", "sex": "L", "relation": "anak"}
            },
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "bukan tanggal yang sah" in str(bad.json()["detail"])
    elsewhere = client.post(
        "/api/registri/usulan",
        {"kind": "keluarga_baru", "desa": DESA_B, "payload": {}},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    assert Proposal.objects.count() == 1


def test_auditor_cannot_propose_via_api(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.AUDITOR))
    response = client.post(
        "/api/registri/usulan",
        {"kind": "keluarga_baru", "desa": DESA_A, "payload": {}},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_household_and_proposal_api_are_scoped(client: Client, make_user: Any) -> None:
    from sejahtera.registry.models import ProposalKind

    mine = HouseholdFactory(kk_number="3516010503150011")
    HouseholdFactory(kk_number="3516020503150012", desa_id=DESA_B)
    other_op = make_user(Role.OPERATOR_DESA, [DESA_B])
    theirs = Proposal.objects.create(
        kind=ProposalKind.NEW_HOUSEHOLD,
        desa_id=DESA_B,
        payload={"members": []},
        proposed_by=other_op,
    )
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    households = client.get("/api/registri/keluarga").json()
    assert [h["id"] for h in households["items"]] == [mine.pk]
    assert households["items"][0]["kk_masked"] == "3516••••••••0011"
    assert client.get("/api/registri/keluarga?q=3516020503150012").json()["count"] == 0
    assert client.get("/api/registri/usulan").json()["count"] == 0
    assert client.get(f"/api/registri/usulan/{theirs.pk}").status_code == 404
