"""Sign-in lockout: after five failed attempts for one user name from one address, even the
right password is refused for a while, with a message in Bahasa Indonesia; another address
is not locked; a success before the limit resets the count."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.conftest import MOJOKERTO

pytestmark = pytest.mark.django_db
PASSWORD = "Kata-Sandi-Uji-2026"


def _user() -> Any:
    user = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO], username="loket1")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client: Client, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/akun/masuk/", {"username": "loket1", "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_user_name_from_that_address() -> None:
    _user()
    client = Client()
    for _ in range(4):
        assert _login(client, "salah-salah").status_code == 200
    locked = _login(client, "salah-salah")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Terlalu banyak percobaan masuk" in body and "15 menit" in body
    # Even the right password is refused now, from this address.
    assert _login(client, PASSWORD).status_code == 429
    # Another address may still sign in.
    other = _login(Client(), PASSWORD, ip="10.0.0.2")
    assert other.status_code == 302


def test_a_success_resets_the_count() -> None:
    _user()
    client = Client()
    for _ in range(4):
        _login(client, "salah-salah")
    assert _login(client, PASSWORD).status_code == 302
    client.post("/akun/keluar/")
    for _ in range(4):
        assert _login(client, "salah-salah").status_code == 200
