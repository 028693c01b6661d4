"""The services app's Renstra indicators: assistive devices (requests of service 4 done in
the period) and family reunification (cases closed as reunified), scoped, and found on the
indicator page with the Renstra indicator they report on."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.common.indicators import all_results
from sejahtera.planning.loader import load_plan
from sejahtera.registry.models import PpksCategory
from sejahtera.services import cases, indicators
from sejahtera.services import requests as service_requests
from sejahtera.services.models import CaseOutcome, RequestStatus, Service
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def reference(db: None) -> None:
    load(stdout=io.StringIO())


def _device_request(actor: object, desa: str, closed: dt.date | None) -> None:
    request = service_requests.submit_request(
        actor=actor,
        service=Service.objects.get(number=4),
        channel="counter",
        applicant_name="Pemohon kursi roda",
        desa_code=desa,
        description="Memohon kursi roda untuk anak",
        today=dt.date(2026, 3, 2),
    )
    for step in (RequestStatus.CHECKED, RequestStatus.IN_PROCESS):
        service_requests.move_request(actor=actor, request=request, to=step)
    if closed is not None:
        service_requests.move_request(
            actor=actor, request=request, to=RequestStatus.DONE, today=closed
        )


def _case(actor: object, desa: str, outcome: str, closed: dt.date) -> None:
    case = cases.open_case(
        actor=actor,
        service=Service.objects.get(number=13),
        category=PpksCategory.objects.get(code="GELANDANGAN"),
        desa_code=desa,
        subject_name="Mr. X",
        intake="Ditemukan di terminal, mengaku dari luar kota.",
        opened_on=dt.date(2026, 2, 2),
    )
    cases.record_assessment(actor=actor, case=case, text="Keluarga diketahui di Jombang.")
    cases.record_plan(actor=actor, case=case, text="Antar pulang ke keluarga.")
    cases.close_case(actor=actor, case=case, outcome=outcome, closed_on=closed)


def test_values_periods_and_scope() -> None:
    office = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    _device_request(office, DESA_A, dt.date(2026, 3, 10))
    _device_request(office, DESA_B, dt.date(2026, 4, 10))
    _device_request(office, DESA_A, dt.date(2025, 12, 30))  # before the period
    _device_request(office, DESA_A, None)  # still in process
    _case(office, DESA_A, CaseOutcome.REUNIFIED, dt.date(2026, 3, 1))
    _case(office, DESA_B, CaseOutcome.REUNIFIED, dt.date(2026, 3, 1))
    _case(office, DESA_A, CaseOutcome.SERVED, dt.date(2026, 3, 1))
    results = {r.key: r for r in indicators.compute(start=START, end=END)}
    assert (results["alat_bantu"].numerator, results["reunifikasi"].numerator) == (2, 2)
    desa_user = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    scoped = {r.key: r for r in indicators.compute(start=START, end=END, user=desa_user)}
    assert (scoped["alat_bantu"].numerator, scoped["reunifikasi"].numerator) == (1, 1)
    # The drill-down lists the requests and cases counted, in the user's area.
    for key, prefix in (("alat_bantu", "/layanan/permohonan/"), ("reunifikasi", "/layanan/kasus/")):
        rows = indicators.counted(key, start=START, end=END, user=None)
        assert rows is not None and rows.count() == results[key].numerator
        assert all(r.url.startswith(prefix) for r in rows[0:10])
        mine = indicators.counted(key, start=START, end=END, user=desa_user)
        assert mine is not None and [r.desa for r in mine[0:10]] == ["Tawangrejo"]
    assert indicators.counted("iku_ppks_aid", start=START, end=END, user=None) is None
    everything = {r.key for r in all_results(start=START, end=END)}
    assert {"alat_bantu", "reunifikasi", "iku_ppks_aid"} <= everything


def test_indicator_page_names_the_renstra_indicator(client: Client) -> None:
    load_plan(actor=None)
    client.force_login(UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO]))
    page = client.get("/program/indikator/?dari=2026-01-01&sampai=2026-12-31").content.decode()
    assert "Jumlah orang yang mendapatkan alat bantu" in page
    assert "Jumlah Orang yang Mendapatkan Alat Bantu" in page  # the Renstra indicator
    from sejahtera.programs.indicators import renstra_indicator

    for result in indicators.compute(start=START, end=END):
        found = renstra_indicator(result)
        assert found is not None and found.name == result.target["name"]
