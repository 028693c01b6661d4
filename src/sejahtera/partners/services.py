"""Writes of the partners registry: registering and editing partners, their active state
with a dated history (a reason for every change), registration certificates (STP) of
institutions, and the people an LKS cares for. Trainings and UEP grants are in
capacity.py. Every function checks the actor's capability and area, refuses bad input with
a message in Bahasa Indonesia before writing anything, and records an audit event in the
same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.partners.models import (
    LKS,
    Certificate,
    InstitutionMember,
    LksType,
    Partner,
    PartnerKind,
    PartnerStatusChange,
)
from sejahtera.registry.models import Person
from sejahtera.wilayah.models import Wilayah

MIN_NAME = 3
MIN_REASON = 5
REGISTERED = "Pendaftaran"  # reason of the first status change (stored, not translated)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _check_scope(actor: Any, code: str | None, message: str) -> None:
    if actor is not None and not in_scope(actor, code):
        raise PermissionDenied(message)


def lock_partner(actor: Any, partner: Partner) -> Partner:
    """The partner under a row lock, after checking the actor may change it."""
    require(actor, Cap.WRITE)
    locked = (
        Partner.objects.select_for_update(of=("self",))
        .select_related("kind", "area")
        .get(pk=partner.pk)
    )
    _check_scope(actor, locked.area_id, _("Mitra ini di luar wilayah kerja Anda."))
    return locked


@dataclass
class PartnerData:
    """What a partner's form holds (everything but its kind and its state)."""

    name: str
    area_code: str
    person: Person | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    decree_number: str = ""
    decree_date: dt.date | None = None
    deed_number: str = ""
    deed_date: dt.date | None = None
    lks_type: str = ""


def _check_data(
    *, actor: Any, kind: PartnerKind, data: PartnerData, today: dt.date, exclude: int | None
) -> tuple[Wilayah, dict[str, Any]]:
    """Validate the data; return the area and the cleaned field values."""
    errors: dict[str, str] = {}
    area = Wilayah.objects.filter(code=data.area_code).first()
    if area is None:
        raise ValidationError({"area": _("Pilih wilayah kerja mitra.")})
    _check_scope(actor, area.code, _("Wilayah kerja ini di luar wilayah kerja Anda."))
    name = " ".join(data.name.split())
    if len(name) < MIN_NAME:
        errors["name"] = _("Tuliskan nama mitra (minimal %(n)s huruf).") % {"n": MIN_NAME}
    else:
        same = Partner.objects.filter(kind=kind, name__iexact=name, area=area)
        if exclude is not None:
            same = same.exclude(pk=exclude)
        if same.exists():
            errors["name"] = _("%(kind)s bernama %(name)s sudah terdaftar di wilayah ini.") % {
                "kind": kind.name,
                "name": name,
            }
    if data.person is not None:
        if kind.institution:
            errors["person"] = _("Lembaga tidak dikaitkan dengan penduduk.")
        elif not (actor is None or in_scope(actor, data.person.desa_id)):
            errors["person"] = _("Penduduk ini di luar wilayah kerja Anda.")
        else:
            again = Partner.objects.filter(kind=kind, person=data.person)
            if exclude is not None:
                again = again.exclude(pk=exclude)
            if again.exists():
                errors["person"] = _("%(name)s sudah terdaftar sebagai %(kind)s.") % {
                    "name": data.person.name,
                    "kind": kind.name,
                }
    email = data.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Alamat surel tidak sah.")
    for field, value in (("decree_date", data.decree_date), ("deed_date", data.deed_date)):
        if value is not None and value > today:
            errors[field] = _("Tanggal tidak boleh di masa depan.")
    if kind.code == LKS:
        if data.lks_type not in LksType.values:
            errors["lks_type"] = _("Pilih jenis layanan LKS.")
    elif data.lks_type:
        errors["lks_type"] = _("Jenis layanan hanya untuk LKS.")
    if errors:
        raise ValidationError(errors)
    return area, {
        "name": name,
        "area": area,
        "person": data.person,
        "phone": data.phone.strip()[:30],
        "email": email,
        "address": data.address.strip()[:300],
        "decree_number": data.decree_number.strip()[:100],
        "decree_date": data.decree_date,
        "deed_number": data.deed_number.strip()[:100],
        "deed_date": data.deed_date,
        "lks_type": data.lks_type,
    }


