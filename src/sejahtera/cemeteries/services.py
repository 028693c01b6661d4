"""Writes of the heroes' cemeteries: register and edit a cemetery, add and edit graves
(block/number unique within the cemetery), record ceremonies. Each is one transaction, needs
Cap.WRITE and the cemetery's desa in the actor's areas, and writes an audit event; bad input
raises a ValidationError in Bahasa Indonesia and saves nothing. Maintenance works and their
photos are in maintenance.py, veterans in veterans.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.cemeteries.models import (
    Cemetery,
    Ceremony,
    Grave,
    GraveCategory,
    Occasion,
)
from sejahtera.wilayah.models import Level, Wilayah

MAX_AREA_M2 = 10_000_000
MAX_ATTENDANCE = 100_000


def recorder(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _desa(code: str) -> Wilayah | None:
    return Wilayah.objects.filter(code=(code or "").strip(), level=Level.DESA).first()


def lock_cemetery(actor: Any, cemetery: Cemetery) -> Cemetery:
    """The cemetery, locked, after checking the actor may write in its desa."""
    require(actor, Cap.WRITE)
    locked = Cemetery.objects.select_for_update().get(pk=cemetery.pk)
    if actor is not None and not in_scope(actor, locked.desa_id):
        raise PermissionDenied(_("Taman makam ini di luar wilayah kerja Anda."))
    return locked


def not_future(errors: dict[str, str], field: str, value: dt.date | None, today: dt.date) -> None:
    if value is not None and value > today and field not in errors:
        errors[field] = _("Tanggal tidak boleh melewati hari ini (%(today)s).") % {
            "today": today.strftime("%d-%m-%Y")
        }


# --- Cemeteries ----------------------------------------------------------------------------


def _cemetery_errors(
    *,
    actor: Any,
    name: str,
    desa_code: str,
    area_m2: int | None,
    exclude_pk: int | None = None,
) -> tuple[dict[str, str], Wilayah | None]:
    errors: dict[str, str] = {}
    desa = _desa(desa_code)
    if desa is None:
        errors["desa"] = _("Pilih desa/kelurahan letak taman makam.")
    elif actor is not None and not in_scope(actor, desa.code):
        raise PermissionDenied(_("Desa ini di luar wilayah kerja Anda."))
    if len(name) < 3:
        errors["name"] = _("Tuliskan nama taman makam (minimal 3 huruf).")
    elif desa is not None:
        same = Cemetery.objects.filter(desa=desa, name__iexact=name)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = _("Taman makam bernama %(name)s sudah terdaftar di desa ini.") % {
                "name": name
            }
    if area_m2 is not None and not 0 < area_m2 <= MAX_AREA_M2:
        errors["area_m2"] = _("Luas harus lebih dari 0 dan paling besar %(max)s m².") % {
            "max": f"{MAX_AREA_M2:,}".replace(",", ".")
        }
    return errors, desa


@transaction.atomic
def register_cemetery(
    *,
    actor: Any,
    name: str,
    desa_code: str,
    address: str = "",
    area_m2: int | None = None,
    condition_notes: str = "",
) -> Cemetery:
    require(actor, Cap.WRITE)
    name = " ".join(name.split())
    errors, desa = _cemetery_errors(actor=actor, name=name, desa_code=desa_code, area_m2=area_m2)
    if errors or desa is None:
        raise ValidationError(errors)
    cemetery = Cemetery.objects.create(
        name=name[:200],
        desa=desa,
        address=address.strip()[:300],
        area_m2=area_m2,
        condition_notes=condition_notes.strip(),
        created_by=recorder(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=cemetery,
        wilayah_code=desa.code,
        changes=audit.diff({}, audit.snapshot(cemetery, exclude=("created_at", "created_by"))),
    )
    return cemetery


@transaction.atomic
def update_cemetery(
    *,
    actor: Any,
    cemetery: Cemetery,
    name: str,
    desa_code: str,
    address: str = "",
    area_m2: int | None = None,
    condition_notes: str = "",
) -> Cemetery:
    cemetery = lock_cemetery(actor, cemetery)
    name = " ".join(name.split())
    errors, desa = _cemetery_errors(
        actor=actor, name=name, desa_code=desa_code, area_m2=area_m2, exclude_pk=cemetery.pk
    )
    if errors or desa is None:
        raise ValidationError(errors)
    before = audit.snapshot(cemetery)
    cemetery.name = name[:200]
    cemetery.desa = desa
    cemetery.address = address.strip()[:300]
    cemetery.area_m2 = area_m2
    cemetery.condition_notes = condition_notes.strip()
    cemetery.save()
    changes = audit.diff(before, audit.snapshot(cemetery))
    if changes:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=cemetery,
            wilayah_code=desa.code,
            changes=changes,
        )
    return cemetery


# --- Graves --------------------------------------------------------------------------------


def _place(value: str) -> str:
    return "".join(value.split()).upper()


def _grave_errors(
    *,
    cemetery: Cemetery,
    block: str,
    number: str,
    name: str,
    category: str,
    birth_date: dt.date | None,
    death_date: dt.date | None,
    burial_date: dt.date | None,
    today: dt.date,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = _("Tuliskan nomor makam.")
    elif len(number) > 20 or len(block) > 20:
        errors["number"] = _("Blok dan nomor makam paling panjang 20 huruf.")
    else:
        same = Grave.objects.filter(cemetery=cemetery, block=block, number=number)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        taken = same.first()
        if taken is not None:
            errors["number"] = _(
                "Makam %(place)s di %(cemetery)s sudah tercatat atas nama %(name)s."
            ) % {"place": taken.place, "cemetery": cemetery.name, "name": taken.name}
    if len(name) < 2:
        errors["name"] = _("Tuliskan nama yang dimakamkan (atau “Tak dikenal”).")
    if category not in GraveCategory.values:
        errors["category"] = _("Pilih kategori yang dimakamkan.")
    for field, value in (
        ("birth_date", birth_date),
        ("death_date", death_date),
        ("burial_date", burial_date),
    ):
        not_future(errors, field, value, today)
    if birth_date and death_date and death_date < birth_date and "death_date" not in errors:
        errors["death_date"] = _("Tanggal wafat sebelum tanggal lahir.")
    if death_date and burial_date and burial_date < death_date and "burial_date" not in errors:
        errors["burial_date"] = _("Tanggal dimakamkan sebelum tanggal wafat.")
    if birth_date and burial_date and burial_date < birth_date and "burial_date" not in errors:
        errors["burial_date"] = _("Tanggal dimakamkan sebelum tanggal lahir.")
    return errors


@transaction.atomic
def add_grave(
    *,
    actor: Any,
    cemetery: Cemetery,
    number: str,
    name: str,
    category: str,
    block: str = "",
    rank: str = "",
    corps: str = "",
    birth_date: dt.date | None = None,
    death_date: dt.date | None = None,
    burial_date: dt.date | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> Grave:
    """A grave at block/number of the cemetery; a place already taken is refused. The
    cemetery row is locked so two clerks cannot take the same place at once."""
    cemetery = lock_cemetery(actor, cemetery)
    block, number, name = _place(block), _place(number), " ".join(name.split())
    errors = _grave_errors(
        cemetery=cemetery,
        block=block,
        number=number,
        name=name,
        category=category,
        birth_date=birth_date,
        death_date=death_date,
        burial_date=burial_date,
        today=today_or(today),
    )
    if errors:
        raise ValidationError(errors)
    grave = Grave.objects.create(
        cemetery=cemetery,
        block=block,
        number=number,
        name=name[:200],
        rank=rank.strip()[:100],
        corps=corps.strip()[:150],
        birth_date=birth_date,
        death_date=death_date,
        burial_date=burial_date,
        category=category,
        notes=notes.strip(),
        created_by=recorder(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=grave,
        wilayah_code=cemetery.desa_id,
        changes=audit.diff({}, audit.snapshot(grave, exclude=("created_at", "created_by"))),
    )
    return grave


@transaction.atomic
def edit_grave(
    *,
    actor: Any,
    grave: Grave,
    number: str,
    name: str,
    category: str,
    block: str = "",
    rank: str = "",
    corps: str = "",
    birth_date: dt.date | None = None,
    death_date: dt.date | None = None,
    burial_date: dt.date | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> Grave:
    cemetery = lock_cemetery(actor, grave.cemetery)
    grave = Grave.objects.get(pk=grave.pk, cemetery=cemetery)
    block, number, name = _place(block), _place(number), " ".join(name.split())
    errors = _grave_errors(
        cemetery=cemetery,
        block=block,
        number=number,
        name=name,
        category=category,
        birth_date=birth_date,
        death_date=death_date,
        burial_date=burial_date,
        today=today_or(today),
        exclude_pk=grave.pk,
    )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(grave)
    grave.block, grave.number, grave.name = block, number, name[:200]
    grave.rank, grave.corps = rank.strip()[:100], corps.strip()[:150]
    grave.birth_date, grave.death_date, grave.burial_date = birth_date, death_date, burial_date
    grave.category, grave.notes = category, notes.strip()
    grave.save()
    changes = audit.diff(before, audit.snapshot(grave))
    if changes:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=grave,
            wilayah_code=cemetery.desa_id,
            changes=changes,
        )
    return grave


# --- Ceremonies ----------------------------------------------------------------------------


@transaction.atomic
def record_ceremony(
    *,
    actor: Any,
    cemetery: Cemetery,
    held_on: dt.date | None,
    occasion: str,
    attendance: int | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> Ceremony:
    """A ceremony or pilgrimage held at the cemetery (not a plan: no future dates). The same
    occasion on the same day at the same cemetery is recorded once."""
    cemetery = lock_cemetery(actor, cemetery)
    notes = notes.strip()
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("Isi tanggal upacara.")
    not_future(errors, "held_on", held_on, today_or(today))
    if occasion not in Occasion.values:
        errors["occasion"] = _("Pilih peringatannya.")
    elif occasion == Occasion.LAINNYA and len(notes) < 5:
        errors["notes"] = _("Untuk peringatan lainnya, tuliskan peringatan apa di catatan.")
    if attendance is not None and not 0 <= attendance <= MAX_ATTENDANCE:
        errors["attendance"] = _("Jumlah peserta antara 0 dan %(max)s.") % {
            "max": f"{MAX_ATTENDANCE:,}".replace(",", ".")
        }
    if (
        not errors
        and held_on is not None
        and Ceremony.objects.filter(cemetery=cemetery, held_on=held_on, occasion=occasion).exists()
    ):
        errors["held_on"] = _("Upacara ini sudah tercatat pada tanggal tersebut.")
    if errors or held_on is None:
        raise ValidationError(errors)
    ceremony = Ceremony.objects.create(
        cemetery=cemetery,
        held_on=held_on,
        occasion=occasion,
        attendance=attendance,
        notes=notes,
        created_by=recorder(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=ceremony,
        wilayah_code=cemetery.desa_id,
        changes=audit.diff({}, audit.snapshot(ceremony, exclude=("created_at", "created_by"))),
    )
    return ceremony
