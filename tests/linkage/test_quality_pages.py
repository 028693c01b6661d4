"""The data-quality pages: counts per area with a drill-down limited to the user's areas,
the lists with masked NIKs and links to the record and to the proposal form, the .xlsx
exports (audited, NIK masked)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.linkage import quality
from sejahtera.registry.models import Person
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_A2, DESA_B, KEC_A, KEC_B, MOJOKERTO
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db
REPORT = "/data/kualitas/"


def _bad_nik(desa: str, serial: int) -> Person:
    # Day 32 is no date: an invalid NIK.
    return PersonFactory(desa_id=desa, nik=f"{desa[:8].replace('.', '')}320185{serial:04d}")


@pytest.fixture(autouse=True)
def no_kept_counts() -> None:
    """The report keeps its counts for a few minutes; each test starts without them."""
    cache.clear()


@pytest.fixture
def registry() -> dict[str, Any]:
    a = [_bad_nik(DESA_A, 1), _bad_nik(DESA_A, 2)]
    a2 = [_bad_nik(DESA_A2, 3)]
    b = [_bad_nik(DESA_B, 4)]
    headless = HouseholdFactory(desa_id=DESA_B)
    add_member(PersonFactory(desa_id=DESA_B, birth_date=dt.date(2001, 1, 1)), headless, "anak")
    return {"a": a, "a2": a2, "b": b, "headless": headless}


def _login(role: str, areas: list[str]) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, area_codes=areas))
    return client


def test_office_drills_down_from_district_to_kecamatan_to_desa(registry: dict[str, Any]) -> None:
    client = _login(Role.OPERATOR_DINAS, [MOJOKERTO])
    page = client.get(REPORT)
    assert page.status_code == 200
    report = page.context["report"]
    assert report.area.code == MOJOKERTO
    assert report.totals["nik-tidak-sah"] == 4 and report.totals["kepala-keluarga"] == 1
    rows = {row.code: row for row in report.rows}
    assert len(rows) == 18  # the kecamatan of Mojokerto
    assert rows[KEC_A].counts["nik-tidak-sah"] == 3 and rows[KEC_B].counts["nik-tidak-sah"] == 1
    assert rows[KEC_B].counts["kepala-keluarga"] == 1
    html = page.content.decode()
    assert "Suami/istri berumur di bawah 13 tahun." in html and "UU 16/2019" in html  # the rules
    assert f"?area={KEC_A}" in html
    assert f"{reverse('linkage:quality_list', args=['nik-tidak-sah'])}?area={KEC_A}" in html
    kecamatan = client.get(REPORT, {"area": KEC_A}).context["report"]
    assert kecamatan.totals["nik-tidak-sah"] == 3 and kecamatan.totals["kepala-keluarga"] == 0
    desa_rows = {row.code: row.counts["nik-tidak-sah"] for row in kecamatan.rows}
    assert desa_rows[DESA_A] == 2 and desa_rows[DESA_A2] == 1
    trail = client.get(REPORT, {"area": KEC_A}).context["trail"]
    assert [w.code for w in trail] == [MOJOKERTO, KEC_A]  # the province is not theirs
    desa = client.get(REPORT, {"area": DESA_A}).context["report"]
    assert desa.totals["nik-tidak-sah"] == 2 and desa.rows == []


def test_counts_are_kept_for_a_while_and_can_be_recomputed(registry: dict[str, Any]) -> None:
    client = _login(Role.OPERATOR_DINAS, [MOJOKERTO])
    first = client.get(REPORT)
    assert first.context["report"].totals["nik-tidak-sah"] == 4
    assert not first.context["report"].kept
    _bad_nik(DESA_B, 9)
    kept = client.get(REPORT)
    assert kept.context["report"].kept and kept.context["report"].totals["nik-tidak-sah"] == 4
    assert "segar=1" in kept.content.decode()
    # The list is always live, and so is a recomputed report.
    listing = client.get(reverse("linkage:quality_list", args=["nik-tidak-sah"]))
    assert listing.context["page"].paginator.count == 5
    fresh = client.get(REPORT, {"segar": "1"}).context["report"]
    assert fresh.totals["nik-tidak-sah"] == 5 and not fresh.kept
    # Another user with other areas does not get these counts.
    clerk = _login(Role.OPERATOR_DESA, [DESA_B])
    assert clerk.get(REPORT).context["report"].totals["nik-tidak-sah"] == 2


def test_drill_down_refuses_areas_outside_the_users(registry: dict[str, Any]) -> None:
    clerk = _login(Role.OPERATOR_DESA, [DESA_A])
    own = clerk.get(REPORT)
    assert own.context["report"].area.code == DESA_A
    assert own.context["report"].totals["nik-tidak-sah"] == 2
    for outside in (DESA_B, DESA_A2, KEC_A, MOJOKERTO, "35.16.99.9999"):
        assert clerk.get(REPORT, {"area": outside}).status_code == 404
        listing = reverse("linkage:quality_list", args=["nik-tidak-sah"])
        assert clerk.get(listing, {"area": outside}).status_code == 404
    tksk = _login(Role.TKSK, [KEC_B])
    report = tksk.get(REPORT).context["report"]
    assert report.totals["nik-tidak-sah"] == 1 and report.totals["kepala-keluarga"] == 1
    assert tksk.get(REPORT, {"area": KEC_A}).status_code == 404
    assert tksk.get(REPORT, {"area": DESA_B}).status_code == 200


def test_a_user_of_several_desa_sees_them_side_by_side(registry: dict[str, Any]) -> None:
    client = _login(Role.PENDAMPING, [DESA_A, DESA_B])
    report = client.get(REPORT).context["report"]
    assert report.area is None
    assert {row.code: row.counts["nik-tidak-sah"] for row in report.rows} == {DESA_A: 2, DESA_B: 1}
    assert report.totals["nik-tidak-sah"] == 3
    listing = client.get(reverse("linkage:quality_list", args=["nik-tidak-sah"]))
    assert listing.context["page"].paginator.count == 3


def test_list_masks_niks_and_links_to_record_and_proposal(registry: dict[str, Any]) -> None:
    clerk = _login(Role.OPERATOR_DESA, [DESA_A])
    url = reverse("linkage:quality_list", args=["nik-tidak-sah"])
    page = clerk.get(url)
    html = page.content.decode()
    shown = {item.person.pk for item in page.context["items"]}
    assert shown == {p.pk for p in registry["a"]}
    for p in registry["a"]:
        assert p.nik not in html and f"({p.nik[6:12]})" not in html  # nor in check_nik's words
        assert p.nik[:4] + "••••••••" + p.nik[-4:] in html
        assert reverse("registry:person_detail", args=[p.pk]) in html
        assert reverse("registry:propose_change", kwargs={"kind": "penduduk", "pk": p.pk}) in html
    assert "bukan tanggal yang sah" in html  # check_nik's words
    for p in registry["a2"] + registry["b"]:
        assert reverse("registry:person_detail", args=[p.pk]) not in html
    # A head of division sees the list but proposes nothing.
    head = _login(Role.KEPALA_BIDANG, [MOJOKERTO])
    html = head.get(url, {"area": KEC_B}).content.decode()
    assert reverse("registry:person_detail", args=[registry["b"][0].pk]) in html
    assert "usul-ubah" not in html
    household = registry["headless"]
    html = head.get(
        reverse("linkage:quality_list", args=["kepala-keluarga"]), {"area": DESA_B}
    ).content.decode()
    assert reverse("registry:household_detail", args=[household.pk]) in html
    assert "Tidak ada kepala keluarga di antara 1 anggota." in html
    operator = _login(Role.OPERATOR_DINAS, [MOJOKERTO])
    html = operator.get(reverse("linkage:quality_list", args=["kepala-keluarga"])).content.decode()
    assert reverse("registry:propose_composition", args=[household.pk]) in html


def test_every_list_page_renders(registry: dict[str, Any]) -> None:
    client = _login(Role.OPERATOR_DINAS, [MOJOKERTO])
    for check in quality.CHECKS:
        assert client.get(reverse("linkage:quality_list", args=[check.key])).status_code == 200
    assert client.get(reverse("linkage:quality_list", args=["tidak-ada"])).status_code == 404
    assert Client().get(REPORT).status_code == 302  # login first


def test_lists_are_paginated() -> None:
    for serial in range(1, 56):
        _bad_nik(DESA_A, serial)
    client = _login(Role.OPERATOR_DESA, [DESA_A])
    url = reverse("linkage:quality_list", args=["nik-tidak-sah"])
    first = client.get(url)
    assert len(first.context["items"]) == 50 and first.context["page"].paginator.count == 55
    assert len(client.get(url, {"page": 2}).context["items"]) == 5


def test_exports_are_audited_and_mask_niks(registry: dict[str, Any]) -> None:
    clerk = _login(Role.OPERATOR_DESA, [DESA_A])
    url = reverse("linkage:quality_list", args=["nik-tidak-sah"])
    response = clerk.get(url, {"format": "xlsx", "keperluan": "Perbaikan NIK"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(r[2] for r in rows) == sorted(
        p.nik[:4] + "••••••••" + p.nik[-4:] for p in registry["a"]
    )
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    for p in registry["a"] + registry["a2"] + registry["b"]:
        assert p.nik not in text
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="linkage.quality")
    assert event.extra["check"] == "nik-tidak-sah" and event.extra["rows"] == 2
    assert event.wilayah_code == DESA_A
    office = _login(Role.OPERATOR_DINAS, [MOJOKERTO])
    report = office.get(REPORT, {"area": KEC_A, "format": "xlsx"})
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(min_row=3, values_only=True))
    by_code = {row[0]: row for row in table}
    column = 2 + [c.key for c in quality.CHECKS].index("nik-tidak-sah")
    assert by_code[DESA_A][column] == 2 and by_code[KEC_A][column] == 3
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, object_type="linkage.quality").count() == 2
    )


def test_reads_without_view_capability_are_empty(registry: dict[str, Any]) -> None:
    user = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A], is_active=False)
    check = quality.BY_KEY["nik-tidak-sah"]
    assert not quality.findings(check, user=user, today=dt.date.today()).exists()
    assert not quality.findings(check, user=None, today=dt.date.today()).exists()


def test_every_check_lists_its_finding_with_the_reason_and_exports() -> None:
    from django.utils import timezone

    from sejahtera.programs.criteria.base import years_before
    from sejahtera.registry.models import Membership, Participation, PpksAssessment, PpksCategory

    today = timezone.localdate()
    PersonFactory(nik="3516011301850001", birth_date=dt.date(1985, 1, 12))
    PersonFactory(nik="3516.01120580001")
    PersonFactory(nik="3516-01120580001")
    twice, first, second = PersonFactory(), HouseholdFactory(), HouseholdFactory()
    add_member(twice, first, "kepala")
    Membership.objects.create(
        person=twice,
        household=second,
        relation="anak",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    add_member(PersonFactory(), second, "kepala")
    PersonFactory(birth_date=years_before(today, 125))
    young = HouseholdFactory()
    add_member(PersonFactory(birth_date=years_before(today, 8)), young, "kepala")
    add_member(PersonFactory(birth_date=years_before(today, 12)), young, "anak")
    dead = PersonFactory(is_deceased=True, death_date=dt.date(2025, 1, 1))
    Participation.objects.create(programme="PBI_JK", person=dead, period_start=dt.date(2024, 1, 1))
    PpksAssessment.objects.create(
        category=PpksCategory.objects.get(code="LANJUT_USIA_TERLANTAR"),
        person=PersonFactory(birth_date=years_before(today, 50)),
        assessed_on=dt.date(2024, 1, 1),
    )
    expected = {
        "nik-tidak-cocok": "berbeda dengan tanggal lahir tercatat",
        "nik-ganda": "tercatat pada 2 orang",
        "dua-keluarga": "sebagai anak, 01-01-2021 sampai 01-01-2022",
        "umur": "Kepala keluarga berumur di bawah 10 tahun.",
        "hubungan": "kepala keluarga lahir " + years_before(today, 8).strftime("%d-%m-%Y"),
        "meninggal-penerima": "Peserta PBI_JK sejak 01-01-2024, tanpa akhir.",
        "ppks": "mensyaratkan usia paling rendah 60 tahun",
    }
    client = _login(Role.OPERATOR_DESA, [DESA_A])
    totals = client.get(REPORT).context["report"].totals
    for key, words in expected.items():
        assert totals[key] >= 1, key
        url = reverse("linkage:quality_list", args=[key])
        page = client.get(url)
        assert words in page.content.decode(), key
        export = client.get(url, {"format": "xlsx", "keperluan": "Perbaikan data"})
        assert export.status_code == 200
        sheet = load_workbook(io.BytesIO(export.content)).active
        assert sheet is not None
        assert words in " ".join(
            str(row[4]) for row in sheet.iter_rows(min_row=3, values_only=True)
        )
    html = client.get(reverse("linkage:quality_list", args=["hubungan"])).content.decode()
    assert "Anak lahir kurang dari 10 tahun sesudah kepala keluarga" in html  # the rule's words
    html = client.get(reverse("linkage:quality_list", args=["nik-ganda"])).content.decode()
    assert "351601120580001" not in html  # the shared NIK is masked in the reason too
