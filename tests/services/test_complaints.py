"""Complaints: every channel, the states and their refusals, the response deadline in working
days, escalation to the head of division (once, by e-mail), the reply and rating on the
public tracking page (which shows nothing personal), the turn into a registry proposal, the
staff list's filters, scope and export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.registry.models import ProposalKind
from sejahtera.services import complaints as service_complaints
from sejahtera.services.escalation import attention_for, escalate_overdue
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Holiday,
    Service,
)
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db
FRIDAY = dt.date(2026, 8, 14)


@pytest.fixture(autouse=True)
def reference(db: None) -> None:
    load(stdout=io.StringIO())
    cache.clear()


def _category(code: str = "penyaluran") -> ComplaintCategory:
    return ComplaintCategory.objects.get(code=code)


def _submit(actor: Any = None, **extra: Any) -> Complaint:
    data: dict[str, Any] = {
        "actor": actor,
        "channel": ComplaintChannel.WEB,
        "category": _category(),
        "desa_code": DESA_A,
        "description": "Bantuan sembako bulan ini belum sampai ke rumah kami",
        "complainant_name": "Sri Wahyuni",
        "contact": "081299998888",
        "today": FRIDAY,
    }
    data.update(extra)
    return service_complaints.submit_complaint(**data)


def test_reference_categories_have_deadlines_and_divisions() -> None:
    categories = {c.code: c for c in ComplaintCategory.objects.select_related("unit")}
    assert {"terlewat", "tidak-layak", "penyaluran", "layanan", "lainnya"} <= set(categories)
    assert categories["tidak-layak"].registry == "exclusion"
    assert categories["terlewat"].registry == "inclusion"
    assert categories["penyaluran"].unit is not None
    assert categories["penyaluran"].unit.code == "LINJAMSOS"
    assert all(c.response_working_days > 0 for c in categories.values())


def test_every_channel_and_the_working_day_deadline() -> None:
    Holiday.objects.create(date=dt.date(2026, 8, 17), name="Hari Kemerdekaan")
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    web = _submit()
    # Five working days from Friday 14 August, skipping the weekend and 17 August.
    assert web.due_on == dt.date(2026, 8, 24)
    assert web.unit is not None and web.unit.code == "LINJAMSOS"
    assert web.recorded_by is None
    for channel in ("counter", "phone", "letter", "social"):
        made = _submit(actor=clerk, channel=channel)
        assert made.channel == channel and made.recorded_by == clerk
    assert Complaint.objects.count() == 5
    assert len(set(Complaint.objects.values_list("tracking_code", flat=True))) == 5


def test_refusals_save_nothing() -> None:
    with pytest.raises(ValidationError) as info:
        _submit(description="pendek", complainant_name="", desa_code="35.16.01")
    assert set(info.value.message_dict) == {"description", "complainant_name", "desa"}
    with pytest.raises(ValidationError):
        _submit(subject_nik="1234")
    with pytest.raises(ValidationError):
        _submit(category=None)
    with pytest.raises(ValidationError):
        _submit(channel="fax")
    # Anonymous is allowed, and no name is kept even if one was typed.
    anonymous = _submit(anonymous=True, complainant_name="Sri")
    assert anonymous.complainant_name == ""
    # Staff channels need a writer of the desa.
    with pytest.raises(PermissionDenied):
        _submit(actor=UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B]), channel="phone")
    with pytest.raises(PermissionDenied):
        _submit(actor=UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]), channel="phone")
    assert Complaint.objects.count() == 1


def test_states_assign_answer_close_and_rating() -> None:
    head = UserFactory(
        role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO], unit=Unit.objects.get(code="LINJAMSOS")
    )
    officer = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    outsider_officer = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    complaint = _submit()
    with pytest.raises(ValidationError, match="ditutup sebelum dijawab"):
        service_complaints.close_complaint(actor=head, complaint=complaint)
    with pytest.raises(ValidationError):
        service_complaints.assign_complaint(actor=head, complaint=complaint)
    with pytest.raises(ValidationError, match="di luar wilayah kerja petugas"):
        service_complaints.assign_complaint(
            actor=head, complaint=complaint, officer=outsider_officer
        )
    assigned = service_complaints.assign_complaint(
        actor=head, complaint=complaint, officer=officer, note="Cek ke pendamping"
    )
    assert assigned.status == ComplaintStatus.ASSIGNED and assigned.assigned_to == officer
    with pytest.raises(ValidationError):
        service_complaints.rate_complaint(tracking_code=complaint.tracking_code, rating=5)
    with pytest.raises(ValidationError):
        service_complaints.answer_complaint(actor=officer, complaint=complaint, reply="ok")
    answered = service_complaints.answer_complaint(
        actor=officer,
        complaint=complaint,
        reply="Bantuan sudah dijadwalkan ulang dan diantar pendamping pada hari Senin.",
        today=dt.date(2026, 8, 18),
    )
    assert answered.status == ComplaintStatus.ANSWERED
    assert answered.answered_on == dt.date(2026, 8, 18)
    with pytest.raises(ValidationError):
        service_complaints.answer_complaint(
            actor=officer, complaint=complaint, reply="Jawaban kedua yang panjang sekali"
        )
    with pytest.raises(ValidationError):
        service_complaints.rate_complaint(tracking_code=complaint.tracking_code, rating=9)
    rated = service_complaints.rate_complaint(
        tracking_code=complaint.tracking_code.lower(), rating=4, note="Cepat"
    )
    assert rated.rating == 4
    with pytest.raises(ValidationError, match="sudah dinilai"):
        service_complaints.rate_complaint(tracking_code=complaint.tracking_code, rating=1)
    closed = service_complaints.close_complaint(actor=head, complaint=complaint)
    assert closed.status == ComplaintStatus.CLOSED
    with pytest.raises(ValidationError):
        service_complaints.assign_complaint(actor=head, complaint=complaint, officer=officer)
    assert [s.status for s in closed.steps.all()] == [
        "received",
        "assigned",
        "answered",
        "closed",
    ]
    with pytest.raises(PermissionDenied):
        service_complaints.answer_complaint(
            actor=UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B]),
            complaint=_submit(),
            reply="Jawaban dari luar wilayah yang tidak boleh",
        )


def test_escalation_once_to_the_head_of_division(django_capture_on_commit_callbacks: Any) -> None:
    linjamsos = Unit.objects.get(code="LINJAMSOS")
    head = UserFactory(
        role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO], unit=linjamsos, email="kabid@example.test"
    )
    other_head = UserFactory(
        role=Role.KEPALA_BIDANG, unit=Unit.objects.get(code="PFM"), email="pfm@example.test"
    )
    kadis = UserFactory(role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO], email="kadis@example.test")
    late = _submit()  # due 21 August (no holiday here)
    answered = _submit()
    service_complaints.answer_complaint(
        actor=kadis, complaint=answered, reply="Sudah kami tindak lanjuti dengan pendamping."
    )
    service = Service.objects.get(number=1)
    service.sla_working_days = 1
    service.save()
    from sejahtera.services import requests as service_requests

    request = service_requests.submit_request(
        actor=None,
        service=service,
        channel="online",
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Surat keterangan DTKS untuk sekolah",
        today=FRIDAY,
    )
    assert not escalate_overdue(today=dt.date(2026, 8, 17)).complaints  # request due 17th
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = escalate_overdue(today=dt.date(2026, 8, 24))
    assert result.complaints == [late.tracking_code]
    assert result.requests == [request.tracking_code]  # due Monday 17th
    late.refresh_from_db()
    request.refresh_from_db()
    assert late.escalated_on == request.escalated_on == dt.date(2026, 8, 24)
    # The complaint goes to its division's head; the request's service has no division, so
    # it goes to the head of the office.
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {"kabid@example.test", "kadis@example.test"}
    assert late.tracking_code in by_recipient["kabid@example.test"]
    assert answered.tracking_code not in by_recipient["kabid@example.test"]
    assert request.tracking_code in by_recipient["kadis@example.test"]
    # Escalated once: a second run finds nothing new.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = escalate_overdue(today=dt.date(2026, 8, 25))
    assert again.complaints == [] and again.requests == [] and not mail.outbox
    # The head sees what is overdue for the division on the home page.
    assert attention_for(head, today=dt.date(2026, 8, 25))["complaints"] == 1
    assert attention_for(other_head, today=dt.date(2026, 8, 25))["complaints"] == 0
    assert attention_for(kadis, today=dt.date(2026, 8, 25))["requests"] == 1
    client = Client()
    client.force_login(head)
    assert "Perlu perhatian" in client.get("/").content.decode()


def test_escalation_command_and_request_to_head_of_office(
    django_capture_on_commit_callbacks: Any,
) -> None:
    kadis = UserFactory(role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO], email="kadis@example.test")
    service = Service.objects.get(number=1)
    service.sla_working_days = 1
    service.save()
    from sejahtera.services import requests as service_requests

    request = service_requests.submit_request(
        actor=None,
        service=service,
        channel="online",
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Surat keterangan DTKS untuk sekolah",
        today=FRIDAY,
    )
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("services", "escalate", "--date", "2026-08-20", stdout=out)
    assert "Permohonan lewat batas: 1" in out.getvalue()
    request.refresh_from_db()
    assert request.escalated_on == dt.date(2026, 8, 20)
    assert [m.to for m in mail.outbox] == [[kadis.email]]
    assert request.tracking_code in mail.outbox[0].body
    assert AuditEvent.objects.filter(object_type="services.escalation").exists()


def test_public_tracking_shows_reply_not_personal_data(client: Client) -> None:
    response = client.post(
        "/layanan/pengaduan/",
        {
            "category": _category().pk,
            "desa": DESA_A,
            "description": "Bantuan sembako bulan ini belum sampai ke rumah kami",
            "complainant_name": "Sri Wahyuni",
            "contact": "081299998888",
            "subject_nik": "",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == ComplaintChannel.WEB
    page = client.get(response.url).content.decode()
    assert complaint.tracking_code in page and "Diterima" in page
    for private in ("Sri Wahyuni", "081299998888", "belum sampai ke rumah"):
        assert private not in page
    service_complaints.answer_complaint(
        actor=UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]),
        complaint=complaint,
        reply="Bantuan Ibu dijadwalkan ulang pada hari Senin.",
    )
    page = client.get(f"/layanan/lacak/?kode={complaint.tracking_code}").content.decode()
    assert "dijadwalkan ulang" in page and "Seberapa puas" in page
    assert "Sri Wahyuni" not in page
    client.post("/layanan/lacak/nilai/", {"kode": complaint.tracking_code, "rating": "5"})
    complaint.refresh_from_db()
    assert complaint.rating == 5
    bad = client.post(
        "/layanan/lacak/nilai/", {"kode": complaint.tracking_code, "rating": "5"}, follow=True
    )
    assert "sudah dinilai" in bad.content.decode()


def test_public_form_errors_and_rate_limit(client: Client) -> None:
    page = client.post("/layanan/pengaduan/", {"desa": DESA_A, "description": "x"})
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    short = client.post(
        "/layanan/pengaduan/",
        {"category": _category().pk, "desa": DESA_A, "description": "x", "anonymous": "on"},
    )
    assert short.status_code == 200 and "minimal 15 huruf" in short.content.decode()
    assert not Complaint.objects.exists()
    data = {
        "category": _category().pk,
        "desa": DESA_A,
        "description": "Bantuan sembako bulan ini belum sampai ke rumah kami",
        "anonymous": "on",
    }
    for _ in range(3):  # five posts an hour per device, the two refused ones included
        assert client.post("/layanan/pengaduan/", data).status_code == 302
    limited = client.post("/layanan/pengaduan/", data)
    assert limited.status_code == 429
    assert Complaint.objects.count() == 3


def test_complaint_becomes_a_registry_proposal() -> None:
    operator = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    recipient = build(Profile(in_dtks=True))
    left_out = build(Profile(in_dtks=False))
    not_poor = _submit(category=_category("tidak-layak"), subject_nik=recipient.nik)
    assert not_poor.person == recipient
    proposal = service_complaints.complaint_to_proposal(actor=operator, complaint=not_poor)
    assert proposal.kind == ProposalKind.REMOVAL and proposal.payload["reason"] == "tidak_miskin"
    assert proposal.household is not None and not_poor.tracking_code in proposal.reason
    not_poor.refresh_from_db()
    assert not_poor.proposal == proposal
    with pytest.raises(ValidationError, match="sudah menjadi usulan"):
        service_complaints.complaint_to_proposal(actor=operator, complaint=not_poor)
    omitted = _submit(category=_category("terlewat"), subject_nik=left_out.nik)
    change = service_complaints.complaint_to_proposal(actor=operator, complaint=omitted)
    assert change.kind == ProposalKind.CHANGE and change.payload["changes"] == {"in_dtks": True}
    # Already in DTKS, unregistered, or a category that is not about the registry: refused.
    with pytest.raises(ValidationError, match="sudah terdaftar di DTKS"):
        service_complaints.complaint_to_proposal(
            actor=operator,
            complaint=_submit(category=_category("terlewat"), subject_nik=recipient.nik),
        )
    with pytest.raises(ValidationError, match="belum terdaftar"):
        service_complaints.complaint_to_proposal(
            actor=operator, complaint=_submit(category=_category("terlewat"))
        )
    with pytest.raises(ValidationError, match="tidak menjadi usulan"):
        service_complaints.complaint_to_proposal(actor=operator, complaint=_submit())
    # A head of division does not propose registry changes.
    with pytest.raises(PermissionDenied):
        service_complaints.complaint_to_proposal(
            actor=UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO]),
            complaint=_submit(category=_category("tidak-layak"), subject_nik=left_out.nik),
        )


def test_staff_pages_scope_filters_export_and_view_audit(client: Client) -> None:
    in_a = _submit()
    in_b = _submit(desa_code=DESA_B, category=_category("layanan"))
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    client.force_login(clerk)
    page = client.get("/layanan/pengaduan/daftar/").content.decode()
    assert in_a.tracking_code in page and in_b.tracking_code not in page
    assert client.get(f"/layanan/pengaduan/{in_b.pk}/").status_code == 404
    detail = client.get(f"/layanan/pengaduan/{in_a.pk}/").content.decode()
    assert "Sri Wahyuni" in detail
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_type="services.complaint", object_id=str(in_a.pk)
    ).exists()
    # Record a phone complaint from the list page; bad input is answered in the form.
    bad = client.post("/layanan/pengaduan/daftar/", {"channel": "phone", "desa": DESA_A})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert Complaint.objects.count() == 2
    made = client.post(
        "/layanan/pengaduan/daftar/",
        {
            "channel": "phone",
            "category": _category("petugas").pk,
            "desa": DESA_A,
            "description": "Petugas loket bersikap kasar saat melayani warga",
            "anonymous": "on",
        },
    )
    assert made.status_code == 302
    phoned = Complaint.objects.get(channel="phone")
    # Answer from the page, then filter and export.
    client.post(
        f"/layanan/pengaduan/{phoned.pk}/",
        {"action": "answer", "reply": "Petugas sudah diberi teguran dan pembinaan."},
    )
    phoned.refresh_from_db()
    assert phoned.status == ComplaintStatus.ANSWERED
    filtered = client.get("/layanan/pengaduan/daftar/?channel=phone").content.decode()
    assert phoned.tracking_code in filtered and in_a.tracking_code not in filtered
    late = client.get("/layanan/pengaduan/daftar/?late=1").content.decode()  # due in 2026-08
    assert in_a.tracking_code in late and phoned.tracking_code not in late
    export = client.get("/layanan/pengaduan/daftar/?channel=web&format=xlsx&keperluan=Rekap+web")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == [in_a.tracking_code]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="services.complaint"
    ).exists()
    auditor = Client()
    auditor.force_login(UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]))
    assert (
        auditor.post(
            f"/layanan/pengaduan/{in_a.pk}/", {"action": "answer", "reply": "x" * 30}
        ).status_code
        == 403
    )
    in_a.refresh_from_db()
    assert in_a.status == ComplaintStatus.RECEIVED


def test_api_lists_with_the_same_filters_and_answers(client: Client) -> None:
    from sejahtera.accounts.services import issue_api_token

    in_a = _submit()
    in_b = _submit(desa_code=DESA_B)
    phoned = _submit(
        actor=UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]), channel="phone"
    )
    user = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/layanan/pengaduan", **auth).json()
    codes = {c["tracking_code"] for c in listed["items"]}
    assert codes == {in_a.tracking_code, phoned.tracking_code}
    assert "complainant_name" not in listed["items"][0] and in_b.tracking_code not in codes
    only_phone = client.get("/api/layanan/pengaduan?channel=phone", **auth).json()
    assert [c["tracking_code"] for c in only_phone["items"]] == [phoned.tracking_code]
    short = client.post(
        f"/api/layanan/pengaduan/{in_a.pk}/jawab",
        {"reply": "ok"},
        content_type="application/json",
        **auth,
    )
    assert short.status_code == 422 and "minimal" in short.json()["detail"]
    outside = client.post(
        f"/api/layanan/pengaduan/{in_b.pk}/jawab",
        {"reply": "Sudah kami tindak lanjuti dengan pendamping desa."},
        content_type="application/json",
        **auth,
    )
    assert outside.status_code == 404
    answered = client.post(
        f"/api/layanan/pengaduan/{in_a.pk}/jawab",
        {"reply": "Sudah kami tindak lanjuti dengan pendamping desa."},
        content_type="application/json",
        **auth,
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