@transaction.atomic
def register_partner(
    *,
    actor: Any,
    kind: PartnerKind,
    data: PartnerData,
    registered_on: dt.date | None = None,
) -> Partner:
    """Register a partner person or institution, active from `registered_on` (today by
    default): the first row of its status history."""
    require(actor, Cap.WRITE)
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationError({"registered_on": _("Tanggal daftar tidak boleh di masa depan.")})
    area, values = _check_data(actor=actor, kind=kind, data=data, today=today, exclude=None)
    partner = Partner.objects.create(
        kind=kind, active=True, active_since=registered_on, created_by=_user(actor), **values
    )
    PartnerStatusChange.objects.create(
        partner=partner, active=True, on=registered_on, reason=REGISTERED, by=_user(actor)
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=partner,
        wilayah_code=area.code,
        extra={"kind": kind.code, "registered_on": registered_on.isoformat()},
    )
    return partner


@transaction.atomic
def update_partner(*, actor: Any, partner: Partner, data: PartnerData) -> Partner:
    """Change a partner's name, area, contact, decree and deed. Its kind is what it is; its
    state changes only through `change_status`."""
    partner = lock_partner(actor, partner)
    before = audit.snapshot(partner)
    _area, values = _check_data(
        actor=actor, kind=partner.kind, data=data, today=timezone.localdate(), exclude=partner.pk
    )
    for field, value in values.items():
        setattr(partner, field, value)
    partner.save()
    changes = audit.diff(before, audit.snapshot(partner))
    if changes:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=partner,
            wilayah_code=partner.area_id,
            changes=changes,
        )
    return partner


