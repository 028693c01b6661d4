"""Veterans' data: checked NIK, linked to the registry person the clerk can see, scoped by
desa; the list masks the NIK, the export is audited, every view of a veteran's page is
audited, and audit events never hold the full NIK."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.cemeteries import veterans
from sejahtera.cemeteries.models import Veteran, VeteranCategory
from sejahtera.common.nik import make_nik
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import VeteranFactory
from tests.conftest import DESA_A, DESA_A2, DESA_B, MOJOKERTO
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)
BORN = dt.date(1950, 3, 4)
NIK = make_nik(kecamatan_code="35.16.01", birth_date=BORN, sex="L", serial=77)


@pytest.fixture
def clerk() -> Any:
    return UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])


def _register(actor: Any, **extra: Any) -> Veteran:
    data: dict[str, Any] = {
        "actor": actor,
        "name": "Soewito Harjo",
        "category": VeteranCategory.PEMBELA,
        "desa_code": DESA_A,
        "nik": NIK,
        "birth_date": BORN,
        "decree_number": "SKEP/123/1985",
        "today": TODAY,
    }
    data.update(extra)
    return veterans.register_veteran(**data)


def _ours() -> Any:
    return AuditEvent.objects.filter(object_type="cemeteries.veteran")


def test_register_links_the_registry_person_and_audits_without_the_nik(clerk: Any) -> None:
    person = PersonFactory(nik=NIK, birth_date=BORN, desa_id=DESA_A)
    veteran = _register(clerk)
    assert veteran.person == person and veteran.nik == NIK
    event = _ours().get(action=Action.CREATE)
    assert NIK not in json.dumps(event.changes)
    assert event.changes["nik"] == [None, "3516••••••••0077"]
    veterans.update_veteran(
        actor=clerk,
        veteran=veteran,
        name="Soewito Harjo",
        category=VeteranCategory.PEMBELA,
        desa_code=DESA_A,
        nik=NIK,
        birth_date=BORN,
        is_deceased=True,
        deceased_on=dt.date(2026, 2, 1),
        today=TODAY,
    )
    veteran.refresh_from_db()
    assert veteran.is_deceased and veteran.deceased_on == dt.date(2026, 2, 1)
    assert veteran.decree_number == ""  # the form sends every field
    update = _ours().get(action=Action.UPDATE)
    assert update.changes["is_deceased"] == [False, True] and "nik" not in update.changes


def test_a_person_outside_the_clerks_area_is_not_linked() -> None:
    PersonFactory(nik=NIK, birth_date=BORN, desa_id=DESA_B)
    village = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    assert _register(village).person is None


def test_refusals_save_nothing(clerk: Any) -> None:
    _register(clerk)
    with pytest.raises(ValidationError) as exc:
        _register(clerk, name="Ab", category="jenderal", desa_code="35.16.01", nik="12345")
    assert set(exc.value.message_dict) == {"name", "category", "desa", "nik"}
    assert "16 angka" in exc.value.message_dict["nik"][0]
    with pytest.raises(ValidationError) as exc:
        _register(clerk, name="Orang Lain")
    assert "sudah tercatat" in exc.value.message_dict["nik"][0]
    with pytest.raises(ValidationError) as exc:
        _register(clerk, nik="", deceased_on=dt.date(2020, 1, 1))
    assert "hanya diisi bila" in exc.value.message_dict["deceased_on"][0]
    with pytest.raises(ValidationError) as exc:
        _register(clerk, nik="", is_deceased=True, deceased_on=dt.date(1949, 1, 1))
    assert "sebelum tanggal lahir" in exc.value.message_dict["deceased_on"][0]
    with pytest.raises(ValidationError):
        _register(clerk, nik="", is_deceased=True, deceased_on=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError):
        _register(clerk, nik="", birth_date=dt.date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        _register(UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B]), nik="")
    with pytest.raises(PermissionDenied):
        _register(UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]), nik="")
    assert Veteran.objects.count() == 1 and _ours().count() == 1
    # Two veterans without NIK are fine.
    _register(clerk, nik="", name="Tanpa NIK Satu")
    _register(clerk, nik="", name="Tanpa NIK Dua")
    assert Veteran.objects.filter(nik="").count() == 2


def test_update_is_scoped(clerk: Any) -> None:
    veteran = VeteranFactory(desa_id=DESA_B)
    village = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    with pytest.raises(PermissionDenied):
        veterans.update_veteran(
            actor=village,
            veteran=veteran,
            name="Pindah",
            category=VeteranCategory.PEMBELA,
            desa_code=DESA_A,
        )
    veteran.refresh_from_db()
    assert veteran.desa_id == DESA_B and veteran.name != "Pindah"


def test_pages_mask_scope_audit_and_export(client: Client) -> None:
    mine = VeteranFactory(name="Kasiman Wiryo", nik=NIK, desa_id=DESA_A)
    other = VeteranFactory(name="Ngadiman Suryo", desa_id=DESA_B)
    village = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    client.force_login(village)
    page = client.get("/makam-pahlawan/veteran/").content.decode()
    assert "Kasiman Wiryo" in page and "Ngadiman Suryo" not in page
    assert NIK not in page and "3516••••••••0077" in page
    assert client.get(f"/makam-pahlawan/veteran/{other.pk}/").status_code == 404
    detail = client.get(f"/makam-pahlawan/veteran/{mine.pk}/").content.decode()
    assert NIK in detail
    viewed = AuditEvent.objects.get(action=Action.VIEW, object_type="cemeteries.veteran")
    assert viewed.object_id == str(mine.pk) and viewed.actor == village
    # Filters: by status, and a whole NIK finds its veteran (a part of one does not).
    assert "Kasiman" in client.get(f"/makam-pahlawan/veteran/?q={NIK}").content.decode()
    assert "Kasiman" not in client.get(f"/makam-pahlawan/veteran/?q={NIK[:8]}").content.decode()
    assert "Kasiman" not in client.get("/makam-pahlawan/veteran/?status=meninggal").content.decode()
    export = client.get("/makam-pahlawan/veteran/?format=xlsx&keperluan=Data+tunjangan")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [("Kasiman Wiryo", "3516••••••••0077")]
    exported = AuditEvent.objects.get(action=Action.EXPORT, object_type="cemeteries.veteran")
    assert exported.extra["rows"] == 1


def test_register_and_edit_from_the_pages(client: Client) -> None:
    client.force_login(UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]))
    bad = client.post("/makam-pahlawan/veteran/", {"name": "Slamet", "nik": "35160104035000"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert Veteran.objects.count() == 0
    outside = client.post(
        "/makam-pahlawan/veteran/",
        {"name": "Slamet Pranoto", "category": "pembela", "desa": DESA_B},
    )
    assert outside.status_code == 200 and Veteran.objects.count() == 0
    made = client.post(
        "/makam-pahlawan/veteran/",
        {
            "name": "Slamet Pranoto",
            "category": "pembela",
            "desa": DESA_A,
            "nik": NIK,
            "birth_date": BORN.isoformat(),
        },
    )
    assert made.status_code == 302
    veteran = Veteran.objects.get()
    edited = client.post(
        f"/makam-pahlawan/veteran/{veteran.pk}/",
        {
            "name": "Slamet Pranoto",
            "category": "perdamaian",
            "desa": DESA_A2,
            "nik": NIK,
            "birth_date": BORN.isoformat(),
        },
    )
    assert edited.status_code == 200  # DESA_A2 is not the operator's desa: refused in the form
    veteran.refresh_from_db()
    assert veteran.category == "pembela"
    edited = client.post(
        f"/makam-pahlawan/veteran/{veteran.pk}/",
        {
            "name": "Slamet Pranoto",
            "category": "perdamaian",
            "desa": DESA_A,
            "nik": NIK,
            "birth_date": BORN.isoformat(),
        },
    )
    assert edited.status_code == 302
    veteran.refresh_from_db()
    assert veteran.category == "perdamaian"
    auditor = Client()
    auditor.force_login(UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]))
    assert auditor.post(f"/makam-pahlawan/veteran/{veteran.pk}/", {"name": "X"}).status_code == 403


def test_a_changed_nik_is_audited_masked(clerk: Any) -> None:
    veteran = _register(clerk)
    other = make_nik(kecamatan_code="35.16.01", birth_date=dt.date(1950, 3, 5), sex="L", serial=77)
    veterans.update_veteran(
        actor=clerk,
        veteran=veteran,
        name=veteran.name,
        category=veteran.category,
        desa_code=DESA_A,
        nik=other,
        birth_date=dt.date(1950, 3, 5),
        today=TODAY,
    )
    event = _ours().get(action=Action.UPDATE)
    assert event.changes["nik"] == ["3516••••••••0077", "3516••••••••0077 (diganti)"]
    assert other not in json.dumps(event.changes) and NIK not in json.dumps(event.changes)
