"""The Renstra pages and API: who sees them, the realisation flow through the browser
forms, exports in each format, and the API's reads and writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.planning.models import Plan, Realisation, Reopening, Status
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db

PAGES = [
    ("planning:home", {}),
    ("planning:plan", {}),
    ("planning:iku", {}),
    ("planning:ikk", {}),
    ("planning:consistency", {}),
    ("planning:tree", {}),
    ("planning:previous", {}),
    ("planning:realisation", {}),
    ("planning:evaluation", {"form": "e80"}),
    ("planning:evaluation", {"form": "e81"}),
    ("planning:evaluation", {"form": "tc29"}),
    ("planning:renja", {"year": 2026}),
]


def _login(
    client: Client, role: str, unit: str | None = None, areas: list[str] | None = None
) -> Any:
    user = UserFactory(
        role=role, unit=Unit.objects.get(code=unit) if unit else None, area_codes=areas
    )
    client.force_login(user)
    return user


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_office_staff_read_every_page(
    client: Client, seed_plan: Plan, name: str, kwargs: dict[str, Any]
) -> None:
    _login(client, Role.AUDITOR)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert "Renstra" in response.content.decode() or "Renja" in response.content.decode()


def test_village_operators_do_not_see_the_plan(client: Client, seed_plan: Plan) -> None:
    _login(client, Role.OPERATOR_DESA, areas=[DESA_A])
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert reverse("planning:home") not in home
    assert client.get("/api/renstra/rencana").status_code == 403


def test_plan_page_shows_the_seed_total_and_exports(client: Client, seed_plan: Plan) -> None:
    _login(client, Role.KEPALA_DINAS)
    page = client.get(reverse("planning:plan")).content.decode()
    assert "121.981.063.728" in page and "1.06.01.2.0002" in page
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF"), ("csv", b"level,code")):
        response = client.get(reverse("planning:plan") + f"?format={fmt}")
        assert response.status_code == 200 and response.content.startswith(magic)
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="planning.plan").count() == 3


def test_consistency_page_lists_the_disagreements(client: Client, seed_plan: Plan) -> None:
    _login(client, Role.KEPALA_BIDANG)
    page = client.get(reverse("planning:consistency")).content.decode()
    assert "+386.341.950" in page and "130.02%" in page and "120,02%" in page


def test_realisation_flow_through_the_pages(client: Client, seed_plan: Plan) -> None:
    reporter = _login(client, Role.OPERATOR_DINAS, "SEKRETARIAT")
    indicator = seed_plan.nodes.get(code="1.06.01.2.01.0001").indicators.get()
    url = reverse("planning:enter_indicator", args=[indicator.pk])
    bad = client.post(url, {"tahun": 2025, "tw": 1, "written": "banyak"})
    assert bad.status_code == 200 and "bukan angka" in bad.content.decode()
    assert not Realisation.objects.exists()
    ok = client.post(url, {"tahun": 2025, "tw": 1, "written": "4", "helped": "Dukungan Bappeda"})
    assert ok.status_code == 302
    client.post(reverse("planning:realisation_act"), {"tahun": 2025, "tw": 1, "action": "submit"})
    row = Realisation.objects.get()
    assert row.status == Status.SUBMITTED and row.entered_by == reporter
    # A kepala bidang of another unit cannot approve it; the head of office can.
    _login(client, Role.KEPALA_BIDANG)  # Linjamsos
    client.post(
        reverse("planning:realisation_act"),
        {"tahun": 2025, "tw": 1, "action": "approve", "pilih": [row.pk]},
    )
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED
    _login(client, Role.KEPALA_DINAS)
    client.post(
        reverse("planning:realisation_act"),
        {"tahun": 2025, "tw": 1, "action": "approve", "pilih": [row.pk]},
    )
    row.refresh_from_db()
    assert row.status == Status.APPROVED
    reopen = reverse("planning:reopen", args=[row.pk])
    short = client.post(reopen, {"reason": "salah"})
    assert short.status_code == 200 and Reopening.objects.count() == 0
    row.refresh_from_db()
    assert row.status == Status.APPROVED
    assert client.post(reopen, {"reason": "Dokumen ke-4 belum ditandatangani"}).status_code == 302
    row.refresh_from_db()
    assert row.status == Status.DRAFT and Reopening.objects.count() == 1


def test_other_units_cannot_open_the_entry_form(client: Client, seed_plan: Plan) -> None:
    _login(client, Role.OPERATOR_DINAS, "PFM")
    indicator = seed_plan.nodes.get(code="1.06.01.2.01.0001").indicators.get()
    response = client.get(
        reverse("planning:enter_indicator", args=[indicator.pk]) + "?tahun=2025&tw=1"
    )
    assert response.status_code == 403


def test_import_page_shows_row_errors(client: Client, seed_plan: Plan) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, Role.OPERATOR_DINAS, "SEKRETARIAT")
    template = client.get(reverse("planning:realisation_import") + "?formulir=1&tahun=2025&tw=1")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(template.content))
    ws = wb.active
    assert ws is not None
    ws["H6"] = "lima"
    buffer = BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("r.xlsx", buffer.getvalue())
    page = client.post(reverse("planning:realisation_import"), {"file": upload}).content.decode()
    assert "Tidak ada yang disimpan" in page and "bukan angka" in page
    assert not Realisation.objects.exists()


def test_renja_pages(client: Client, seed_plan: Plan) -> None:
    _login(client, Role.KEPALA_DINAS)
    client.post(reverse("planning:renja_create", args=[2026]))
    item = seed_plan.work_plans.get(year=2026).items.filter(indicator__isnull=False).first()
    url = reverse("planning:renja_item", args=[item.pk])
    page = client.post(url, {"written": "12", "reason": ""}).content.decode()
    assert "alasan" in page
    assert (
        client.post(url, {"written": "12", "reason": "Refocusing anggaran 2026"}).status_code == 302
    )
    assert "Refocusing" in client.get(reverse("planning:renja", args=[2026])).content.decode()


def test_api_reads_and_writes(client: Client, seed_plan: Plan) -> None:
    user = UserFactory(role=Role.OPERATOR_DINAS, unit=Unit.objects.get(code="SEKRETARIAT"))
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    plan = client.get("/api/renstra/rencana", **auth).json()
    codes = [n["code"] for n in plan["nodes"]]
    assert "1.06.04.2.01.0001" in codes and len(plan["nodes"]) == 58
    indicator = seed_plan.nodes.get(code="1.06.01.2.01.0001").indicators.get()
    body = {"indicator_id": indicator.pk, "year": 2025, "quarter": 2, "value": "3"}
    created = client.post(
        "/api/renstra/realisasi", json.dumps(body), content_type="application/json", **auth
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    body["quarter"] = 7
    refused = client.post(
        "/api/renstra/realisasi", json.dumps(body), content_type="application/json", **auth
    )
    assert refused.status_code == 422 and "Triwulan" in json.dumps(refused.json())
    achievements = client.get("/api/renstra/capaian?tahun=2025&tw=4", **auth).json()
    assert any(a["code"] == "1.06.01.2.01.0001" for a in achievements)
    e81 = client.get("/api/renstra/evaluasi/e81?tahun=2025&tw=2", **auth).json()
    assert "E.81" in e81["title"] and e81["rows"]
    findings = client.get("/api/renstra/konsistensi", **auth).json()
    assert any(f["difference"] == "+386.341.950" for f in findings)
    auditor = UserFactory(role=Role.AUDITOR)
    _t2, token2 = issue_api_token(actor=auditor, user=auditor, name="uji")
    denied = client.post(
        "/api/renstra/realisasi",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token2}",
    )
    assert denied.status_code == 403


def test_evidence_is_served_to_office_staff_only(client: Client, seed_plan: Plan) -> None:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from sejahtera.planning import services

    sub = seed_plan.nodes.get(code="1.06.01.2.01.0001")
    row = services.record_spending(
        actor=None,
        node=sub,
        year=2025,
        quarter=1,
        amount=10,
        files=[SimpleUploadedFile("kuitansi.pdf", b"%PDF-1.4 kuitansi")],
        today=dt.date(2026, 11, 27),
    )
    url = reverse("planning:evidence", args=[row.evidence.get().pk])
    _login(client, Role.OPERATOR_DESA, areas=[DESA_A])
    assert client.get(url).status_code == 403
    _login(client, Role.AUDITOR)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.VIEW, object_repr="kuitansi.pdf").exists()


def test_plan_page_lists_revisions(client: Client, seed_plan: Plan, tmp_path: Any) -> None:
    import shutil

    from sejahtera.planning.loader import default_dir, load_plan

    copy = tmp_path / "2025-2029"
    shutil.copytree(default_dir(), copy)
    (copy / "t46-ikk.yaml").write_text(
        (copy / "t46-ikk.yaml").read_text(encoding="utf-8").replace('"2026": "20"', '"2026": "25"'),
        encoding="utf-8",
    )
    load_plan(actor=None, directory=copy, note="Perubahan Renstra 2026")
    _login(client, Role.KEPALA_DINAS)
    page = client.get(reverse("planning:plan")).content.decode()
    assert "Riwayat perubahan Renstra (2)" in page and "Perubahan Renstra 2026" in page
