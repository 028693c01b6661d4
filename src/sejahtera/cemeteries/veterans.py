"""Veterans' data (pendataan veteran, seed line 3982): register and update a veteran, scoped
by the veteran's desa. The NIK is optional; when given it is checked (16 digits, a real
kecamatan, a valid birth date), must be unique, and links the registry person with that NIK
if the actor can see them. Audit events never hold the full NIK."""

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
from sejahtera.cemeteries.models import Veteran, VeteranCategory
from sejahtera.common.formatting import mask_nik
from sejahtera.common.nik import check_nik
from sejahtera.registry.models import Person
from sejahtera.registry.selectors import persons_for
from sejahtera.wilayah.models import Level, Wilayah
from sejahtera.wilayah.selectors import kecamatan_exists


def _clean(
    *,
    actor: Any,
    name: str,
    category: str,
    desa_code: str,
    nik: str,
    birth_date: dt.date | None,
    is_deceased: bool,
    deceased_on: dt.date | None,
    today: dt.date,
    exclude_pk: int | None = None,
) -> tuple[dict[str, str], Wilayah | None]:
    errors: dict[str, str] = {}
    desa = Wilayah.objects.filter(code=(desa_code or "").strip(), level=Level.DESA).first()
    if desa is None:
        errors["desa"] = _("Pilih desa/kelurahan tempat tinggal veteran.")
    elif actor is not None and not in_scope(actor, desa.code):
        raise PermissionDenied(_("Desa ini di luar wilayah kerja Anda."))
    if len(name) < 3:
        errors["name"] = _("Tuliskan nama veteran (minimal 3 huruf).")
    if category not in VeteranCategory.values:
        errors["category"] = _("Pilih kategori veteran.")
    if nik:
        result = check_nik(nik, birth_date=birth_date, region_exists=kecamatan_exists, today=today)
        if not result.ok:
            errors["nik"] = "; ".join(result.errors)
        else:
            same = Veteran.objects.filter(nik=nik)
            if exclude_pk is not None:
                same = same.exclude(pk=exclude_pk)
            if same.exists():
                errors["nik"] = _("NIK ini sudah tercatat pada data veteran lain.")
    if birth_date is not None and birth_date > today:
        errors["birth_date"] = _("Tanggal lahir tidak boleh melewati hari ini.")
    if deceased_on is not None:
        if not is_deceased:
            errors["deceased_on"] = _("Tanggal meninggal hanya diisi bila veteran meninggal.")
        elif deceased_on > today:
            errors["deceased_on"] = _("Tanggal meninggal tidak boleh melewati hari ini.")
        elif birth_date is not None and deceased_on < birth_date:
            errors["deceased_on"] = _("Tanggal meninggal sebelum tanggal lahir.")
    return errors, desa


def _person(actor: Any, nik: str) -> Person | None:
    """The registry person with the NIK, if the actor may see them."""
    if not nik:
        return None
    persons = Person.objects.all() if actor is None else persons_for(actor)
    return persons.filter(nik=nik).first()


def _snapshot(veteran: Veteran) -> dict[str, Any]:
    data = audit.snapshot(veteran, exclude=("nik", "created_at", "created_by"))
    data["nik"] = mask_nik(veteran.nik) if veteran.nik else ""
    return data


@transaction.atomic
def register_veteran(
    *,
    actor: Any,
    name: str,
    category: str,
    desa_code: str,
    nik: str = "",
    birth_date: dt.date | None = None,
    decree_number: str = "",
    address: str = "",
    is_deceased: bool = False,
    deceased_on: dt.date | None = None,
    benefits_note: str = "",
    today: dt.date | None = None,
) -> Veteran:
    require(actor, Cap.WRITE)
    name, nik = " ".join(name.split()), "".join(nik.split())
    errors, desa = _clean(
        actor=actor,
        name=name,
        category=category,
        desa_code=desa_code,
        nik=nik,
        birth_date=birth_date,
        is_deceased=is_deceased,
        deceased_on=deceased_on,
        today=today or timezone.localdate(),
    )
    if errors or desa is None:
        raise ValidationError(errors)
    veteran = Veteran.objects.create(
        name=name[:200],
        nik=nik,
        birth_date=birth_date,
        person=_person(actor, nik),
        category=category,
        decree_number=decree_number.strip()[:100],
        desa=desa,
        address=address.strip()[:300],
        is_deceased=is_deceased,
        deceased_on=deceased_on if is_deceased else None,
        benefits_note=benefits_note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=veteran,
        wilayah_code=desa.code,
        changes=audit.diff({}, _snapshot(veteran)),
    )
    return veteran


@transaction.atomic
def update_veteran(
    *,
    actor: Any,
    veteran: Veteran,
    name: str,
    category: str,
    desa_code: str,
    nik: str = "",
    birth_date: dt.date | None = None,
    decree_number: str = "",
    address: str = "",
    is_deceased: bool = False,
    deceased_on: dt.date | None = None,
    benefits_note: str = "",
    today: dt.date | None = None,
) -> Veteran:
    require(actor, Cap.WRITE)
    veteran = Veteran.objects.select_for_update().get(pk=veteran.pk)
    if actor is not None and not in_scope(actor, veteran.desa_id):
        raise PermissionDenied(_("Data veteran ini di luar wilayah kerja Anda."))
    name, nik = " ".join(name.split()), "".join(nik.split())
    errors, desa = _clean(
        actor=actor,
        name=name,
        category=category,
        desa_code=desa_code,
        nik=nik,
        birth_date=birth_date,
        is_deceased=is_deceased,
        deceased_on=deceased_on,
        today=today or timezone.localdate(),
        exclude_pk=veteran.pk,
    )
    if errors or desa is None:
        raise ValidationError(errors)
    before, old_nik = _snapshot(veteran), veteran.nik
    if nik != veteran.nik:
        veteran.person = _person(actor, nik)
    veteran.name, veteran.nik, veteran.birth_date = name[:200], nik, birth_date
    veteran.category, veteran.decree_number = category, decree_number.strip()[:100]
    veteran.desa, veteran.address = desa, address.strip()[:300]
    veteran.is_deceased = is_deceased
    veteran.deceased_on = deceased_on if is_deceased else None
    veteran.benefits_note = benefits_note.strip()
    veteran.save()
    changes = audit.diff(before, _snapshot(veteran))
    if nik != old_nik and "nik" not in changes:  # another NIK with the same masked form
        changes["nik"] = [
            before["nik"],
            _("%(masked)s (diganti)") % {"masked": _snapshot(veteran)["nik"]},
        ]
    if changes:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=veteran,
            wilayah_code=desa.code,
            changes=changes,
        )
    return veteran
