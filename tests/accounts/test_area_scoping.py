"""An operator of desa A cannot list, open, count or export anything of desa B, through the
pages or the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.accounts.scoping import area_codes, in_scope
from sejahtera.accounts.services import issue_api_token
from tests.conftest import DESA_A, DESA_B, KEC_A, KEC_B, MOJOKERTO

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_a(make_user: Any) -> Any:
    return make_user(Role.OPERATOR_DESA, [DESA_A])


def test_area_codes_drop_nested_areas(make_user: Any) -> None:
    user = make_user(Role.PENDAMPING, [DESA_A, KEC_A, DESA_B])
    assert area_codes(user) == (KEC_A, DESA_B)
    assert in_scope(user, DESA_A)
    assert not in_scope(user, "35.16.0")  # a prefix that is not a whole code segment
    assert not in_scope(user, KEC_B)


def test_list_page_shows_only_own_desa(login: Any, operator_a: Any) -> None:
    client: Client = login(operator_a)
    body = client.get("/wilayah/").content.decode()
    assert DESA_A in body
    assert DESA_B not in body
    assert "1 baris" in body
    # Searching for desa B by code or name finds nothing.
    for query in (DESA_B, "Gumeng"):
        found = client.get(f"/wilayah/?q={query}").content.decode()
        assert "0 baris" in found
        assert f'href="/wilayah/{DESA_B}/"' not in found


def test_detail_of_other_desa_is_404(login: Any, operator_a: Any) -> None:
    client: Client = login(operator_a)
    assert client.get(f"/wilayah/{DESA_A}/").status_code == 200
    assert client.get(f"/wilayah/{DESA_B}/").status_code == 404
    assert client.get(f"/wilayah/{KEC_A}/").status_code == 404  # the parent is not theirs either


def test_export_contains_only_own_desa(login: Any, operator_a: Any) -> None:
    client: Client = login(operator_a)
    response = client.get("/wilayah/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == [DESA_A]
    # Asking the export for desa B explicitly gives an empty list, not desa B.
    response = client.get(f"/wilayah/?export=xlsx&parent={KEC_B}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == []


def test_dashboard_counts_only_own_area(login: Any, operator_a: Any) -> None:
    body = login(operator_a).get("/").content.decode()
    assert 'data-stat="area">1<' in body
    assert "Kecamatan" not in body.split("Modul")[0].split("Wilayah kerja")[1].split("</div>")[0]


def test_api_with_session(login: Any, operator_a: Any) -> None:
    client: Client = login(operator_a)
    listed = client.get("/api/wilayah/").json()
    assert [item["code"] for item in listed["items"]] == [DESA_A]
    assert client.get("/api/wilayah/count").json() == {"count": 1}
    assert client.get(f"/api/wilayah/count?parent={KEC_B}").json() == {"count": 0}
    assert client.get(f"/api/wilayah/{DESA_A}").status_code == 200
    assert client.get(f"/api/wilayah/{DESA_B}").status_code == 404


def test_api_with_token(client: Client, operator_a: Any) -> None:
    _token, plain = issue_api_token(actor=operator_a, user=operator_a, name="skrip desa")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert client.get("/api/wilayah/count", **headers).json() == {"count": 1}
    assert client.get(f"/api/wilayah/{DESA_B}", **headers).status_code == 404
    assert client.get("/api/akun/me", **headers).json()["areas"] == [DESA_A]


def test_api_refuses_without_credentials(client: Client) -> None:
    response = client.get("/api/wilayah/")
    assert response.status_code == 401
    assert "masuk" in response.json()["detail"]
    assert client.get("/api/wilayah/", HTTP_AUTHORIZATION="Bearer salah").status_code == 401


def test_tksk_sees_whole_kecamatan_only(login: Any, make_user: Any) -> None:
    tksk = make_user(Role.TKSK, [KEC_A])
    client: Client = login(tksk)
    count = client.get("/api/wilayah/count").json()["count"]
    assert count == 1 + 19  # the kecamatan and its 19 desa
    assert client.get(f"/wilayah/{DESA_A}/").status_code == 200
    assert client.get(f"/wilayah/{DESA_B}/").status_code == 404


def test_office_role_sees_whole_kabupaten_not_other_kabupaten(login: Any, make_user: Any) -> None:
    client: Client = login(make_user(Role.OPERATOR_DINAS, [MOJOKERTO]))
    assert client.get("/api/wilayah/count").json()["count"] == 1 + 18 + 304
    assert client.get("/wilayah/35.15/").status_code == 404  # Sidoarjo


def test_user_without_areas_sees_nothing(login: Any, make_user: Any) -> None:
    from tests.accounts.factories import UserFactory

    user = UserFactory(role=Role.OPERATOR_DESA, area_codes=None)
    client: Client = login(user)
    assert client.get("/api/wilayah/count").json() == {"count": 0}


def test_inactive_user_cannot_use_token(client: Client, operator_a: Any) -> None:
    _token, plain = issue_api_token(actor=operator_a, user=operator_a, name="x")
    operator_a.is_active = False
    operator_a.save()
    response = client.get("/api/wilayah/count", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 401
