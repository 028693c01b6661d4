"""Writes of the cemeteries app: each refusal says why in Bahasa Indonesia and saves
nothing; writes are scoped by the cemetery's desa and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.cemeteries import maintenance, services
from sejahtera.cemeteries.models import (
    Cemetery,
    Ceremony,
    Grave,
    GraveCategory,
    MaintenanceKind,
    MaintenancePhoto,
    MaintenanceWork,
    Occasion,
)
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import (
    CemeteryFactory,
    GraveFactory,
    WorkFactory,
    fake_jpeg,
    jpeg,
    png,
)
from tests.conftest import DESA_A, DESA_A2, DESA_B, MOJOKERTO

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def clerk() -> Any:
    return UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])


def _ours() -> Any:
    return AuditEvent.objects.filter(object_type__startswith="cemeteries.")


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Cemeteries ----------------------------------------------------------------------------


def test_register_and_update_a_cemetery(clerk: Any) -> None:
    cemetery = services.register_cemetery(
        actor=clerk,
        name="  Taman Makam  Pahlawan Uji ",
        desa_code=DESA_A,
        address="Jl. Pahlawan 1",
        area_m2=2500,
    )
    assert cemetery.name == "Taman Makam Pahlawan Uji" and cemetery.desa_id == DESA_A
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="cemeteries.cemetery")
    assert created.wilayah_code == DESA_A and created.changes["area_m2"] == [None, 2500]
    services.update_cemetery(
        actor=clerk,
        cemetery=cemetery,
        name=cemetery.name,
        desa_code=DESA_A2,
        address="Jl. Pahlawan 1",
        area_m2=2600,
        condition_notes="Pagar berkarat",
    )
    cemetery.refresh_from_db()
    assert cemetery.desa_id == DESA_A2 and cemetery.area_m2 == 2600
    updated = AuditEvent.objects.get(action=Action.UPDATE, object_type="cemeteries.cemetery")
    assert updated.changes["desa"] == [DESA_A, DESA_A2]
    assert updated.changes["condition_notes"] == ["", "Pagar berkarat"]


def test_cemetery_refusals_save_nothing(clerk: Any) -> None:
    CemeteryFactory(name="Taman Makam Pahlawan Uji", desa_id=DESA_A)
    with pytest.raises(ValidationError) as exc:
        services.register_cemetery(actor=clerk, name="ab", desa_code="35.16", area_m2=0)
    errors = _messages(exc)
    assert set(errors) == {"name", "desa", "area_m2"}
    assert "desa/kelurahan" in errors["desa"][0]
    with pytest.raises(ValidationError) as exc:
        services.register_cemetery(actor=clerk, name="taman makam pahlawan UJI", desa_code=DESA_A)
    assert "sudah terdaftar" in _messages(exc)["name"][0]
    # The same name in another desa is another cemetery.
    services.register_cemetery(actor=clerk, name="Taman Makam Pahlawan Uji", desa_code=DESA_B)
    assert Cemetery.objects.count() == 2
    assert not AuditEvent.objects.filter(
        action=Action.CREATE, object_type="cemeteries.cemetery", wilayah_code=DESA_A
    ).exists()


def test_writes_are_scoped_by_the_cemeterys_desa() -> None:
    village = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    auditor = UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO])
    elsewhere = CemeteryFactory(desa_id=DESA_B)
    with pytest.raises(PermissionDenied):
        services.register_cemetery(actor=village, name="Taman Makam Lain", desa_code=DESA_B)
    with pytest.raises(PermissionDenied):
        services.add_grave(
            actor=village, cemetery=elsewhere, number="1", name="Darmo", category="veteran"
        )
    with pytest.raises(PermissionDenied):
        maintenance.record_maintenance(
            actor=village,
            cemetery=elsewhere,
            kind=MaintenanceKind.PEMBERSIHAN,
            description="Pembersihan",
            started_on=TODAY,
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.record_ceremony(
            actor=village,
            cemetery=elsewhere,
            held_on=dt.date(2026, 8, 17),
            occasion=Occasion.HUT_RI,
            today=TODAY,
        )
    # Moving one's own cemetery out of one's area is refused too.
    own = CemeteryFactory(desa_id=DESA_A)
    with pytest.raises(PermissionDenied):
        services.update_cemetery(actor=village, cemetery=own, name=own.name, desa_code=DESA_B)
    with pytest.raises(PermissionDenied):
        services.register_cemetery(actor=auditor, name="Taman Makam Baca", desa_code=DESA_A)
    assert Grave.objects.count() == 0 and MaintenanceWork.objects.count() == 0
    assert Ceremony.objects.count() == 0 and Cemetery.objects.count() == 2
    own.refresh_from_db()
    assert own.desa_id == DESA_A
    # Within its desa the operator may write.
    assert services.add_grave(
        actor=village, cemetery=own, number="1", name="Darmo", category="veteran", today=TODAY
    )


# --- Graves --------------------------------------------------------------------------------


def test_add_and_edit_a_grave(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    grave = services.add_grave(
        actor=clerk,
        cemetery=cemetery,
        block=" a ",
        number="12",
        name="Soekardi  Hadi",
        category=GraveCategory.VETERAN,
        rank="Sersan",
        corps="TKR",
        birth_date=dt.date(1925, 1, 1),
        death_date=dt.date(1990, 5, 2),
        burial_date=dt.date(1990, 5, 3),
        today=TODAY,
    )
    assert (grave.block, grave.number, grave.name, grave.place) == (
        "A",
        "12",
        "Soekardi Hadi",
        "A-12",
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="cemeteries.grave", wilayah_code=DESA_A
    ).exists()
    services.edit_grave(
        actor=clerk,
        grave=grave,
        block="A",
        number="12",
        name="Soekardi Hadi",
        category=GraveCategory.PERINTIS,
        today=TODAY,
    )
    grave.refresh_from_db()
    assert grave.category == GraveCategory.PERINTIS and grave.rank == ""
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="cemeteries.grave")
    assert event.changes["category"] == ["veteran", "perintis"]


def test_a_grave_place_taken_is_refused(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    GraveFactory(cemetery=cemetery, block="A", number="12", name="Darmo Wiryo")
    with pytest.raises(ValidationError) as exc:
        services.add_grave(
            actor=clerk,
            cemetery=cemetery,
            block="a",
            number=" 12",
            name="Kasiman",
            category=GraveCategory.VETERAN,
            today=TODAY,
        )
    assert "sudah tercatat atas nama Darmo Wiryo" in _messages(exc)["number"][0]
    assert Grave.objects.count() == 1
    # The same place in another block, or in another cemetery, is free.
    services.add_grave(
        actor=clerk, cemetery=cemetery, block="B", number="12", name="Kasiman", category="veteran"
    )
    services.add_grave(
        actor=clerk,
        cemetery=CemeteryFactory(),
        block="A",
        number="12",
        name="Kasiman",
        category="veteran",
    )
    # Editing a grave into a taken place is refused as well; keeping its own place is not.
    other = GraveFactory(cemetery=cemetery, block="C", number="1", name="Wagiman")
    with pytest.raises(ValidationError):
        services.edit_grave(
            actor=clerk, grave=other, block="A", number="12", name="Wagiman", category="veteran"
        )
    services.edit_grave(
        actor=clerk, grave=other, block="C", number="1", name="Wagiman Harjo", category="veteran"
    )
    other.refresh_from_db()
    assert (other.block, other.number, other.name) == ("C", "1", "Wagiman Harjo")


def test_grave_dates_and_fields_are_checked(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    with pytest.raises(ValidationError) as exc:
        services.add_grave(
            actor=clerk,
            cemetery=cemetery,
            number="",
            name="X",
            category="raja",
            birth_date=dt.date(1930, 1, 1),
            death_date=dt.date(1920, 1, 1),
            burial_date=dt.date(2027, 1, 1),
            today=TODAY,
        )
    errors = _messages(exc)
    assert set(errors) == {"number", "name", "category", "death_date", "burial_date"}
    assert "sebelum tanggal lahir" in errors["death_date"][0]
    assert "melewati hari ini" in errors["burial_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.add_grave(
            actor=clerk,
            cemetery=cemetery,
            number="3",
            name="Slamet",
            category="veteran",
            death_date=dt.date(1980, 1, 5),
            burial_date=dt.date(1980, 1, 4),
            today=TODAY,
        )
    assert "sebelum tanggal wafat" in _messages(exc)["burial_date"][0]
    assert Grave.objects.count() == 0 and not _ours().exists()


# --- Maintenance ---------------------------------------------------------------------------


def _work(actor: Any, cemetery: Cemetery, **extra: Any) -> MaintenanceWork:
    data: dict[str, Any] = {
        "actor": actor,
        "cemetery": cemetery,
        "kind": MaintenanceKind.PENGECATAN,
        "description": "Pengecatan nisan blok A",
        "started_on": dt.date(2026, 10, 1),
        "finished_on": dt.date(2026, 10, 4),
        "cost": 2_000_000,
        "contractor": "CV Uji",
        "today": TODAY,
    }
    data.update(extra)
    return maintenance.record_maintenance(**data)


def test_record_maintenance_with_photos(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    work = _work(clerk, cemetery, photos=[png(), jpeg()])
    assert work.cost == 2_000_000 and work.finished_on == dt.date(2026, 10, 4)
    photos = list(work.photos.order_by("id"))
    assert [(p.kind, p.name) for p in photos] == [("png", "foto.png"), ("jpeg", "foto.jpg")]
    assert photos[0].file.read().startswith(b"\x89PNG")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="cemeteries.maintenancework")
    assert event.changes["cost"] == [None, 2_000_000] and event.extra == {"photos": 2}
    # Still going: no finish date, finished later with its final cost.
    going = _work(clerk, cemetery, finished_on=None, cost=0)
    maintenance.finish_maintenance(
        actor=clerk, work=going, finished_on=dt.date(2026, 11, 2), cost=750_000, today=TODAY
    )
    going.refresh_from_db()
    assert going.finished_on == dt.date(2026, 11, 2) and going.cost == 750_000
    with pytest.raises(ValidationError, match="sudah selesai"):
        maintenance.finish_maintenance(
            actor=clerk, work=going, finished_on=dt.date(2026, 11, 3), today=TODAY
        )


def test_maintenance_refusals_save_nothing(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    with pytest.raises(ValidationError) as exc:
        _work(
            clerk,
            cemetery,
            kind="sulap",
            description="cat",
            started_on=dt.date(2026, 10, 5),
            finished_on=dt.date(2026, 10, 4),
            cost=-1,
        )
    errors = _messages(exc)
    assert set(errors) == {"kind", "description", "finished_on", "cost"}
    assert "sebelum tanggal mulai" in errors["finished_on"][0]
    assert "negatif" in errors["cost"][0]
    with pytest.raises(ValidationError) as exc:
        _work(clerk, cemetery, started_on=dt.date(2026, 11, 21), finished_on=None)
    assert "melewati hari ini" in _messages(exc)["started_on"][0]
    with pytest.raises(ValidationError) as exc:
        _work(clerk, cemetery, started_on=TODAY, finished_on=dt.date(2026, 11, 25))
    assert "melewati hari ini" in _messages(exc)["finished_on"][0]
    with pytest.raises(ValidationError):
        _work(clerk, cemetery, started_on=None)
    assert MaintenanceWork.objects.count() == 0 and not _ours().exists()
    # Zero cost is allowed (volunteer work).
    assert _work(clerk, cemetery, cost=0).cost == 0


def test_photos_are_checked_by_content(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    with pytest.raises(ValidationError) as exc:
        _work(clerk, cemetery, photos=[png(), fake_jpeg()])
    assert "bukan JPEG/PNG" in _messages(exc)["photos"][0]
    assert MaintenanceWork.objects.count() == 0 and MaintenancePhoto.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        _work(clerk, cemetery, cost=-1, photos=[fake_jpeg()])
    assert set(_messages(exc)) == {"cost", "photos"}  # every mistake told at once
    pdf = SimpleUploadedFile("laporan.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        _work(clerk, cemetery, photos=[pdf])
    work = _work(clerk, cemetery)
    with pytest.raises(ValidationError, match="bukan JPEG/PNG"):
        maintenance.add_photos(actor=clerk, work=work, photos=[jpeg(), fake_jpeg()])
    assert work.photos.count() == 0
    with pytest.raises(ValidationError, match="Pilih foto"):
        maintenance.add_photos(actor=clerk, work=work, photos=[])
    saved = maintenance.add_photos(actor=clerk, work=work, photos=[jpeg("nisan.jpg")])
    assert [p.name for p in saved] == ["nisan.jpg"] and work.photos.count() == 1
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="cemeteries.maintenancework"
    ).get().extra == {"photos_added": ["nisan.jpg"]}


def test_photo_size_and_count_limits(clerk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cemetery = CemeteryFactory()
    big = SimpleUploadedFile("besar.jpg", b"\xff\xd8\xff" + b"0" * 2048, content_type="image/jpeg")
    monkeypatch.setattr(maintenance, "MAX_PHOTO_BYTES", 1024)
    with pytest.raises(ValidationError, match="terlalu besar"):
        _work(clerk, cemetery, photos=[big])
    with pytest.raises(ValidationError, match="Paling banyak"):
        _work(
            clerk, cemetery, photos=[jpeg() for _ in range(maintenance.MAX_PHOTOS_PER_UPLOAD + 1)]
        )
    monkeypatch.setattr(maintenance, "MAX_PHOTOS_PER_WORK", 2)
    work = _work(clerk, cemetery, photos=[jpeg()])
    with pytest.raises(ValidationError, match="sudah ada 1"):
        maintenance.add_photos(actor=clerk, work=work, photos=[jpeg(), png()])
    assert work.photos.count() == 1 and MaintenanceWork.objects.count() == 1


def test_finish_refusals(clerk: Any) -> None:
    work = WorkFactory(started_on=dt.date(2026, 11, 1), finished_on=None, cost=100)
    with pytest.raises(ValidationError) as exc:
        maintenance.finish_maintenance(
            actor=clerk, work=work, finished_on=dt.date(2026, 10, 31), today=TODAY
        )
    assert "sebelum tanggal mulai" in _messages(exc)["finished_on"][0]
    with pytest.raises(ValidationError):
        maintenance.finish_maintenance(
            actor=clerk, work=work, finished_on=dt.date(2026, 11, 21), today=TODAY
        )
    with pytest.raises(ValidationError):
        maintenance.finish_maintenance(
            actor=clerk, work=work, finished_on=dt.date(2026, 11, 5), cost=-5, today=TODAY
        )
    with pytest.raises(ValidationError):
        maintenance.finish_maintenance(actor=clerk, work=work, finished_on=None, today=TODAY)
    work.refresh_from_db()
    assert work.finished_on is None and work.cost == 100 and not _ours().exists()


# --- Ceremonies ----------------------------------------------------------------------------


def test_record_ceremonies_and_refusals(clerk: Any) -> None:
    cemetery = CemeteryFactory()
    held = services.record_ceremony(
        actor=clerk,
        cemetery=cemetery,
        held_on=dt.date(2026, 11, 10),
        occasion=Occasion.HARI_PAHLAWAN,
        attendance=250,
        notes="Tabur bunga",
        today=TODAY,
    )
    assert held.attendance == 250
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="cemeteries.ceremony", wilayah_code=DESA_A
    ).exists()
    with pytest.raises(ValidationError) as exc:
        services.record_ceremony(
            actor=clerk,
            cemetery=cemetery,
            held_on=dt.date(2026, 11, 10),
            occasion=Occasion.HARI_PAHLAWAN,
            today=TODAY,
        )
    assert "sudah tercatat" in _messages(exc)["held_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_ceremony(
            actor=clerk,
            cemetery=cemetery,
            held_on=dt.date(2026, 12, 1),
            occasion=Occasion.LAINNYA,
            attendance=-3,
            today=TODAY,
        )
    assert set(_messages(exc)) == {"held_on", "notes", "attendance"}
    with pytest.raises(ValidationError):
        services.record_ceremony(
            actor=clerk, cemetery=cemetery, held_on=None, occasion="pesta", today=TODAY
        )
    assert Ceremony.objects.count() == 1
