"""The office's configuration of its services (division, working-day target, documents),
complaint categories (deadline, division) and the holiday calendar: only administrators,
bad input refused with a message and nothing saved, and new requests follow the settings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.services import config
from sejahtera.services import requests as service_requests
from sejahtera.services.models import ComplaintCategory, Holiday, Service
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, MOJOKERTO

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference(db: None) -> None:
    load(stdout=io.StringIO())


def test_services_and_categories_are_configured_by_administrators() -> None:
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    rehsos = Unit.objects.get(code="REHSOS")
    service = Service.objects.get(number=5)
    config.configure_service(
        actor=admin,
        service=service,
        unit=rehsos,
        sla_working_days=7,
        documents=["Surat pengantar desa", "  ", "Fotokopi KTP"],
    )
    service.refresh_from_db()
    assert (service.unit, service.sla_working_days) == (rehsos, 7)
    assert service.documents == ["Surat pengantar desa", "Fotokopi KTP"]
    assert AuditEvent.objects.filter(object_type="services.service", object_id=str(service.pk))
    with pytest.raises(ValidationError, match="antara 1 dan 60"):
        config.configure_service(
            actor=admin, service=service, unit=None, sla_working_days=0, documents=[]
        )
    service.refresh_from_db()
    assert service.sla_working_days == 7 and service.unit == rehsos
    with pytest.raises(PermissionDenied):
        config.configure_service(
            actor=UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO]),
            service=service,
            unit=None,
            sla_working_days=3,
            documents=[],
        )
    category = ComplaintCategory.objects.get(code="lainnya")
    config.configure_category(actor=admin, category=category, unit=rehsos, response_working_days=10)
    category.refresh_from_db()
    assert category.response_working_days == 10 and category.unit == rehsos
    with pytest.raises(ValidationError):
        config.configure_category(
            actor=admin, category=category, unit=None, response_working_days=None
        )


def test_holidays_move_due_dates_of_new_requests() -> None:
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    service = Service.objects.get(number=1)
    service.sla_working_days = 2
    service.save()
    friday = dt.date(2026, 12, 18)
    config.add_holiday(actor=admin, date=dt.date(2026, 12, 21), name="Cuti bersama Natal")
    with pytest.raises(ValidationError):
        config.add_holiday(actor=admin, date=dt.date(2026, 12, 21), name="Dua kali")
    with pytest.raises(ValidationError):
        config.add_holiday(actor=admin, date=dt.date(2026, 12, 22), name="")
    assert Holiday.objects.count() == 1
    request = service_requests.submit_request(
        actor=None,
        service=service,
        channel="online",
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Surat keterangan DTKS untuk sekolah",
        today=friday,
    )
    assert request.due_on == dt.date(2026, 12, 23)  # Mon 21 off: Tue 22, Wed 23
    config.remove_holiday(actor=admin, holiday=Holiday.objects.get())
    assert not Holiday.objects.exists()


def test_settings_page(client: Client) -> None:
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    client.force_login(admin)
    page = client.get("/layanan/pengaturan/?tahun=2026")
    assert page.status_code == 200 and "Hari libur nasional" in page.content.decode()
    service = Service.objects.get(number=2)
    bad = client.post(
        "/layanan/pengaturan/", {"action": "service", "pk": service.pk, "sla": "tiga"}, follow=True
    )
    assert "harus berupa angka" in bad.content.decode()
    service.refresh_from_db()
    assert service.sla_working_days is None
    client.post(
        "/layanan/pengaturan/",
        {"action": "service", "pk": service.pk, "sla": "4", "documents": "KTP\r\nKK"},
    )
    service.refresh_from_db()
    assert service.sla_working_days == 4 and service.documents == ["KTP", "KK"]
    # The public page now says how long it takes and what to bring.
    public = Client().get("/layanan/").content.decode()
    assert "4 hari kerja" in public
    added = client.post(
        "/layanan/pengaturan/",
        {"action": "holiday", "date": "2026-08-17", "name": "Hari Kemerdekaan RI"},
    )
    assert added.status_code == 302 and Holiday.objects.filter(date="2026-08-17").exists()
    again = client.post(
        "/layanan/pengaturan/",
        {"action": "holiday", "date": "2026-08-17", "name": "Hari Kemerdekaan RI"},
    )
    assert again.status_code == 200 and "sudah tercatat" in again.content.decode()
    clerk = Client()
    clerk.force_login(UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]))
    assert clerk.get("/layanan/pengaturan/").status_code == 403
