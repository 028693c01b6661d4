"""/api/makam-pahlawan/: the list (same filters as the page) and one cemetery, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import CemeteryFactory, CeremonyFactory, GraveFactory, WorkFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO

pytestmark = pytest.mark.django_db


def _auth(role: str, areas: list[str]) -> dict[str, str]:
    user = UserFactory(role=role, area_codes=areas)
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_list_and_detail_are_scoped(client: Client) -> None:
    year = timezone.localdate().year
    a = CemeteryFactory(name="Alpha", desa_id=DESA_A)
    b = CemeteryFactory(name="Beta", desa_id=DESA_B)
    GraveFactory(cemetery=a)
    WorkFactory(
        cemetery=a, started_on=dt.date(year, 1, 1), finished_on=dt.date(year, 1, 2), cost=700
    )
    WorkFactory(cemetery=a, started_on=dt.date(year - 1, 5, 1), finished_on=dt.date(year - 1, 5, 2))
    CeremonyFactory(cemetery=a, held_on=dt.date(year, 1, 1))
    village = _auth(Role.OPERATOR_DESA, [DESA_A])
    listed = client.get("/api/makam-pahlawan/taman-makam", **village).json()
    assert [c["name"] for c in listed["items"]] == ["Alpha"]
    item = listed["items"][0]
    assert item["graves"] == 1 and item["works_finished"] == 1 and item["works_cost"] == 700
    assert item["ceremonies"] == 1 and item["kept_up"] is True and item["desa_code"] == DESA_A
    assert client.get(f"/api/makam-pahlawan/taman-makam/{b.pk}", **village).status_code == 404
    detail = client.get(f"/api/makam-pahlawan/taman-makam/{a.pk}", **village).json()
    assert detail["year"] == year and [w["cost"] for w in detail["works"]] == [700]
    assert [c["occasion"] for c in detail["ceremonies_held"]] == ["hut_ri"]
    before = client.get(f"/api/makam-pahlawan/taman-makam/{a.pk}?tahun={year - 1}", **village)
    assert before.json()["kept_up"] is True and len(before.json()["works"]) == 1
    assert before.json()["ceremonies_held"] == []
    office = _auth(Role.OPERATOR_DINAS, [MOJOKERTO])
    everything = client.get("/api/makam-pahlawan/taman-makam", **office).json()
    assert {c["name"] for c in everything["items"]} == {"Alpha", "Beta"}
    not_kept = client.get("/api/makam-pahlawan/taman-makam?terkelola=0", **office).json()
    assert [c["name"] for c in not_kept["items"]] == ["Beta"]
    last_year = client.get(
        f"/api/makam-pahlawan/taman-makam?tahun={year - 1}&terkelola=1", **office
    ).json()
    assert [c["name"] for c in last_year["items"]] == ["Alpha"]
    assert client.get("/api/makam-pahlawan/taman-makam").status_code == 401
