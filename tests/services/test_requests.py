"""Service requests: online application with a tracking code, counter visits, the states and
their refusals, the working-day due date and overdue flag, upload limits, the public tracking
page revealing nothing personal, and the rate limit on applications."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.services import requests as service_requests
from sejahtera.services.models import Channel, RequestStatus, Service, ServiceRequest
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 surat pengantar desa"


@pytest.fixture(autouse=True)
def reference(db: None) -> None:
    load(stdout=io.StringIO())
    cache.clear()


def _service(sla: int | None = 3) -> Service:
    service = Service.objects.get(number=1)
    service.sla_working_days = sla
    service.save()
    return service


def _post(client: Client, **extra: Any) -> Any:
    data = {
        "desa": DESA_A,
        "applicant_name": "Siti Aminah",
        "applicant_nik": "",
        "phone": "081234567890",
        "description": "Surat keterangan DTKS untuk pendaftaran sekolah anak",
    }
    data.update(extra)
    return client.post(f"/layanan/{_service().code}/ajukan/", data)


def test_online_application_and_public_tracking(client: Client) -> None:
    response = _post(client, documents=[SimpleUploadedFile("pengantar.pdf", PDF)])
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.channel == Channel.ONLINE and request.documents.count() == 1
    page = client.get(response.url).content.decode()
    assert request.tracking_code in page and "Diterima" in page
    # Nothing personal on the public page.
    for private in ("Siti Aminah", "081234567890", "pendaftaran sekolah"):
        assert private not in page
    assert client.get("/layanan/lacak/?kode=LYN-TIDAKADA").status_code == 404


def test_upload_limits_save_nothing(client: Client) -> None:
    disguised = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 not a pdf")
    page = _post(client, documents=[disguised]).content.decode()
    assert "bukan PDF/JPEG/PNG" in page and not ServiceRequest.objects.exists()
    too_big = SimpleUploadedFile("besar.pdf", PDF + b"0" * (5 * 1024 * 1024))
    assert "terlalu besar" in _post(client, documents=[too_big]).content.decode()
    assert not ServiceRequest.objects.exists()
    bad = _post(client, applicant_nik="1234", description="x").content.decode()
    assert "minimal 10 huruf" in bad
    assert not ServiceRequest.objects.exists()


def test_rate_limit_on_applications(client: Client) -> None:
    for _ in range(5):
        assert _post(client).status_code == 302
    limited = _post(client)
    assert limited.status_code == 429 and "Terlalu banyak permohonan" in limited.content.decode()
    assert ServiceRequest.objects.count() == 5


def test_states_refusals_and_due_dates() -> None:
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    other = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    friday = dt.date(2026, 8, 14)
    request = service_requests.submit_request(
        actor=clerk,
        service=_service(sla=3),
        channel=Channel.COUNTER,
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Permohonan surat keterangan DTKS",
        today=friday,
    )
    assert request.due_on == dt.date(2026, 8, 19)  # Mon, Tue, Wed
    with pytest.raises(PermissionDenied):
        service_requests.submit_request(
            actor=other,
            service=_service(),
            channel=Channel.COUNTER,
            applicant_name="Budi",
            desa_code=DESA_A,
            description="Permohonan surat keterangan DTKS",
        )
    with pytest.raises(PermissionDenied):
        service_requests.move_request(actor=other, request=request, to=RequestStatus.CHECKED)
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        service_requests.move_request(actor=clerk, request=request, to=RequestStatus.DONE)
    with pytest.raises(ValidationError):
        service_requests.move_request(
            actor=clerk, request=request, to=RequestStatus.MISSING, note=""
        )
    service_requests.move_request(
        actor=clerk, request=request, to=RequestStatus.MISSING, note="Surat pengantar desa"
    )
    service_requests.move_request(actor=clerk, request=request, to=RequestStatus.CHECKED)
    service_requests.move_request(actor=clerk, request=request, to=RequestStatus.IN_PROCESS)
    rows = service_requests.requests_for(clerk)
    assert list(service_requests.overdue(rows, today=dt.date(2026, 8, 20))) == [request]
    assert not service_requests.overdue(rows, today=dt.date(2026, 8, 19)).exists()
    done = service_requests.move_request(
        actor=clerk, request=request, to=RequestStatus.DONE, today=dt.date(2026, 8, 20)
    )
    assert done.closed_on == dt.date(2026, 8, 20)
    assert [s.status for s in done.steps.all()] == [
        "received",
        "missing",
        "checked",
        "in_process",
        "done",
    ]
    assert not service_requests.overdue(rows, today=dt.date(2026, 9, 1)).exists()
    with pytest.raises(ValidationError):
        service_requests.move_request(
            actor=clerk, request=done, to=RequestStatus.REFUSED, note="terlambat"
        )


def test_staff_pages(client: Client) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    client.force_login(clerk)
    recorded = client.post(
        "/layanan/permohonan/",
        {
            "service": _service().pk,
            "desa": DESA_A,
            "applicant_name": "Budi",
            "description": "Permohonan surat keterangan DTKS",
        },
    )
    request = ServiceRequest.objects.get()
    assert recorded.status_code == 302 and request.channel == Channel.COUNTER
    client.post(f"/layanan/permohonan/{request.pk}/", {"to": "refused", "note": ""})
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    client.post(
        f"/layanan/permohonan/{request.pk}/", {"to": "refused", "note": "Bukan warga kabupaten ini"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    public = Client().get(f"/layanan/lacak/?kode={request.tracking_code}").content.decode()
    assert "Ditolak" in public and "Bukan warga kabupaten ini" in public and "Budi" not in public
    outsider = Client()
    outsider.force_login(UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B]))
    assert outsider.get(f"/layanan/permohonan/{request.pk}/").status_code == 404


def test_list_filters_pagination_and_export(client: Client) -> None:
    from openpyxl import load_workbook

    from sejahtera.audit.models import Action, AuditEvent

    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    made = [
        service_requests.submit_request(
            actor=clerk,
            service=_service(sla=3),
            channel=Channel.COUNTER,
            applicant_name=f"Pemohon {i:02d}",
            applicant_nik="3516011208850001" if i == 0 else "",
            desa_code=DESA_A,
            description="Surat keterangan DTKS untuk sekolah",
            today=dt.date(2026, 8, 3),
        )
        for i in range(55)
    ]
    service_requests.move_request(actor=clerk, request=made[0], to=RequestStatus.CHECKED)
    service_requests.submit_request(
        actor=None,
        service=_service(),
        channel=Channel.ONLINE,
        applicant_name="Warga Gondang",
        desa_code=DESA_B,
        description="Surat keterangan DTKS untuk sekolah",
    )
    client.force_login(clerk)
    first = client.get("/layanan/permohonan/").content.decode()
    assert "55 permohonan" in first and "Warga Gondang" not in first and "1 / 2" in first
    checked = client.get("/layanan/permohonan/?status=checked").content.decode()
    assert made[0].tracking_code in checked and made[1].tracking_code not in checked
    late = client.get("/layanan/permohonan/?lewat=1").content.decode()
    assert "55 permohonan" in late  # due 6 August 2026, still open
    named = client.get("/layanan/permohonan/?q=Pemohon 07").content.decode()
    assert made[7].tracking_code in named and made[8].tracking_code not in named
    export = client.get(
        "/layanan/permohonan/?status=checked&format=xlsx&keperluan=Rekap+permohonan"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [made[0].tracking_code]
    assert rows[0][4] == "3516••••••••0001"  # NIK masked in the export
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="services.servicerequest"
    ).exists()


def test_api_lists_requests_with_the_same_filters(client: Client) -> None:
    from sejahtera.accounts.services import issue_api_token

    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    mine = service_requests.submit_request(
        actor=clerk,
        service=_service(),
        channel=Channel.COUNTER,
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Surat keterangan DTKS untuk sekolah",
    )
    online = service_requests.submit_request(
        actor=None,
        service=_service(),
        channel=Channel.ONLINE,
        applicant_name="Siti",
        desa_code=DESA_A,
        description="Surat keterangan DTKS untuk sekolah",
    )
    service_requests.submit_request(
        actor=None,
        service=_service(),
        channel=Channel.ONLINE,
        applicant_name="Warga Gondang",
        desa_code=DESA_B,
        description="Surat keterangan DTKS untuk sekolah",
    )
    _t, token = issue_api_token(actor=clerk, user=clerk, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/layanan/permohonan", **auth).json()
    assert {r["tracking_code"] for r in listed["items"]} == {
        mine.tracking_code,
        online.tracking_code,
    }
    assert "applicant_name" not in listed["items"][0]
    counter = client.get("/api/layanan/permohonan?channel=counter", **auth).json()
    assert [r["tracking_code"] for r in counter["items"]] == [mine.tracking_code]
