"""The cycle pages: create, run, verify, approve, record a distribution with proof, the BNBA
exports of a desa (read back), statistics; a desa operator sees only the desa's rows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.programs.models import Cycle, CycleStatus, Distribution
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_cycle_through_the_pages(
    programmes: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    a = build(Profile(age=80, desil=1, in_dtks=True, size=1))
    b = build(Profile(age=75, desil=1, in_dtks=True, size=1, desa=DESA_B))
    preparer = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    head = UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO])
    client.force_login(preparer)
    bad = client.post(
        "/program/permakanan-pokmas/siklus/",
        {
            "name": "Tahap I",
            "as_of": "2026-06-15",
            "period_start": "2026-07-01",
            "period_end": "2026-01-01",
            "area": MOJOKERTO,
            "ranking": "desil_oldest",
        },
    )
    assert (
        "Akhir periode sebelum awal periode" in bad.content.decode() and not Cycle.objects.exists()
    )
    created = client.post(
        "/program/permakanan-pokmas/siklus/",
        {
            "name": "Tahap I",
            "as_of": "2026-06-15",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "area": MOJOKERTO,
            "ranking": "desil_oldest",
            "amount": "200000",
        },
    )
    cycle = Cycle.objects.get()
    assert created.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/program/siklus/{cycle.pk}/aksi/", {"action": "run"})
    cycle.refresh_from_db()
    assert cycle.eligible_count == 2
    page = client.get(f"/program/siklus/{cycle.pk}/").content.decode()
    assert a.name in page and b.name in page
    client.post(f"/program/siklus/{cycle.pk}/aksi/", {"action": "verify"})
    client.post(f"/program/siklus/{cycle.pk}/aksi/", {"action": "approve"})  # refused: own cycle
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.VERIFIED
    client.force_login(head)
    client.post(f"/program/siklus/{cycle.pk}/aksi/", {"action": "approve"})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED
    # The desa operator of DESA_A sees and serves only their desa.
    desa = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    client.force_login(desa)
    page = client.get(f"/program/siklus/{cycle.pk}/").content.decode()
    assert a.name in page and b.name not in page
    mine = cycle.beneficiaries.get(person=a)
    other = cycle.beneficiaries.get(person=b)
    assert client.get(f"/program/penerima/{other.pk}/penyaluran/").status_code == 404
    missing = client.post(
        f"/program/penerima/{mine.pk}/penyaluran/",
        {"given_on": "2026-06-20", "given": "Rp 200.000"},
    )
    assert "Lampirkan bukti" in missing.content.decode() and not Distribution.objects.exists()
    done = client.post(
        f"/program/penerima/{mine.pk}/penyaluran/",
        {
            "given_on": "2026-06-20",
            "given": "Rp 200.000",
            "proof": SimpleUploadedFile("ttd.png", PNG),
        },
    )
    assert done.status_code == 302 and Distribution.objects.get().beneficiary == mine
    xlsx = client.get(
        f"/program/siklus/{cycle.pk}/bnba/?desa={DESA_A}&keperluan=Penyaluran+tahap+I"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert a.nik in values and a.name in values and b.name not in values
    pdf = client.get(
        f"/program/siklus/{cycle.pk}/bnba/?desa={DESA_A}&format=pdf&keperluan=Penyaluran+tahap+I"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert a.name in text and "Tanda tangan" in text
    assert client.get(f"/program/siklus/{cycle.pk}/bnba/?desa={DESA_B}").status_code == 404
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, object_type="programs.beneficiary").count()
        == 2
    )
    stats = client.get("/program/statistik/").content.decode()
    assert "PERMAKANAN POKMAS" in stats and ">1<" in stats.replace(" ", "")
    assert "Jatirejo" in stats  # the kecamatan of DESA_A, in the per-kecamatan table


def test_statistics_per_kecamatan_and_api(programmes: None, client: Client) -> None:
    from sejahtera.accounts.services import issue_api_token

    user = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    person = build(Profile(age=80, desil=1, in_dtks=True, size=1))
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listing = client.get("/api/program/", **auth).json()
    pokmas = next(p for p in listing if p["code"] == "permakanan-pokmas")
    assert pokmas["rule_version"] == 1 and "berusia 70 tahun ke atas" in pokmas["rule_words"]
    count = client.get("/api/program/permakanan-pokmas/layak?as_of=2026-06-15", **auth).json()
    assert count["eligible"] == 1
    verdict = client.get(
        f"/api/program/pkh-plus/penjelasan?nik={person.nik}&as_of=2026-06-15", **auth
    ).json()
    assert verdict["holds"] is False and any(c["holds"] is False for c in verdict["children"])
    assert client.get("/api/program/pkh/penjelasan?nik=3516010101900001", **auth).status_code == 404
    desa_user = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    _t2, token2 = issue_api_token(actor=desa_user, user=desa_user, name="uji")
    hidden = client.get(
        f"/api/program/pkh/penjelasan?nik={person.nik}", HTTP_AUTHORIZATION=f"Bearer {token2}"
    )
    assert hidden.status_code == 404  # the person lives in another desa
    client.force_login(user)
    page = client.get("/program/statistik/").content.decode()
    assert "Per kecamatan" in page and "Belum ada penyaluran" in page
