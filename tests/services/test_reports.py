"""The services report: requests per service and month, the on-time share and the median of
working days (holidays skipped), refusal reasons grouped whatever their spelling, complaint
breakdowns by category, channel and kecamatan with ratings; area scoping of the figures and
of the kecamatan filter; the audited .xlsx with a sheet per table; bad parameters; and the
demo loader."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from sejahtera.accounts import roles
from sejahtera.accounts.roles import Cap, Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.services import demo, report_tables, reports
from sejahtera.services.models import (
    Case,
    CaseStatus,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Holiday,
    Output,
    RequestStatus,
    Service,
    ServiceRequest,
)
from sejahtera.services.reports import ReportFilter
from sejahtera.wilayah.models import Wilayah
from tests.conftest import DESA_A, DESA_A2, DESA_B, KEC_A, KEC_B

pytestmark = pytest.mark.django_db
YEAR = 2024
D = dt.date
_codes = itertools.count(1)


def _request(
    service: Service,
    desa: str,
    received: dt.date,
    *,
    status: str = RequestStatus.DONE,
    closed: dt.date | None = None,
    due: dt.date | None = None,
    reason: str = "",
) -> ServiceRequest:
    return ServiceRequest.objects.create(
        service=service,
        tracking_code=f"LYN-T{next(_codes):07d}",
        channel="counter",
        applicant_name="Pemohon Uji",
        desa_id=desa,
        description="keperluan uji",
        status=status,
        reason=reason,
        received_on=received,
        due_on=due,
        closed_on=closed,
    )


def _complaint(
    category: ComplaintCategory,
    channel: str,
    desa: str,
    received: dt.date,
    due: dt.date,
    **extra: Any,
) -> Complaint:
    return Complaint.objects.create(
        tracking_code=f"ADU-T{next(_codes):07d}",
        channel=channel,
        category=category,
        desa_id=desa,
        description="isi pengaduan uji",
        received_on=received,
        due_on=due,
        **extra,
    )


@pytest.fixture
def data() -> dict[str, Any]:
    a = Service.objects.create(number=91, code="uji-a", name="Surat Uji A", output=Output.LETTER)
    b = Service.objects.create(number=92, code="uji-b", name="Kasus Uji B", output=Output.CASE)
    a.sla_working_days = 2
    a.save()
    # 2024-01-08 is a Monday; Thursday 11 January is a holiday in this test.
    Holiday.objects.create(date=D(YEAR, 1, 11), name="Libur uji")
    _request(a, DESA_A, D(YEAR, 1, 8), closed=D(YEAR, 1, 9), due=D(YEAR, 1, 10))  # 1 day
    _request(a, DESA_A, D(YEAR, 1, 8), closed=D(YEAR, 1, 10), due=D(YEAR, 1, 10))  # 2, on time
    _request(a, DESA_A, D(YEAR, 1, 8), closed=D(YEAR, 1, 12), due=D(YEAR, 1, 10))  # 3, late
    _request(a, DESA_A, D(YEAR, 1, 12), closed=D(YEAR, 1, 19), due=D(YEAR, 1, 19))  # 5
    _request(a, DESA_A2, D(YEAR, 2, 5), closed=D(YEAR, 2, 5))  # 0 days, no due date
    _request(a, DESA_A2, D(YEAR, 2, 5), status=RequestStatus.IN_PROCESS, due=D(YEAR, 2, 7))
    _request(
        b,
        DESA_B,
        D(YEAR, 3, 4),
        status=RequestStatus.REFUSED,
        closed=D(YEAR, 3, 5),
        due=D(YEAR, 3, 6),
        reason="Dokumen tidak lengkap",
    )
    _request(a, DESA_A, D(YEAR - 1, 12, 29), closed=D(YEAR, 1, 2))  # another year
    cat1 = ComplaintCategory.objects.create(
        code="uji-1", name="Kategori Uji 1", order=1, response_working_days=5
    )
    cat2 = ComplaintCategory.objects.create(
        code="uji-2", name="Kategori Uji 2", order=2, response_working_days=3
    )
    _complaint(
        cat1,
        ComplaintChannel.WEB,
        DESA_A,
        D(YEAR, 2, 5),
        D(YEAR, 2, 12),
        answered_on=D(YEAR, 2, 7),  # 2 working days
        status=ComplaintStatus.CLOSED,
        rating=5,
    )
    _complaint(
        cat1,
        ComplaintChannel.PHONE,
        DESA_A2,
        D(YEAR, 2, 5),
        D(YEAR, 2, 12),
        answered_on=D(YEAR, 2, 14),  # 7 working days, late
        status=ComplaintStatus.ANSWERED,
        escalated_on=D(YEAR, 2, 13),
        rating=2,
    )
    _complaint(
        cat2,
        ComplaintChannel.COUNTER,
        DESA_B,
        D(YEAR, 2, 5),
        D(YEAR, 2, 8),
        status=ComplaintStatus.ASSIGNED,
        escalated_on=D(YEAR, 2, 9),
    )
    _complaint(cat2, ComplaintChannel.WEB, DESA_B, D(YEAR - 1, 5, 2), D(YEAR - 1, 5, 7))
    return {"a": a, "b": b, "cat1": cat1, "cat2": cat2}


def test_requests_per_service_and_month(data: dict[str, Any], make_user: Any) -> None:
    office = make_user(Role.OPERATOR_DINAS)
    rows, total = reports.requests_per_month(office, ReportFilter(YEAR))
    by_label = {r.label: r for r in rows}
    a = by_label["91. Surat Uji A"]
    assert a.months[:3] == [4, 2, 0] and a.total == 6
    assert by_label["92. Kasus Uji B"].months[2] == 1
    assert total.months[:3] == [4, 2, 1] and total.total == 7  # the 2023 request is not counted
    assert [r.label for r in rows] == [
        f"{s.number}. {s.name}" for s in Service.objects.all()
    ]  # every service, in order
    assert reports.requests_per_month(office, ReportFilter(YEAR - 5))[0] == []


def test_on_time_share_and_median_working_days(data: dict[str, Any], make_user: Any) -> None:
    office = make_user(Role.OPERATOR_DINAS)
    rows, total = reports.request_timeliness(office, ReportFilter(YEAR), today=D(YEAR, 12, 31))
    a = next(r for r in rows if r.label.startswith("91."))
    assert (a.received, a.closed, a.refused, a.with_due, a.on_time) == (6, 5, 0, 4, 3)
    assert a.on_time_pct == Decimal("75.0")
    assert a.open_overdue == 1  # due 7 February, still in process
    # 0, 1, 2, 3 (the holiday skipped) and 5 (a weekend skipped) working days
    assert a.median_days == Decimal("2.0")
    assert a.target_days == 2
    b = next(r for r in rows if r.label.startswith("92."))
    assert (b.refused, b.on_time, b.on_time_pct) == (1, 1, Decimal("100.0"))
    assert (total.received, total.with_due, total.on_time) == (7, 5, 4)
    assert total.on_time_pct == Decimal("80.0") and total.median_days == Decimal("1.5")


def test_refusal_reasons_grouped_trimmed_and_case_folded(
    data: dict[str, Any], make_user: Any
) -> None:
    b = data["b"]
    for reason in (
        "  dokumen tidak lengkap",
        "DOKUMEN  TIDAK LENGKAP.",
        "Bukan warga kabupaten",
        "bukan warga kabupaten ",
        "Permohonan ganda",
    ):
        _request(b, DESA_B, D(YEAR, 4, 1), status=RequestStatus.REFUSED, reason=reason)
    _request(b, DESA_B, D(YEAR, 4, 1), status=RequestStatus.REFUSED, reason="")
    office = make_user(Role.OPERATOR_DINAS)
    rows = reports.refusal_reasons(office, ReportFilter(YEAR))
    assert [(r.reason, r.count) for r in rows] == [
        ("Dokumen tidak lengkap", 3),
        ("Bukan warga kabupaten", 2),
        ("(tanpa alasan tertulis)", 1),
        ("Permohonan ganda", 1),
    ]
    assert {r.service for r in rows} == {"92. Kasus Uji B"}
    top = reports.refusal_reasons(office, ReportFilter(YEAR), top=2)
    assert top[-1].reason == "Alasan lain (2 macam)" and top[-1].count == 2


def test_complaint_breakdowns(data: dict[str, Any], make_user: Any) -> None:
    office = make_user(Role.OPERATOR_DINAS)
    result = reports.complaint_breakdowns(office, ReportFilter(YEAR), today=D(YEAR, 12, 31))
    cat1, cat2 = (
        next(s for s in result.by_category if s.label == name)
        for name in ("Kategori Uji 1", "Kategori Uji 2")
    )
    assert (cat1.received, cat1.answered, cat1.on_time, cat1.on_time_pct) == (
        2,
        2,
        1,
        Decimal("50.0"),
    )
    assert cat1.median_days == Decimal("4.5") and cat1.deadline_days == 5
    assert (cat1.rated, cat1.rating, cat1.escalated) == (2, Decimal("3.50"), 1)
    assert (cat2.received, cat2.answered, cat2.open_overdue, cat2.on_time_pct) == (1, 0, 1, None)
    channels = {s.label: s.received for s in result.by_channel}
    assert channels == {
        "Formulir web": 1,
        "Loket": 1,
        "Telepon/WA": 1,
        "Surat": 0,
        "Media sosial": 0,
    }
    names = dict(Wilayah.objects.filter(code__in=[KEC_A, KEC_B]).values_list("code", "name"))
    assert {s.label: s.received for s in result.by_area} == {names[KEC_A]: 2, names[KEC_B]: 1}
    total = result.total
    assert (total.received, total.answered, total.on_time, total.rated) == (3, 2, 1, 2)
    assert total.median_days == Decimal("4.5") and total.rating == Decimal("3.50")


def test_desa_operator_sees_only_their_desa(
    data: dict[str, Any], make_user: Any, login: Any
) -> None:
    desa_user = make_user(Role.OPERATOR_DESA, [DESA_A])
    rows, total = reports.request_timeliness(desa_user, ReportFilter(YEAR))
    assert total.received == 4 and [r.label for r in rows] == ["91. Surat Uji A"]
    complaints = reports.complaint_breakdowns(desa_user, ReportFilter(YEAR))
    assert complaints.total.received == 1
    # Asking the selectors for another kecamatan gives nothing, not that kecamatan's data.
    assert reports.requests_in(desa_user, ReportFilter(YEAR, KEC_B)).count() == 0
    assert [k.code for k in reports.kecamatan_for(desa_user)] == [KEC_A]
    client = login(desa_user)
    page = client.get(f"/layanan/laporan/?tahun={YEAR}&kecamatan={KEC_B}")
    assert page.status_code == 400
    assert "di luar wilayah kerja Anda" in page.content.decode()
    assert "Uji B" not in page.content.decode()
    ok = client.get(f"/layanan/laporan/?tahun={YEAR}&kecamatan={KEC_A}").content.decode()
    assert "Surat Uji A" in ok and "Kategori Uji 2" in ok  # every category is listed
    tksk = make_user(Role.TKSK, [KEC_B])
    assert reports.request_timeliness(tksk, ReportFilter(YEAR))[1].received == 1


def test_page_formats_numbers_and_says_when_empty(
    data: dict[str, Any], make_user: Any, login: Any
) -> None:
    client = login(make_user(Role.KEPALA_BIDANG))
    page = client.get(f"/layanan/laporan/?tahun={YEAR}").content.decode()
    assert "Permohonan diterima per layanan dan bulan" in page
    assert "75,0%" in page and "3,50" in page and "4,5" in page
    assert "Unduh .xlsx" in page
    empty = client.get(f"/layanan/laporan/?tahun={YEAR - 10}").content.decode()
    assert f"Belum ada permohonan layanan yang diterima pada tahun {YEAR - 10}" in empty
    assert f"Belum ada pengaduan yang diterima pada tahun {YEAR - 10}" in empty
    assert client.get("/layanan/laporan/").status_code == 200  # this year by default
    assert "/layanan/laporan/" in client.get("/layanan/permohonan/").content.decode()


def test_bad_parameters_give_a_clear_message(make_user: Any, login: Any) -> None:
    client = login(make_user(Role.OPERATOR_DINAS))
    for query, message in (
        ("tahun=dua-ribu", "Tahun harus berupa angka"),
        ("tahun=1800", "Pilih tahun antara"),
        ("tahun=99999999999999999999", "Pilih tahun antara"),
        ("tahun=2024&kecamatan=99.99", "di luar wilayah kerja Anda"),
        ("tahun=x&format=xlsx", "Tahun harus berupa angka"),
    ):
        response = client.get(f"/layanan/laporan/?{query}")
        assert response.status_code == 400, query
        assert message in response.content.decode(), query


def test_xlsx_export_has_a_sheet_per_table_and_is_audited(
    data: dict[str, Any], make_user: Any, login: Any
) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    response = login(user).get(f"/layanan/laporan/?tahun={YEAR}&kecamatan={KEC_A}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Permohonan per bulan",
        "Ketepatan waktu layanan",
        "Alasan penolakan",
        "Pengaduan per kategori",
        "Pengaduan per saluran",
        "Pengaduan per kecamatan",
    ]
    months = book["Permohonan per bulan"]
    assert months["A4"].value == "Layanan" and months["B4"].value == "Jan"
    row = next(
        r for r in months.iter_rows(min_row=5, values_only=True) if r[0] == "91. Surat Uji A"
    )
    assert row[1:4] == (4, 2, 0) and row[13] == 6
    assert "Kecamatan" in months["A2"].value  # the filter is written on each sheet
    timeliness = book["Ketepatan waktu layanan"]
    row = next(
        r for r in timeliness.iter_rows(min_row=5, values_only=True) if r[0] == "91. Surat Uji A"
    )
    assert row[7] == pytest.approx(75.0) and row[8] == pytest.approx(2.0)
    reasons = book["Alasan penolakan"]
    assert reasons["A5"].value.startswith("Tidak ada permohonan yang ditolak")  # B is elsewhere
    areas = book["Pengaduan per kecamatan"]
    labels = [r[0] for r in areas.iter_rows(min_row=5, values_only=True)]
    assert labels[-1] == "Semua pengaduan" and len(labels) == 2  # only the chosen kecamatan
    event = AuditEvent.objects.get(action=Action.EXPORT, actor=user)
    assert event.object_type == "services.servicerequest" and event.wilayah_code == KEC_A
    assert event.extra["sheets"] == 6


def test_export_needs_the_export_capability(
    data: dict[str, Any], make_user: Any, login: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(
        roles.ROLE_CAPS, Role.OPERATOR_DESA, roles.ROLE_CAPS[Role.OPERATOR_DESA] - {Cap.EXPORT}
    )
    client = login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    assert client.get(f"/layanan/laporan/?tahun={YEAR}&format=xlsx").status_code == 403
    page = client.get(f"/layanan/laporan/?tahun={YEAR}")
    assert page.status_code == 200 and "Unduh .xlsx" not in page.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_login_required(client: Client) -> None:
    assert client.get("/layanan/laporan/").status_code == 302


def test_demo_loader_creates_synthetic_data_once(make_user: Any) -> None:
    from sejahtera.services.reference import load as load_reference

    load_reference(stdout=io.StringIO())
    today = D(YEAR, 6, 30)
    out = io.StringIO()
    demo.load(stdout=out, today=today)
    assert ServiceRequest.objects.count() == demo.REQUESTS
    assert Complaint.objects.count() == demo.COMPLAINTS
    assert Case.objects.count() == demo.CASES
    assert not Service.objects.filter(sla_working_days__isnull=True).exists()
    codes = list(ServiceRequest.objects.values_list("tracking_code", flat=True))
    assert len(set(codes)) == len(codes) and all(
        c.startswith("LYN-") and len(c) == 12 for c in codes
    )
    assert all(
        c.startswith("ADU-") for c in Complaint.objects.values_list("tracking_code", flat=True)
    )
    assert ServiceRequest.objects.filter(status=RequestStatus.REFUSED).exclude(reason="").exists()
    assert Complaint.objects.filter(rating__isnull=False).exists()
    assert Complaint.objects.filter(escalated_on__isnull=False).exists()
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.exists() and not closed.filter(outcome="").exists()
    assert all(
        n.startswith(("KSS-2023-", "KSS-2024-")) and len(n) == 13
        for n in Case.objects.values_list("number", flat=True)
    )
    assert set(Case.objects.values_list("service__output", flat=True)) == {Output.CASE}
    assert ServiceRequest.objects.filter(received_on__gt=today).count() == 0
    # Each step is dated when it happened, not when the demo wrote it.
    for request in ServiceRequest.objects.exclude(closed_on=None)[:20]:
        dates = [timezone.localtime(s.at).date() for s in request.steps.all()]
        assert dates[0] == request.received_on and dates[-1] == request.closed_on
    for complaint in Complaint.objects.exclude(answered_on=None)[:20]:
        answered = complaint.steps.get(status="answered")
        assert timezone.localtime(answered.at).date() == complaint.answered_on
    assert "300 permohonan" in out.getvalue()
    demo.load(stdout=io.StringIO(), today=today)  # again: nothing added
    assert ServiceRequest.objects.count() == demo.REQUESTS and Case.objects.count() == demo.CASES
    office = make_user(Role.OPERATOR_DINAS)
    tables = report_tables.tables(reports.build(office, ReportFilter(YEAR), today=today))
    assert all(t.rows for t in tables)
