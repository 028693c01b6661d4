from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from sejahtera.accounts.roles import Role
from sejahtera.common.errors import server_error
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db


def test_404_in_indonesian(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_403_in_indonesian(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = client.get("/akun/pengguna/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Akses ditolak" in body and "tidak berwenang" in body


def test_500_in_indonesian_without_database_or_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Terjadi kesalahan pada server" in body
    assert 'lang="id"' in body


def test_unhandled_error_gives_the_500_page(
    client: Client, make_user: Any, monkeypatch: Any
) -> None:
    from sejahtera.reports import views

    def boom(user: Any) -> Any:
        raise RuntimeError("rusak")

    monkeypatch.setattr(views, "counts_by_level", boom)
    client.raise_request_exception = False
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()
    assert "rusak" not in response.content.decode()
