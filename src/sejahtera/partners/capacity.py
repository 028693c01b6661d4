"""Capacity building of partners: trainings (who took part, who passed) and productive-
economy grants (bantuan UEP) to Karang Taruna and LKS. A grant is given only when every
condition of Tabel 2.4.2 rows 23-24 (data/partners/psks.yaml `uep`) is met; `grant_uep`
refuses with one message per unmet condition, citing the seed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.partners.models import (
    Partner,
    PartnerKind,
    Training,
    TrainingParticipant,
    UepGrant,
)
from sejahtera.partners.reference import uep_conditions, uep_kinds
from sejahtera.partners.selectors import is_active_on
from sejahtera.partners.services import lock_partner
from sejahtera.wilayah.models import Level, Wilayah

MIN_BUSINESS = 10


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


@transaction.atomic
def create_training(
    *,
    actor: Any,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    organiser: str,
    place: str,
    area_code: str,
    target_kind: PartnerKind | None = None,
) -> Training:
    """A training for partners (of one kind, or of any kind when `target_kind` is None),
    held for an area (the kabupaten for the office's own trainings)."""
    require(actor, Cap.WRITE)
    area = Wilayah.objects.filter(code=area_code).first()
    if area is None:
        raise ValidationError({"area": _("Pilih wilayah penyelenggaraan.")})
    if actor is not None and not in_scope(actor, area.code):
        raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))
    errors: dict[str, str] = {}
    name, organiser, place = (" ".join(v.split()) for v in (name, organiser, place))
    if len(name) < 5:
        errors["name"] = _("Tuliskan nama pelatihan.")
    if len(organiser) < 3:
        errors["organiser"] = _("Tuliskan penyelenggara pelatihan.")
    if len(place) < 3:
        errors["place"] = _("Tuliskan tempat pelatihan.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    if errors:
        raise ValidationError(errors)
    training = Training.objects.create(
        name=name[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        organiser=organiser[:200],
        place=place[:200],
        area=area,
        target_kind=target_kind,
        created_by=_user(actor),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=training, wilayah_code=area.code)
    return training


def _lock_training(actor: Any, training: Training) -> Training:
    require(actor, Cap.WRITE)
    locked = (
        Training.objects.select_for_update(of=("self",))
        .select_related("target_kind")
        .get(pk=training.pk)
    )
    if actor is not None and not in_scope(actor, locked.area_id):
        raise PermissionDenied(_("Pelatihan ini diselenggarakan di luar wilayah kerja Anda."))
    return locked


@transaction.atomic
def add_participant(*, actor: Any, training: Training, partner: Partner) -> TrainingParticipant:
    """A partner (of the training's target kind, active when it started) takes part."""
    training = _lock_training(actor, training)
    partner = Partner.objects.select_related("kind").get(pk=partner.pk)
    if actor is not None and not in_scope(actor, partner.area_id):
        raise PermissionDenied(_("Mitra ini di luar wilayah kerja Anda."))
    if training.target_kind_id is not None and partner.kind_id != training.target_kind_id:
        assert training.target_kind is not None
        raise ValidationError(
            _("Pelatihan ini untuk %(kind)s; %(name)s adalah %(other)s.")
            % {
                "kind": training.target_kind.name,
                "name": partner.name,
                "other": partner.kind.name,
            }
        )
    if not is_active_on(partner, training.starts_on):
        raise ValidationError(
            _("%(name)s tidak aktif pada %(day)s.")
            % {"name": partner.name, "day": _date(training.starts_on)}
        )
    if training.participants.filter(partner=partner).exists():
        raise ValidationError(
            _("%(name)s sudah menjadi peserta pelatihan ini.") % {"name": partner.name}
        )
    participant = TrainingParticipant.objects.create(training=training, partner=partner)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=participant,
        wilayah_code=partner.area_id,
        extra={"training": training.pk, "partner": partner.pk},
    )
    return participant


@transaction.atomic
def record_result(
    *, actor: Any, participant: TrainingParticipant, passed: bool, note: str = ""
) -> TrainingParticipant:
    """A participant's result (passed or not) once the training has ended."""
    training = _lock_training(actor, participant.training)
    participant = TrainingParticipant.objects.select_for_update().get(pk=participant.pk)
    if training.ends_on > timezone.localdate():
        raise ValidationError(
            _("Hasil dapat dicatat setelah pelatihan selesai (%(date)s).")
            % {"date": _date(training.ends_on)}
        )
    before = participant.passed
    participant.passed = passed
    participant.note = " ".join(note.split())[:300]
    participant.save(update_fields=["passed", "note"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=participant,
        wilayah_code=training.area_id,
        changes={"passed": [before, passed]},
    )
    return participant


# One check per condition `ref` of data/partners/psks.yaml: (partner, day, business) →
# (evidence when met, or None; why it is not met).
Check = Callable[[Partner, dt.date, str], tuple[Any, str]]


def _village(partner: Partner, day: dt.date, business: str) -> tuple[Any, str]:
    if partner.area.level == Level.DESA:
        return partner.area_id, ""
    return None, _("wilayah kerjanya %(area)s, bukan desa/kelurahan") % {
        "area": partner.area.display_name
    }


def _board_decree(partner: Partner, day: dt.date, business: str) -> tuple[Any, str]:
    if partner.decree_number:
        return partner.decree_number, ""
    return None, _("nomor SK pengurus belum dicatat pada data mitra")


def _deed(partner: Partner, day: dt.date, business: str) -> tuple[Any, str]:
    if partner.deed_number:
        return partner.deed_number, ""
    return None, _("nomor akta pendirian (notaris) belum dicatat pada data mitra")


def _registered(partner: Partner, day: dt.date, business: str) -> tuple[Any, str]:
    valid = partner.certificates.filter(issued_on__lte=day, expires_on__gte=day).first()
    if valid is not None:
        return valid.number, ""
    last = partner.certificates.order_by("-expires_on").first()
    if last is None:
        return None, _("belum ada STP yang dicatat")
    return None, _(
        "tidak ada STP yang berlaku pada %(day)s (STP %(number)s: %(from)s s.d. %(to)s)"
    ) % {
        "day": _date(day),
        "number": last.number,
        "from": _date(last.issued_on),
        "to": _date(last.expires_on),
    }


def _business(partner: Partner, day: dt.date, business: str) -> tuple[Any, str]:
    text = " ".join(business.split())
    if len(text) >= MIN_BUSINESS:
        return text[:200], ""
    return None, _("uraikan kegiatan/potensi usahanya (minimal %(n)s huruf)") % {"n": MIN_BUSINESS}


CHECKS: dict[str, Check] = {
    "village": _village,
    "board_decree": _board_decree,
    "deed": _deed,
    "registered": _registered,
    "business": _business,
}


@transaction.atomic
def grant_uep(
    *,
    actor: Any,
    partner: Partner,
    amount: int,
    granted_on: dt.date,
    business: str,
    note: str = "",
) -> UepGrant:
    """Give a productive-economy grant (UEP, `amount` in rupiah) to a Karang Taruna or an
    LKS, after checking each condition the seed sets for it. Refused, with one message per
    unmet condition: a partner of another kind, inactive on the day, an amount of Rp0 or
    less, a date in the future, and each condition of Tabel 2.4.2 not met."""
    partner = lock_partner(actor, partner)
    if partner.kind.code not in uep_kinds():
        raise ValidationError(
            _("Bantuan UEP hanya untuk Karang Taruna dan LKS (Tabel 2.4.2 nomor 23 dan 24).")
        )
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors.setdefault("amount", []).append(_("Nilai bantuan harus lebih dari Rp0."))
    if granted_on > timezone.localdate():
        errors.setdefault("granted_on", []).append(_("Tanggal bantuan tidak boleh di masa depan."))
    elif not is_active_on(partner, granted_on):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("%(name)s tidak aktif pada %(day)s.")
            % {"name": partner.name, "day": _date(granted_on)}
        )
    evidence: dict[str, Any] = {}
    for condition in uep_conditions(partner.kind.code):
        met, why = CHECKS[condition.ref](partner, granted_on, business)
        if met is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Syarat belum terpenuhi: “%(text)s” (Renstra baris %(lines)s): %(why)s.")
                % {"text": condition.text, "lines": condition.lines, "why": why}
            )
        else:
            evidence[condition.ref] = met
    if errors:
        raise ValidationError(errors)
    grant = UepGrant.objects.create(
        partner=partner,
        granted_on=granted_on,
        amount=amount,
        business=" ".join(business.split()),
        note=" ".join(note.split())[:300],
        evidence=evidence,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=grant,
        wilayah_code=partner.area_id,
        extra={"partner": partner.pk, "amount": amount, "evidence": evidence},
    )
    return grant
