"""The kept-up rule and the indicators of programme 1.06.07."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sejahtera.accounts.roles import Role
from sejahtera.cemeteries import indicators, selectors
from sejahtera.cemeteries.models import Cemetery
from sejahtera.cemeteries.selectors import kept_up_counts, with_status
from sejahtera.common.indicators import all_results
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import CemeteryFactory, CeremonyFactory, GraveFactory, WorkFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO

pytestmark = pytest.mark.django_db
YEAR = 2026
END = dt.date(2026, 9, 30)


def _by_key(results: list[indicators.Result]) -> dict[str, indicators.Result]:
    return {r.key: r for r in results}


def _status(year: int = YEAR, until: dt.date | None = END) -> dict[str, bool]:
    rows = with_status(Cemetery.objects.all(), year=year, until=until)
    return {c.name: c.kept_up for c in rows}


def test_kept_up_needs_a_work_finished_in_the_year() -> None:
    finished = CemeteryFactory(name="selesai")
    WorkFactory(
        cemetery=finished, started_on=dt.date(2025, 12, 20), finished_on=dt.date(2026, 1, 3)
    )
    going = CemeteryFactory(name="berjalan")
    WorkFactory(cemetery=going, started_on=dt.date(2026, 9, 1), finished_on=None)
    last_year = CemeteryFactory(name="tahun lalu")
    WorkFactory(cemetery=last_year, started_on=dt.date(2025, 6, 1), finished_on=dt.date(2025, 6, 3))
    later = CemeteryFactory(name="sesudah periode")
    WorkFactory(cemetery=later, started_on=dt.date(2026, 10, 1), finished_on=dt.date(2026, 10, 2))
    CemeteryFactory(name="kosong")
    # Graves and ceremonies alone do not keep a cemetery up.
    CeremonyFactory(cemetery=CemeteryFactory(name="upacara saja"))
    GraveFactory(cemetery=Cemetery.objects.get(name="kosong"))
    assert _status() == {
        "selesai": True,
        "berjalan": False,
        "tahun lalu": False,
        "sesudah periode": False,
        "kosong": False,
        "upacara saja": False,
    }
    # Over the whole year the October work counts; in 2025 the June one does.
    assert _status(until=None)["sesudah periode"] is True
    assert _status(year=2025, until=None) == {
        "selesai": False,
        "berjalan": False,
        "tahun lalu": True,
        "sesudah periode": False,
        "kosong": False,
        "upacara saja": False,
    }
    assert kept_up_counts(Cemetery.objects.all(), year=YEAR, until=END) == (1, 6)


def test_the_rule_is_a_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    one = CemeteryFactory(name="satu")
    WorkFactory(cemetery=one)
    two = CemeteryFactory(name="dua")
    WorkFactory(cemetery=two)
    WorkFactory(cemetery=two, finished_on=dt.date(2026, 4, 1))
    assert _status() == {"satu": True, "dua": True}
    monkeypatch.setattr(selectors, "KEPT_UP_MIN_FINISHED_WORKS", 2)
    assert _status() == {"satu": False, "dua": True}
    assert "paling sedikit 2 pekerjaan" in selectors.rule_text()
    result = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END))
    assert result[indicators.PROGRAM_KEY].value == Decimal("50.00")
    assert "paling sedikit 2 pekerjaan" in result[indicators.PROGRAM_KEY].formula


def test_indicator_values() -> None:
    cemeteries = [CemeteryFactory(name=f"TMP {i}") for i in range(6)]
    for cemetery in cemeteries[:4]:
        WorkFactory(cemetery=cemetery, finished_on=dt.date(2026, 3, 5), cost=1_000_000)
    WorkFactory(
        cemetery=cemeteries[0],
        started_on=dt.date(2026, 7, 1),
        finished_on=dt.date(2026, 7, 2),
        cost=500_000,
    )
    WorkFactory(
        cemetery=cemeteries[4], started_on=dt.date(2026, 9, 1), finished_on=None, cost=9_000_000
    )
    CeremonyFactory(cemetery=cemeteries[0], held_on=dt.date(2026, 8, 17))
    CeremonyFactory(cemetery=cemeteries[1], held_on=dt.date(2026, 8, 17))
    CeremonyFactory(cemetery=cemeteries[0], held_on=dt.date(2025, 11, 10))
    # The third quarter: kept up counts from 1 January, the plain counts only the quarter.
    result = _by_key(indicators.compute(start=dt.date(2026, 7, 1), end=END))
    program = result[indicators.PROGRAM_KEY]
    assert (program.value, program.numerator, program.denominator) == (Decimal("66.67"), 4, 6)
    assert program.unit == "%" and program.written == "66.67%"
    assert program.target == {"kind": "plan", "name": indicators.PROGRAM_NAME}
    assert "01-01-2026" in program.formula and "30-09-2026" in program.formula
    assert program.missing == []
    for key in (indicators.KEGIATAN_KEY, indicators.SUBKEGIATAN_KEY):
        assert result[key].value == Decimal(4) and result[key].written == "4"
    assert result[indicators.KEGIATAN_KEY].target["name"] == indicators.KEGIATAN_NAME
    assert result[indicators.SUBKEGIATAN_KEY].target["name"] == indicators.SUBKEGIATAN_NAME
    assert result["tmp_pekerjaan"].value == Decimal(1)
    assert result["tmp_biaya"].value == Decimal(500_000)
    assert result["tmp_upacara"].value == Decimal(2)
    whole = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END))
    assert whole["tmp_pekerjaan"].value == Decimal(5)
    assert whole["tmp_biaya"].value == Decimal(4_500_000)


def test_missing_cemeteries_are_reported() -> None:
    empty = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END))
    assert empty[indicators.PROGRAM_KEY].value is None
    assert empty[indicators.SUBKEGIATAN_KEY].value is None
    assert "Belum ada taman makam" in empty[indicators.PROGRAM_KEY].missing[0]
    WorkFactory(cemetery=CemeteryFactory())
    CemeteryFactory()
    some = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END))
    assert some[indicators.PROGRAM_KEY].value == Decimal("50.00")
    assert "Renstra menghitung 6" in some[indicators.PROGRAM_KEY].missing[0]
    assert any("dibaca sebagai taman makam" in m for m in some[indicators.KEGIATAN_KEY].missing)


def test_indicators_are_scoped_to_the_user() -> None:
    a = CemeteryFactory(desa_id=DESA_A)
    WorkFactory(cemetery=a)
    b = CemeteryFactory(desa_id=DESA_B)
    WorkFactory(cemetery=b, cost=7_000_000)
    CemeteryFactory(desa_id=DESA_B)
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    office = UserFactory(role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO])
    mine = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END, user=tksk))
    assert mine[indicators.PROGRAM_KEY].value == Decimal("100.00")
    assert mine[indicators.PROGRAM_KEY].missing == []  # not the whole kabupaten: no count note
    assert mine["tmp_biaya"].value == Decimal(1_500_000)
    everyone = _by_key(indicators.compute(start=dt.date(2026, 1, 1), end=END, user=office))
    assert everyone[indicators.PROGRAM_KEY].value == Decimal("66.67")
    assert everyone["tmp_biaya"].value == Decimal(8_500_000)
    # They join the indicator page's results.
    keys = {r.key for r in all_results(start=dt.date(2026, 1, 1), end=END, user=office)}
    assert {indicators.PROGRAM_KEY, indicators.SUBKEGIATAN_KEY, "tmp_upacara"} <= keys


def test_they_show_on_the_indicator_page(client: Any) -> None:
    WorkFactory(cemetery=CemeteryFactory())
    client.force_login(UserFactory(role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO]))
    page = client.get("/program/indikator/?dari=2026-01-01&sampai=2026-09-30").content.decode()
    assert indicators.PROGRAM_NAME in page and indicators.SUBKEGIATAN_NAME in page
