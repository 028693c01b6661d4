"""The public check: no login, coarse answers only, every query logged, rate-limited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sejahtera.programs import public
from sejahtera.programs.models import PublicCheck
from sejahtera.registry.models import Participation
from tests.conftest import DESA_A, DESA_B
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db


def test_answers_without_personal_details(client: Client) -> None:
    person = build(Profile(age=45, receives={"PKH"}))
    household = person.memberships.get().household
    Participation.objects.filter(household=household).update(period_start=dt.date(2025, 1, 1))
    page = client.get("/cek-bansos/", {"desa": DESA_A, "name": person.name.lower()})
    body = page.content.decode()
    assert page.status_code == 200 and person.name in body
    assert "Program Keluarga Harapan" in body and "Terdaftar di DTKS/DTSEN" in body
    # Nothing that identifies or locates the person, nor the rest of the family.
    assert person.nik not in body and person.nik[-4:] + "<" not in body
    assert household.street not in body and household.kk_number not in body
    log = PublicCheck.objects.get()
    assert (log.desa_code, log.matches, log.with_nik) == (DESA_A, 1, False)
    assert person.name not in str(log.__dict__)  # the name is not logged


def test_wrong_desa_or_nik_finds_nothing(client: Client) -> None:
    person = build(Profile())
    assert (
        "tidak ditemukan"
        in client.get("/cek-bansos/", {"desa": DESA_B, "name": person.name}).content.decode()
    )
    other_nik = "3516010101900009"
    assert (
        "tidak ditemukan"
        in client.get(
            "/cek-bansos/", {"desa": DESA_A, "name": person.name, "nik": other_nik}
        ).content.decode()
    )
    bad = client.get("/cek-bansos/", {"desa": DESA_A, "name": "ab", "nik": "123"}).content.decode()
    assert ("16 angka" in bad and "paling sedikit 3" in bad) or "at least 3" in bad


def test_rate_limit_per_client(client: Client) -> None:
    person = build(Profile())
    for _ in range(public.LIMIT):
        assert client.get("/cek-bansos/", {"desa": DESA_A, "name": person.name}).status_code == 200
    limited = client.get("/cek-bansos/", {"desa": DESA_A, "name": person.name})
    assert limited.status_code == 429 and "Terlalu banyak" in limited.content.decode()
    assert "DTKS/DTSEN</span>" not in limited.content.decode()  # no result shown
    assert PublicCheck.objects.filter(refused=True).count() == 1
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/cek-bansos/", {"desa": DESA_A, "name": person.name}).status_code == 200
    # The window passes: the client may search again.
    PublicCheck.objects.update(at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get("/cek-bansos/", {"desa": DESA_A, "name": person.name}).status_code == 200
