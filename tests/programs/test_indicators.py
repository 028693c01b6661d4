"""The IKU and IKK computed from operational records, with drill-down and posting into the
Renstra as a quarter's realisation."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.planning.models import IndicatorKind, Realisation
from sejahtera.programs import cycles, indicators
from sejahtera.programs.models import Programme
from sejahtera.registry.models import PpksCategory
from sejahtera.services.models import Case, CaseOutcome, CaseStatus, Service
from sejahtera.services.reference import load as load_services
from sejahtera.wilayah.models import Wilayah
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _distribute(person: Any) -> None:
    """Give `person` (aged 70+, desil 1, alone) a POKMAS distribution in June 2026."""
    preparer = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    head = UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO])
    cycle = cycles.create_cycle(
        actor=preparer,
        programme=Programme.objects.get(code="permakanan-pokmas"),
        name="T1",
        as_of=dt.date(2026, 6, 1),
        period_start=START,
        period_end=dt.date(2026, 12, 31),
        area=Wilayah.objects.get(code=MOJOKERTO),
    )
    cycles.run_cycle(cycle=cycle)
    cycles.verify_cycle(actor=preparer, cycle=cycle, excluded={})
    cycles.approve_cycle(actor=head, cycle=cycle)
    cycles.record_distribution(
        actor=head,
        beneficiary=cycle.beneficiaries.get(person=person),
        given_on=dt.date(2026, 6, 10),
        given="Rp 200.000",
        proof=SimpleUploadedFile("ttd.png", PNG),
    )


@pytest.fixture
def people(programmes: None) -> dict[str, Any]:
    aided_national = build(Profile(age=40, ppks={"FAKIR_MISKIN"}, receives={"PKH"}))
    aided_local = build(
        Profile(age=75, desil=1, in_dtks=True, size=1, ppks={"LANJUT_USIA_TERLANTAR"})
    )
    not_aided = build(
        Profile(age=80, desil=9, in_dtks=False, size=2, ppks={"LANJUT_USIA_TERLANTAR"})
    )
    not_ppks = build(Profile(age=40, receives={"PKH"}))
    _distribute(aided_local)
    return {"national": aided_national, "local": aided_local, "none": not_aided, "other": not_ppks}


def test_computed_values_and_drill_down(people: dict[str, Any]) -> None:
    results = {r.key: r for r in indicators.compute(start=START, end=END)}
    iku = results["iku_ppks_aid"]
    assert (iku.numerator, iku.denominator, iku.value) == (2, 3, iku.value)
    assert str(iku.value) == "66.67" and iku.written == "66.67%"
    counted = set(indicators.people_counted("iku_ppks_aid", start=START, end=END, user=None))
    assert counted == {people["national"], people["local"]}
    lansia = results["ikk_lansia"]
    assert lansia.numerator == 1 and lansia.written == "1"
    assert list(indicators.people_counted("ikk_lansia", start=START, end=END, user=None)) == [
        people["local"]
    ]
    assert results["ikk_anak"].numerator == 0
    assert "ikk_bencana" not in results  # IKK 5 is computed by the disasters app
    # Outside the period the local distribution does not count.
    later = {
        r.key: r for r in indicators.compute(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
    }
    assert later["ikk_lansia"].numerator == 0


def test_page_and_posting_into_the_renstra(
    people: dict[str, Any], seed_plan: Any, client: Client
) -> None:
    user = UserFactory(
        role=Role.OPERATOR_DINAS, unit=Unit.objects.get(code="SEKRETARIAT"), area_codes=[MOJOKERTO]
    )
    client.force_login(user)
    page = client.get(
        "/program/indikator/", {"dari": "2026-01-01", "sampai": "2026-06-30"}
    ).content.decode()
    assert "66,67%" in page and "2 / 3" in page and "Paska Bencana Bagi Korban Bencana" in page
    drill = client.get(
        "/program/indikator/", {"dari": "2026-01-01", "sampai": "2026-06-30", "rinci": "ikk_lansia"}
    ).content.decode()
    assert people["local"].name in drill and people["none"].name not in drill
    client.post(
        "/program/indikator/iku_ppks_aid/kirim/",
        {"dari": "2026-01-01", "sampai": "2026-06-30", "tahun": 2026, "tw": 2},
    )
    client.post(
        "/program/indikator/ikk_lansia/kirim/",
        {"dari": "2026-01-01", "sampai": "2026-06-30", "tahun": 2026, "tw": 2},
    )
    posted = {r.indicator.kind: r for r in Realisation.objects.select_related("indicator")}
    assert posted[IndicatorKind.PLAN].written == "66.67%"
    assert posted[IndicatorKind.PLAN].indicator.name.startswith("Persentase Pemerlu Penyandang")
    assert (
        posted[IndicatorKind.IKK].written == "1"
        and posted[IndicatorKind.IKK].indicator.number == "3"
    )
    assert all(r.entered_by == user for r in posted.values())
    refused = client.post(  # no disaster victims: the share has no value to post
        "/program/indikator/bencana_kebutuhan_dasar/kirim/",
        {"dari": "2026-01-01", "sampai": "2026-06-30"},
        follow=True,
    )
    assert "belum dapat dikirim" in refused.content.decode()
    assert Realisation.objects.count() == 2
    realisation_page = client.get(
        "/renstra/realisasi/", {"tahun": 2026, "tw": 2, "unit": "semua"}
    ).content.decode()
    assert "Tabel 4.6" in realisation_page


def _case(
    category: str,
    *,
    person: Any = None,
    status: str = CaseStatus.CLOSED,
    outcome: str = CaseOutcome.SERVED,
    closed_on: dt.date | None = dt.date(2026, 5, 20),
    desa: str = DESA_A,
) -> Case:
    closed = status == CaseStatus.CLOSED
    return Case.objects.create(
        number=f"KSS-2026-{Case.objects.count() + 1:04d}",
        service=Service.objects.get(number=5),  # Penanganan Orang dengan T4/OT
        person=person,
        subject_name=person.name if person else "Mr. X, laki-laki ±70 tahun",
        category=PpksCategory.objects.get(code=category),
        desa_id=desa,
        status=status,
        opened_on=dt.date(2026, 3, 1),
        intake="Ditemukan di pasar tanpa keluarga",
        outcome=outcome if closed else "",
        closed_on=closed_on if closed else None,
    )


def test_closed_cases_count_in_the_ikk(people: dict[str, Any]) -> None:
    load_services(stdout=io.StringIO())
    lansia = "LANJUT_USIA_TERLANTAR"
    _case(lansia, person=people["none"])  # assessed lansia, never aided: now counted
    _case(lansia, person=people["local"], outcome=CaseOutcome.REUNIFIED)  # already counted
    _case(lansia, outcome=CaseOutcome.REUNIFIED)  # Mr. X: counted as one person
    _case(lansia, outcome=CaseOutcome.REFERRED, desa=DESA_B)  # Mr. X elsewhere
    # Not counted: open, died, left, closed outside the period.
    _case(lansia, person=people["national"], status=CaseStatus.ACTING)
    _case(lansia, person=people["national"], outcome=CaseOutcome.DECEASED)
    _case(lansia, outcome=CaseOutcome.LEFT)
    _case(lansia, person=people["national"], closed_on=dt.date(2026, 7, 2))
    # The case's category decides: a person with no PPKS assessment counts as an abandoned
    # child here, not as an elderly person.
    _case("ANAK_TERLANTAR", person=people["other"])
    results = {r.key: r for r in indicators.compute(start=START, end=END)}
    assert results["ikk_lansia"].numerator == 4  # local, none, two Mr. X
    assert results["ikk_anak"].numerator == 1
    assert not results["ikk_lansia"].missing and "ditutup" in results["ikk_lansia"].formula
    assert results["iku_ppks_aid"].numerator == 2  # cases are not assistance
    counted = indicators.people_counted("ikk_lansia", start=START, end=END, user=None)
    assert set(counted) == {people["local"], people["none"]}
    assert list(indicators.people_counted("ikk_anak", start=START, end=END, user=None)) == [
        people["other"]
    ]
    # The drill-down lists everyone the number counts: the registered persons, then each
    # unregistered client's case, with a link to it.
    rows = indicators.counted("ikk_lansia", start=START, end=END, user=None)
    assert rows is not None and rows.count() == 4 == len(rows[0:50])
    listed = rows[0:50]
    assert {r.name for r in listed[:2]} == {people["local"].name, people["none"].name}
    assert [r.name for r in listed[2:]] == ["Mr. X, laki-laki ±70 tahun"] * 2
    assert all(
        r.url.startswith("/layanan/kasus/") and "tidak terdaftar" in r.note for r in listed[2:]
    )
    assert [r.name for r in rows[1:3]] == [listed[1].name, listed[2].name]  # a page across both
    # A user of the other kecamatan sees only the Mr. X case of their desa.
    other = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    scoped = {r.key: r for r in indicators.compute(start=START, end=END, user=other)}
    assert scoped["ikk_lansia"].numerator == 1
    scoped_rows = indicators.counted("ikk_lansia", start=START, end=END, user=other)
    assert scoped_rows is not None and [r.desa for r in scoped_rows[0:50]] == ["Gumeng"]
    # The third quarter sees the case closed in July only.
    later = {
        r.key: r for r in indicators.compute(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
    }
    assert later["ikk_lansia"].numerator == 1
