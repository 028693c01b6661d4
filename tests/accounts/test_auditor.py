"""The auditor reads everything and can change nothing, through pages or the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user: Any) -> User:
    return make_user(Role.AUDITOR)  # type: ignore[no-any-return]


def test_auditor_reads(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    for path in [
        "/",
        "/wilayah/",
        "/akun/pengguna/",
        "/audit/",
        "/audit/?export=xlsx&keperluan=Audit+triwulan",
        "/api/audit/events",
    ]:
        assert client.get(path).status_code == 200, path


def test_auditor_cannot_write_pages(client: Client, auditor: User, make_user: Any) -> None:
    other = make_user(Role.OPERATOR_DESA, [DESA_A], full_name="Tetap")
    client.force_login(auditor)
    for path in [
        "/akun/pengguna/baru/",
        f"/akun/pengguna/{other.pk}/ubah/",
        f"/akun/pengguna/{other.pk}/kata-sandi/",
        "/wilayah/muat-ulang/",
        "/akun/token/",
    ]:
        response = client.post(path, {"full_name": "Diubah", "name": "x"})
        assert response.status_code == 403, path
        assert "hanya boleh membaca" in response.content.decode()
    other.refresh_from_db()
    assert other.full_name == "Tetap"
    assert not auditor.api_tokens.exists()


def test_auditor_cannot_write_api(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    response = client.post(
        "/api/pengguna/",
        {"username": "a", "full_name": "a", "role": "auditor", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="a").exists()


def test_auditor_token_cannot_write(client: Client, auditor: User) -> None:
    # A token issued earlier (e.g. by an administrator) still cannot write.
    _t, plain = issue_api_token(actor=None, user=auditor, name="baca")
    response = client.post(
        "/api/pengguna/",
        {"username": "b", "full_name": "b", "role": "auditor", "password": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 403
    assert client.get("/api/audit/events", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200


def test_auditor_may_sign_out_and_change_own_password(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    response = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": "Kata-Sandi-Uji-2025",
            "new_password1": "Sandi-Auditor-77",
            "new_password2": "Sandi-Auditor-77",
        },
    )
    assert response.status_code == 302
    assert client.post("/akun/keluar/").status_code == 302
