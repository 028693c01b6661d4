"""The second factor: an administrator must set up an authenticator app before anything
else; afterwards every sign-in asks for its code; a wrong code is refused and logged; other
roles may turn it on and off for themselves; API tokens are not affected."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from tests.accounts.factories import UserFactory
from tests.conftest import MOJOKERTO

pytestmark = pytest.mark.django_db
PASSWORD = "Kata-Sandi-Uji-2026"


@pytest.fixture(autouse=True)
def required_for_admins(settings: Any) -> None:
    settings.OTP_REQUIRED_ROLES = ["administrator"]


def _user(role: str, username: str) -> Any:
    user = UserFactory(role=role, area_codes=[MOJOKERTO], username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client: Client, username: str) -> Any:
    return client.post("/akun/masuk/", {"username": username, "password": PASSWORD})


def test_administrator_sets_up_then_is_asked_every_time() -> None:
    _user(Role.ADMIN, "admin_uji")
    client = Client()
    assert _sign_in(client, "admin_uji").status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.url == "/akun/verifikasi/pasang/"
    assert client.get("/registri/penduduk/").url == "/akun/verifikasi/pasang/"
    page = client.get("/akun/verifikasi/pasang/").content.decode()
    assert "<svg" in page and "wajib" in page
    device = TOTPDevice.objects.get(user__username="admin_uji", confirmed=False)
    wrong = client.post("/akun/verifikasi/pasang/", {"token": "000000"})
    assert "Kode salah" in wrong.content.decode() or _code(device) == "000000"
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/akun/verifikasi/pasang/", {"token": _code(device)})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    # Next sign-in: the password is not enough.
    client.post("/akun/keluar/")
    client = Client()
    _sign_in(client, "admin_uji")
    asked = client.get("/registri/penduduk/")
    assert asked.status_code == 302 and asked.url.startswith("/akun/verifikasi/?next=")
    refused = client.post("/akun/verifikasi/", {"token": "12345a"})
    assert "6 angka" in refused.content.decode()
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # let the same time step be used again in this test
    device.save()
    ok = client.post("/akun/verifikasi/", {"token": _code(device), "next": "/registri/penduduk/"})
    assert ok.status_code == 302 and ok.url == "/registri/penduduk/"
    assert client.get("/registri/penduduk/").status_code == 200
    # The administrator cannot turn it off.
    client.post("/akun/verifikasi/pasang/", {"action": "off"})
    assert TOTPDevice.objects.filter(user__username="admin_uji", confirmed=True).exists()


def test_wrong_code_is_logged_and_next_is_not_an_open_redirect() -> None:
    user = _user(Role.ADMIN, "admin_dua")
    device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    client = Client()
    _sign_in(client, "admin_dua")
    code = _code(device)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    client.post("/akun/verifikasi/", {"token": wrong})
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_id=str(user.pk)).exists()
    device.refresh_from_db()
    device.throttle_reset()  # a failure makes the next attempt wait (django-otp throttling)
    ok = client.post("/akun/verifikasi/", {"token": code, "next": "https://contoh.example/"})
    assert ok.status_code == 302 and ok.url == "/"


def test_other_roles_may_turn_it_on_and_off_and_tokens_still_work() -> None:
    from sejahtera.accounts.services import issue_api_token

    user = _user(Role.OPERATOR_DINAS, "operator_uji")
    client = Client()
    _sign_in(client, "operator_uji")
    assert client.get("/").status_code == 200  # not required for this role
    client.get("/akun/verifikasi/pasang/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/akun/verifikasi/pasang/", {"token": _code(device)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    client.post("/akun/verifikasi/pasang/", {"action": "off"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    admin = _user(Role.ADMIN, "admin_api")
    _t, token = issue_api_token(actor=admin, user=admin, name="uji")
    api = Client().get("/api/akun/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