@transaction.atomic
def change_status(
    *, actor: Any, partner: Partner, active: bool, on: dt.date, reason: str
) -> PartnerStatusChange:
    """Make a partner active or inactive from `on`, for `reason`. Refused: no reason, the
    state it already has, a date in the future or before its last change."""
    partner = lock_partner(actor, partner)
    errors: dict[str, str] = {}
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        errors["reason"] = _("Tuliskan alasan perubahan status.")
    if active == partner.active:
        errors["active"] = (
            _("Mitra ini sudah aktif.") if active else _("Mitra ini sudah tidak aktif.")
        )
    if on > timezone.localdate():
        errors["on"] = _("Tanggal perubahan status tidak boleh di masa depan.")
    else:
        last = partner.status_changes.order_by("-on", "-id").first()
        if last is not None and on < last.on:
            errors["on"] = _(
                "Tanggal tidak boleh sebelum perubahan status terakhir (%(date)s)."
            ) % {"date": _date(last.on)}
    if errors:
        raise ValidationError(errors)
    change = PartnerStatusChange.objects.create(
        partner=partner, active=active, on=on, reason=reason[:300], by=_user(actor)
    )
    partner.active = active
    partner.active_since = on
    partner.save(update_fields=["active", "active_since"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=partner,
        wilayah_code=partner.area_id,
        changes={"active": [not active, active]},
        extra={"on": on.isoformat(), "reason": reason[:300]},
    )
    return change


@transaction.atomic
def record_certificate(
    *, actor: Any, partner: Partner, number: str, issued_on: dt.date, expires_on: dt.date
) -> Certificate:
    """Record an institution's registration certificate (STP), first or renewed."""
    partner = lock_partner(actor, partner)
    errors: dict[str, str] = {}
    if not partner.kind.institution:
        raise ValidationError(_("Surat Tanda Pendaftaran hanya untuk lembaga."))
    number = number.strip()
    if not number:
        errors["number"] = _("Tuliskan nomor STP.")
    elif partner.certificates.filter(number=number).exists():
        errors["number"] = _("STP nomor %(number)s sudah dicatat.") % {"number": number}
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("Tanggal terbit tidak boleh di masa depan.")
    if expires_on <= issued_on:
        errors["expires_on"] = _("Masa berlaku harus berakhir setelah tanggal terbit.")
    if errors:
        raise ValidationError(errors)
    certificate = Certificate.objects.create(
        partner=partner,
        number=number[:100],
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=certificate,
        wilayah_code=partner.area_id,
        extra={"partner": partner.pk, "expires_on": expires_on.isoformat()},
    )
    return certificate


@transaction.atomic
def add_member(
    *,
    actor: Any,
    partner: Partner,
    since: dt.date,
    person: Person | None = None,
    name: str = "",
    birth_date: dt.date | None = None,
) -> InstitutionMember:
    """Record that a person lives in (is cared for by) an LKS from `since`: a registered
    person, or a name and birth date for someone not in the registry."""
    partner = lock_partner(actor, partner)
    if partner.kind.code != LKS:
        raise ValidationError(_("Warga binaan hanya dicatat untuk LKS."))
    if not partner.active:
        raise ValidationError(_("LKS ini tidak aktif."))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if since > today:
        errors["since"] = _("Tanggal masuk tidak boleh di masa depan.")
    if person is not None:
        if name:
            errors["name"] = _("Pilih penduduk terdaftar atau tulis nama, bukan keduanya.")
        _check_scope(actor, person.desa_id, _("Penduduk ini di luar wilayah kerja Anda."))
        if person.is_deceased:
            errors["person"] = _("%(name)s tercatat meninggal.") % {"name": person.name}
        # A new stay has no end yet: any stay not ended by `since` overlaps it.
        stay = (
            InstitutionMember.objects.filter(person=person)
            .filter(Q(until__isnull=True) | Q(until__gt=since))
            .select_related("partner")
            .first()
        )
        if stay is not None:
            errors["person"] = _("%(name)s sudah tercatat tinggal di %(lks)s sejak %(date)s.") % {
                "name": person.name,
                "lks": stay.partner.name,
                "date": _date(stay.since),
            }
        born = person.birth_date
    else:
        if len(name) < MIN_NAME:
            errors["name"] = _("Tulis nama warga binaan atau pilih penduduk terdaftar.")
        if birth_date is None:
            errors["birth_date"] = _("Tulis tanggal lahir (perkiraan bila tidak diketahui).")
        elif birth_date > today:
            errors["birth_date"] = _("Tanggal lahir tidak boleh di masa depan.")
        elif (
            name
            and partner.members.filter(name__iexact=name, birth_date=birth_date)
            .filter(until__isnull=True)
            .exists()
        ):
            errors["name"] = _("%(name)s sudah tercatat di LKS ini.") % {"name": name}
        born = birth_date
    if born is not None and since < born and "since" not in errors:
        errors["since"] = _("Tanggal masuk sebelum tanggal lahir.")
    if errors:
        raise ValidationError(errors)
    member = InstitutionMember.objects.create(
        partner=partner,
        person=person,
        name="" if person is not None else name[:150],
        birth_date=None if person is not None else birth_date,
        since=since,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=member,
        wilayah_code=partner.area_id,
        extra={"partner": partner.pk, "person": person.pk if person else None},
    )
    return member


@transaction.atomic
def end_member(
    *, actor: Any, member: InstitutionMember, until: dt.date, reason: str
) -> InstitutionMember:
    """Record that a person left the LKS on `until` (returned to family, moved, died…)."""
    require(actor, Cap.WRITE)
    member = (
        InstitutionMember.objects.select_for_update(of=("self",))
        .select_related("partner", "person")
        .get(pk=member.pk)
    )
    _check_scope(actor, member.partner.area_id, _("LKS ini di luar wilayah kerja Anda."))
    if member.until is not None:
        raise ValidationError(
            _("%(name)s sudah keluar pada %(date)s.")
            % {"name": member.display_name, "date": _date(member.until)}
        )
    errors: dict[str, str] = {}
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        errors["reason"] = _("Tuliskan alasan keluar.")
    if until > timezone.localdate():
        errors["until"] = _("Tanggal keluar tidak boleh di masa depan.")
    elif until <= member.since:
        errors["until"] = _("Tanggal keluar harus setelah tanggal masuk (%(date)s).") % {
            "date": _date(member.since)
        }
    if errors:
        raise ValidationError(errors)
    member.until = until
    member.end_reason = reason[:200]
    member.save(update_fields=["until", "end_reason"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=member,
        wilayah_code=member.partner.area_id,
        changes={"until": [None, until.isoformat()]},
        extra={"reason": reason[:200]},
    )
    return member
