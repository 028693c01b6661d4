"""Writes about an event itself: recording it, its desa, its phase (tanggap darurat →
pemulihan → selesai, forward only, each change kept), situation reports with a checked file,
shelters, public kitchens and the meals they served per day, and TAGANA deployments.

Changing the event itself (its desa, its phase) needs every desa of the event in the actor's
areas; the rest needs the event visible (any desa in the actor's areas) and, for a shelter or
kitchen, its own desa in the actor's areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.formatting import tanggal
from sejahtera.common.uploads import check_upload
from sejahtera.disasters.models import (
    PHASE_ORDER,
    Deployment,
    Event,
    EventKind,
    Kitchen,
    KitchenDay,
    Phase,
    PhaseChange,
    Shelter,
    SituationReport,
)
from sejahtera.disasters.selectors import covers_event, event_desa_codes, sees_event
from sejahtera.wilayah.models import Level, Wilayah

TAGANA = "tagana"
MIN_NAME = 3
MIN_REPORT = 10


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def lock_event(actor: Any, event: Event, *, whole: bool = False) -> Event:
    """The event row, locked, after checking the actor may write about it."""
    require(actor, Cap.WRITE)
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if actor is not None:
        allowed = covers_event(actor, locked) if whole else sees_event(actor, locked)
        if not allowed:
            raise PermissionDenied(
                _("Seluruh desa kejadian ini harus berada dalam wilayah kerja Anda.")
                if whole
                else _("Kejadian ini di luar wilayah kerja Anda.")
            )
    return locked


def _desa(codes: list[str], actor: Any) -> list[Wilayah]:
    codes = sorted({c.strip() for c in codes if c and c.strip()})
    if not codes:
        raise ValidationError({"desa": _("Pilih sedikitnya satu desa/kelurahan terdampak.")})
    found = list(Wilayah.objects.filter(code__in=codes, level=Level.DESA))
    if len(found) != len(codes):
        raise ValidationError({"desa": _("Ada kode desa/kelurahan yang tidak dikenal.")})
    outside = [w.name for w in found if actor is not None and not in_scope(actor, w.code)]
    if outside:
        raise PermissionDenied(
            _("Desa di luar wilayah kerja Anda: %(names)s.") % {"names": ", ".join(outside)}
        )
    return found


def _one_desa(code: str, actor: Any) -> Wilayah:
    desa = Wilayah.objects.filter(code=(code or "").strip(), level=Level.DESA).first()
    if desa is None:
        raise ValidationError({"desa": _("Pilih desa/kelurahan.")})
    if actor is not None and not in_scope(actor, desa.code):
        raise PermissionDenied(_("Desa ini di luar wilayah kerja Anda."))
    return desa


def _within_event(event: Event, day: dt.date, today: dt.date, field: str = "date") -> None:
    if day < event.started_on:
        raise ValidationError(
            {
                field: _("Tanggal sebelum kejadian dimulai (%(d)s).")
                % {"d": tanggal(event.started_on)}
            }
        )
    if day > today:
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})
    if event.ended_on and day > event.ended_on:
        raise ValidationError(
            {field: _("Kejadian sudah selesai pada %(d)s.") % {"d": tanggal(event.ended_on)}}
        )


@transaction.atomic
def create_event(
    *,
    actor: Any,
    kind: str,
    name: str,
    desa_codes: list[str],
    started_on: dt.date,
    description: str = "",
    today: dt.date | None = None,
) -> Event:
    """A new event, in the emergency phase from its start date."""
    require(actor, Cap.WRITE)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in EventKind.values:
        errors["kind"] = _("Pilih jenis bencana.")
    if len(name.strip()) < MIN_NAME:
        errors["name"] = _("Tuliskan nama kejadian (mis. Banjir Sungai Brantas Maret 2026).")
    if started_on > today:
        errors["started_on"] = _("Tanggal mulai tidak boleh di masa depan.")
    if errors:
        raise ValidationError(errors)
    desa = _desa(desa_codes, actor)
    event = Event.objects.create(
        kind=kind,
        name=name.strip()[:200],
        started_on=started_on,
        description=description.strip(),
        created_by=_user(actor),
    )
    event.desa.set(desa)
    PhaseChange.objects.create(event=event, phase=Phase.EMERGENCY, on=started_on, by=_user(actor))
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=event,
        wilayah_code=desa[0].code,
        changes=audit.diff(
            {}, audit.snapshot(event, fields=["kind", "name", "started_on", "desa"])
        ),
    )
    return event


@transaction.atomic
def update_event(
    *, actor: Any, event: Event, name: str, desa_codes: list[str], description: str = ""
) -> Event:
    """Rename the event or change its desa. A desa that has victims, a shelter or a kitchen
    of the event cannot be removed."""
    event = lock_event(actor, event, whole=True)
    if len(name.strip()) < MIN_NAME:
        raise ValidationError({"name": _("Tuliskan nama kejadian.")})
    desa = _desa(desa_codes, actor)
    before = audit.snapshot(event, fields=["name", "description", "desa"])
    removed = set(event_desa_codes(event)) - {w.code for w in desa}
    in_use = (
        set(event.victims.filter(desa_id__in=removed).values_list("desa_id", flat=True))
        | set(event.shelters.filter(desa_id__in=removed).values_list("desa_id", flat=True))
        | set(event.kitchens.filter(desa_id__in=removed).values_list("desa_id", flat=True))
    )
    if in_use:
        names = Wilayah.objects.filter(code__in=in_use).values_list("name", flat=True)
        raise ValidationError(
            {
                "desa": _(
                    "Desa %(names)s masih punya korban, tempat pengungsian atau dapur umum kejadian ini."
                )
                % {"names": ", ".join(sorted(names))}
            }
        )
    event.name = name.strip()[:200]
    event.description = description.strip()
    event.save(update_fields=["name", "description"])
    event.desa.set(desa)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        wilayah_code=desa[0].code,
        changes=audit.diff(before, audit.snapshot(event, fields=["name", "description", "desa"])),
    )
    return event


@transaction.atomic
def set_phase(
    *,
    actor: Any,
    event: Event,
    phase: str,
    on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> Event:
    """Move the event to a later phase from day `on`. "Selesai" also ends the event."""
    event = lock_event(actor, event, whole=True)
    today = today or timezone.localdate()
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Pilih fase.")})
    current = PHASE_ORDER.index(Phase(event.phase))
    wanted = PHASE_ORDER.index(Phase(phase))
    if wanted <= current:
        raise ValidationError(
            {
                "phase": _("Kejadian sudah dalam fase %(now)s; fase hanya dapat maju.")
                % {"now": event.get_phase_display()}
            }
        )
    last = event.phases.order_by("-on", "-id").values_list("on", flat=True).first()
    if last is not None and on <= last:
        raise ValidationError(
            {
                "on": _("Tanggal harus setelah perubahan fase terakhir (%(d)s).")
                % {"d": tanggal(last)}
            }
        )
    if on > today:
        raise ValidationError({"on": _("Tanggal tidak boleh di masa depan.")})
    old = event.phase
    PhaseChange.objects.create(
        event=event, phase=phase, on=on, note=note.strip()[:300], by=_user(actor)
    )
    event.phase = phase
    fields = ["phase"]
    if phase == Phase.DONE:
        event.ended_on = on
        fields.append("ended_on")
    event.save(update_fields=fields)
    changes: dict[str, Any] = {"phase": [old, phase]}
    if phase == Phase.DONE:
        changes["ended_on"] = [None, on.isoformat()]
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        wilayah_code=event_desa_codes(event)[0],
        changes=changes,
        extra={"on": on.isoformat(), "note": note.strip()[:300]},
    )
    return event


@transaction.atomic
def add_report(
    *,
    actor: Any,
    event: Event,
    on: dt.date,
    text: str,
    upload: UploadedFile | None = None,
    today: dt.date | None = None,
) -> SituationReport:
    """A situation report; an attached file must be a PDF, JPEG or PNG by its content."""
    event = lock_event(actor, event)
    today = today or timezone.localdate()
    if len(text.strip()) < MIN_REPORT:
        raise ValidationError(
            {"text": _("Tuliskan isi laporan situasi (minimal %(n)s huruf).") % {"n": MIN_REPORT}}
        )
    if on < event.started_on or on > today:
        raise ValidationError({"on": _("Tanggal laporan harus antara awal kejadian dan hari ini.")})
    if upload is not None:
        try:
            check_upload(upload, kinds=("pdf", "jpeg", "png"))
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    report = SituationReport.objects.create(event=event, on=on, text=text.strip(), by=_user(actor))
    if upload is not None:
        report.file.save(upload.name or "laporan", upload, save=True)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=report,
        object_repr=f"{event.name}: laporan {on.isoformat()}",
        wilayah_code=event_desa_codes(event)[0],
        extra={"event": event.pk, "file": bool(upload)},
    )
    return report


@transaction.atomic
def add_shelter(*, actor: Any, event: Event, name: str, desa_code: str, capacity: int) -> Shelter:
    event = lock_event(actor, event)
    desa = _one_desa(desa_code, actor)
    errors: dict[str, str] = {}
    if len(name.strip()) < MIN_NAME:
        errors["name"] = _("Tuliskan nama tempat pengungsian.")
    elif event.shelters.filter(name__iexact=name.strip()).exists():
        errors["name"] = _("Tempat pengungsian dengan nama ini sudah ada.")
    if capacity < 1:
        errors["capacity"] = _("Daya tampung sedikitnya 1 orang.")
    if errors:
        raise ValidationError(errors)
    shelter = Shelter.objects.create(
        event=event, name=name.strip()[:150], desa=desa, capacity=capacity
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=shelter,
        wilayah_code=desa.code,
        changes=audit.diff(
            {}, audit.snapshot(shelter, fields=["event", "name", "desa", "capacity"])
        ),
    )
    return shelter


@transaction.atomic
def add_kitchen(*, actor: Any, event: Event, name: str, desa_code: str) -> Kitchen:
    event = lock_event(actor, event)
    desa = _one_desa(desa_code, actor)
    if len(name.strip()) < MIN_NAME:
        raise ValidationError({"name": _("Tuliskan nama dapur umum.")})
    if event.kitchens.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("Dapur umum dengan nama ini sudah ada.")})
    kitchen = Kitchen.objects.create(event=event, name=name.strip()[:150], desa=desa)
    audit.record(actor=actor, action=Action.CREATE, obj=kitchen, wilayah_code=desa.code)
    return kitchen


@transaction.atomic
def record_kitchen_day(
    *,
    actor: Any,
    kitchen: Kitchen,
    date: dt.date,
    meals: int,
    today: dt.date | None = None,
) -> KitchenDay:
    """The meals a public kitchen served on a day; recording the same day again corrects
    the figure (one row per kitchen and day)."""
    event = lock_event(actor, kitchen.event)
    kitchen = Kitchen.objects.select_for_update().get(pk=kitchen.pk)
    if actor is not None and not in_scope(actor, kitchen.desa_id):
        raise PermissionDenied(_("Dapur umum ini di luar wilayah kerja Anda."))
    _within_event(event, date, today or timezone.localdate())
    if meals < 0:
        raise ValidationError({"meals": _("Jumlah porsi tidak boleh negatif.")})
    row = KitchenDay.objects.filter(kitchen=kitchen, date=date).first()
    if row is None:
        row = KitchenDay.objects.create(
            kitchen=kitchen, date=date, meals=meals, recorded_by=_user(actor)
        )
        action, changes = Action.CREATE, {"meals": [None, meals]}
    else:
        action, changes = Action.UPDATE, {"meals": [row.meals, meals]}
        row.meals = meals
        row.recorded_by = _user(actor)
        row.save(update_fields=["meals", "recorded_by"])
    audit.record(
        actor=actor,
        action=action,
        obj=row,
        object_repr=f"{kitchen.name} {date.isoformat()}",
        wilayah_code=kitchen.desa_id,
        changes=changes,
    )
    return row


@transaction.atomic
def deploy_volunteer(
    *,
    actor: Any,
    event: Event,
    partner: Any,
    from_date: dt.date,
    until_date: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Deployment:
    """Deploy a TAGANA volunteer to the event. Refused for a partner of another kind, an
    inactive one, or one already deployed to this event over the same days."""
    from sejahtera.partners.models import Partner

    event = lock_event(actor, event)
    today = today or timezone.localdate()
    partner = Partner.objects.select_related("kind").get(pk=partner.pk)
    if partner.kind.code != TAGANA:
        raise ValidationError(
            {
                "partner": _("%(name)s bukan relawan TAGANA (jenis: %(kind)s).")
                % {"name": partner.name, "kind": partner.kind.name}
            }
        )
    if not partner.active:
        raise ValidationError(
            {
                "partner": _("%(name)s tidak aktif dan tidak dapat ditugaskan.")
                % {"name": partner.name}
            }
        )
    _within_event(event, from_date, today, "from_date")
    if until_date is not None and until_date < from_date:
        raise ValidationError({"until_date": _("Tanggal selesai sebelum tanggal mulai.")})
    if event.ended_on and until_date and until_date > event.ended_on:
        raise ValidationError({"until_date": _("Tanggal selesai setelah kejadian berakhir.")})
    far = dt.date.max
    for other in Deployment.objects.filter(event=event, partner=partner):
        if from_date <= (other.until_date or far) and other.from_date <= (until_date or far):
            raise ValidationError(
                {
                    "partner": _("%(name)s sudah ditugaskan ke kejadian ini mulai %(d)s.")
                    % {"name": partner.name, "d": tanggal(other.from_date)}
                }
            )
    deployment = Deployment.objects.create(
        event=event,
        partner=partner,
        from_date=from_date,
        until_date=until_date,
        note=note.strip()[:200],
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=deployment,
        object_repr=f"{partner.name} → {event.name}",
        wilayah_code=event_desa_codes(event)[0],
        changes={"partner": [None, partner.pk], "from_date": [None, from_date.isoformat()]},
    )
    return deployment


@transaction.atomic
def end_deployment(
    *, actor: Any, deployment: Deployment, until_date: dt.date, today: dt.date | None = None
) -> Deployment:
    lock_event(actor, deployment.event)
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    if until_date < deployment.from_date or until_date > (today or timezone.localdate()):
        raise ValidationError(
            {"until_date": _("Tanggal selesai harus antara mulai bertugas dan hari ini.")}
        )
    before = deployment.until_date
    deployment.until_date = until_date
    deployment.save(update_fields=["until_date"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=deployment,
        wilayah_code=event_desa_codes(deployment.event)[0],
        changes={"until_date": [before.isoformat() if before else None, until_date.isoformat()]},
    )
    return deployment
