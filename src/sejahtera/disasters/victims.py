"""Victims and the aid they received.

A victim is found in the registry by NIK, or (without a NIK) by exact name + birth date + desa;
when no one is found the victim stays provisional with the identity as told. The registry is
never changed from here: the victim's page offers a registry proposal instead. Later
`reconcile_victims` links provisional victims to persons found since, and never makes one
person two victims of an event: a provisional victim found to be a person who is already a
victim of the event is merged into that victim (their aid rows kept).

Aid is recorded per victim per day. Meals follow the seed's standard "Permakanan 3x1 Hari"
(disasters/standards.py): a fourth meal for a person on a day is refused, and the whole batch
of a daily entry with it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.formatting import tanggal
from sejahtera.common.names import name_key
from sejahtera.common.nik import check_nik
from sejahtera.disasters.events import lock_event
from sejahtera.disasters.models import (
    CONDITION_GRAVITY,
    AidKind,
    Condition,
    Event,
    Shelter,
    Victim,
    VictimAid,
)
from sejahtera.disasters.selectors import event_desa_codes
from sejahtera.disasters.standards import meals_per_day
from sejahtera.registry.choices import Sex
from sejahtera.registry.models import Household, Person
from sejahtera.registry.selectors import household_of
from sejahtera.wilayah.selectors import kecamatan_exists

IDENTITY = ["person", "household", "nik", "name", "birth_date", "sex", "desa"]
STATUS = ["displaced", "displaced_from", "displaced_until", "shelter", "condition", "note"]
UNAVAILABLE = (Condition.DEAD, Condition.MISSING)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def find_person(
    *, nik: str = "", name: str = "", birth_date: dt.date | None = None, desa_code: str = ""
) -> Person | None:
    """The registry person a victim is: by NIK when there is one; otherwise by the exact
    normalised name, birth date and desa, when exactly one person matches."""
    nik = nik.strip()
    if nik:
        return Person.objects.filter(nik=nik).first()
    key = name_key(name)
    if not key or birth_date is None or not desa_code:
        return None
    found = list(Person.objects.filter(name_key=key, birth_date=birth_date, desa_id=desa_code)[:2])
    return found[0] if len(found) == 1 else None


def _check_status(
    event: Event,
    *,
    displaced: bool,
    displaced_from: dt.date | None,
    displaced_until: dt.date | None,
    shelter: Shelter | None,
    condition: str,
) -> None:
    errors: dict[str, str] = {}
    if condition not in Condition.values:
        errors["condition"] = _("Pilih kondisi korban.")
    elif displaced and condition in UNAVAILABLE:
        errors["displaced"] = _("Korban yang meninggal atau hilang tidak dicatat mengungsi.")
    if shelter is not None and shelter.event_id != event.pk:
        errors["shelter"] = _("Tempat pengungsian ini bukan milik kejadian ini.")
    if not displaced and (shelter is not None or displaced_from or displaced_until):
        errors["displaced"] = _("Tempat dan tanggal pengungsian hanya untuk korban yang mengungsi.")
    if displaced_from and displaced_from < event.started_on:
        errors["displaced_from"] = _("Tanggal mengungsi sebelum kejadian dimulai.")
    if displaced_until and displaced_until < (displaced_from or event.started_on):
        errors["displaced_until"] = _("Tanggal selesai mengungsi sebelum tanggal mulai mengungsi.")
    if errors:
        raise ValidationError(errors)


def _taken(event: Event, *, person: Person | None, nik: str, exclude: int | None = None) -> None:
    others = Victim.objects.filter(event=event)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    same = None
    if person is not None:
        same = others.filter(person=person).first()
    if same is None and nik:
        same = others.filter(nik=nik).first()
    if same is not None:
        raise ValidationError(
            _("%(name)s sudah tercatat sebagai korban kejadian ini.") % {"name": same.name}
        )


@transaction.atomic
def add_victim(
    *,
    actor: Any,
    event: Event,
    person: Person | None = None,
    nik: str = "",
    name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    desa_code: str = "",
    displaced: bool = False,
    displaced_from: dt.date | None = None,
    shelter: Shelter | None = None,
    condition: str = Condition.SAFE,
    note: str = "",
) -> Victim:
    """Record a victim: a registry person, or an identity as told (looked up in the
    registry first; kept provisional when not found)."""
    event = lock_event(actor, event)
    nik = nik.strip().replace(" ", "")
    if person is None:
        errors: dict[str, Any] = {}
        if len(name.strip()) < 2:
            errors["name"] = _("Tuliskan nama korban.")
        if nik:
            result = check_nik(
                nik, birth_date=birth_date, sex=sex or None, region_exists=kecamatan_exists
            )
            if not result.ok:
                errors["nik"] = result.errors
        if sex and sex not in Sex.values:
            errors["sex"] = _("Pilih jenis kelamin.")
        if errors:
            raise ValidationError(errors)
        person = find_person(nik=nik, name=name, birth_date=birth_date, desa_code=desa_code)
    desa_code = desa_code or (person.desa_id if person is not None else "")
    if desa_code not in event_desa_codes(event):
        raise ValidationError({"desa": _("Pilih salah satu desa terdampak kejadian ini.")})
    if actor is not None and not in_scope(actor, desa_code):
        raise PermissionDenied(_("Desa korban di luar wilayah kerja Anda."))
    _check_status(
        event,
        displaced=displaced,
        displaced_from=displaced_from,
        displaced_until=None,
        shelter=shelter,
        condition=condition,
    )
    if person is not None:
        nik = person.nik or nik
        household: Household | None = household_of(person)
        identity = {
            "name": person.name,
            "birth_date": person.birth_date,
            "sex": person.sex,
        }
    else:
        household = None
        identity = {"name": name.strip()[:150], "birth_date": birth_date, "sex": sex}
    _taken(event, person=person, nik=nik)
    victim = Victim.objects.create(
        event=event,
        person=person,
        household=household,
        nik=nik,
        desa_id=desa_code,
        displaced=displaced,
        displaced_from=displaced_from if displaced else None,
        shelter=shelter if displaced else None,
        condition=condition,
        note=note.strip()[:300],
        created_by=_user(actor),
        **identity,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=victim,
        wilayah_code=desa_code,
        changes=audit.diff({}, audit.snapshot(victim, fields=[*IDENTITY, *STATUS])),
        extra={"event": event.pk, "linked": person is not None},
    )
    return victim


def _lock_victims(actor: Any, victims: Sequence[Victim]) -> list[Victim]:
    ids = sorted({v.pk for v in victims})
    locked = list(Victim.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    outside = [v.name for v in locked if actor is not None and not in_scope(actor, v.desa_id)]
    if outside:
        raise PermissionDenied(
            _("Korban di luar wilayah kerja Anda: %(names)s.") % {"names": ", ".join(outside)}
        )
    return locked


@transaction.atomic
def update_victim(
    *,
    actor: Any,
    victim: Victim,
    displaced: bool,
    displaced_from: dt.date | None = None,
    displaced_until: dt.date | None = None,
    shelter: Shelter | None = None,
    condition: str = Condition.SAFE,
    note: str = "",
) -> Victim:
    """Change a victim's displacement, shelter, condition or note."""
    event = lock_event(actor, victim.event)
    victim = _lock_victims(actor, [victim])[0]
    _check_status(
        event,
        displaced=displaced,
        displaced_from=displaced_from,
        displaced_until=displaced_until,
        shelter=shelter,
        condition=condition,
    )
    before = audit.snapshot(victim, fields=STATUS)
    victim.displaced = displaced
    victim.displaced_from = displaced_from if displaced else None
    victim.displaced_until = displaced_until if displaced else None
    victim.shelter = shelter if displaced else None
    victim.condition = condition
    victim.note = note.strip()[:300]
    victim.save(update_fields=STATUS)
    changes = audit.diff(before, audit.snapshot(victim, fields=STATUS))
    if changes:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=victim,
            wilayah_code=victim.desa_id,
            changes=changes,
        )
    return victim


@dataclass
class Reconciled:
    linked: int = 0
    merged: int = 0
    left: int = 0


def _graver(a: str, b: str) -> str:
    return (
        a if CONDITION_GRAVITY.index(Condition(a)) >= CONDITION_GRAVITY.index(Condition(b)) else b
    )


def _merge(actor: Any, source: Victim, target: Victim) -> None:
    """Fold a provisional record of a person into their existing victim record: the aid rows
    move, displacement and shelter are kept where either has them, the graver condition
    wins. The provisional record is deleted."""
    before = audit.snapshot(target, fields=[*IDENTITY, *STATUS])
    moved = VictimAid.objects.filter(victim=source).update(victim=target)
    if source.displaced:
        if target.displaced:
            # An empty date means "since the start" / "still displaced": it wins.
            starts = [target.displaced_from, source.displaced_from]
            ends = [target.displaced_until, source.displaced_until]
            target.displaced_from = None if None in starts else min(d for d in starts if d)
            target.displaced_until = None if None in ends else max(d for d in ends if d)
        else:
            target.displaced_from = source.displaced_from
            target.displaced_until = source.displaced_until
        target.displaced = True
        target.shelter = target.shelter or source.shelter
    target.condition = _graver(target.condition, source.condition)
    if target.condition in UNAVAILABLE:
        target.displaced, target.shelter = False, None
        target.displaced_from = target.displaced_until = None
    target.household = target.household or source.household
    target.note = " · ".join(n for n in (target.note, source.note) if n)[:300]
    target.save()
    source_id, source_repr = source.pk, str(source)
    source.delete()
    audit.record(
        actor=actor,
        action=Action.DELETE,
        object_type="disasters.victim",
        object_id=str(source_id),
        object_repr=source_repr,
        wilayah_code=source.desa_id,
        extra={"merged_into": target.pk, "aid_moved": moved},
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=target,
        wilayah_code=target.desa_id,
        changes=audit.diff(before, audit.snapshot(target, fields=[*IDENTITY, *STATUS])),
        extra={"merged_victim": source_id, "aid_moved": moved},
    )


@transaction.atomic
def reconcile_victims(*, actor: Any, event: Event) -> Reconciled:
    """Link the event's provisional victims (in the actor's areas) to registry persons found
    since they were recorded; merge those who turn out to be a victim already."""
    event = lock_event(actor, event)
    provisional = Victim.objects.select_for_update().filter(event=event, person__isnull=True)
    if actor is not None:
        provisional = scope(provisional, actor, "desa__code")
    # Victims with a NIK first: a NIK match settles who someone is before a name match does.
    pending = sorted(provisional, key=lambda v: (v.nik == "", v.pk))
    result = Reconciled()
    for victim in pending:
        person = find_person(
            nik=victim.nik, name=victim.name, birth_date=victim.birth_date, desa_code=victim.desa_id
        )
        if person is None:
            result.left += 1
            continue
        existing = (
            Victim.objects.select_for_update()
            .filter(event=event, person=person)
            .exclude(pk=victim.pk)
            .first()
        )
        if existing is None and person.nik:
            existing = (
                Victim.objects.select_for_update()
                .filter(event=event, nik=person.nik)
                .exclude(pk=victim.pk)
                .first()
            )
            if existing is not None and existing.person_id is None:
                # Another provisional record carries this NIK but lies outside the actor's
                # areas: leave both for someone who sees them.
                result.left += 1
                continue
        if existing is not None:
            _merge(actor, victim, existing)
            result.merged += 1
            continue
        before = audit.snapshot(victim, fields=IDENTITY)
        victim.person = person
        victim.nik = person.nik or victim.nik
        victim.name = person.name
        victim.birth_date = person.birth_date
        victim.sex = person.sex
        victim.household = victim.household or household_of(person)
        victim.save(update_fields=["person", "nik", "name", "birth_date", "sex", "household"])
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=victim,
            wilayah_code=victim.desa_id,
            changes=audit.diff(before, audit.snapshot(victim, fields=IDENTITY)),
            extra={"reconciled": True},
        )
        result.linked += 1
    return result


def _check_day(event: Event, date: dt.date, today: dt.date) -> None:
    if date < event.started_on:
        raise ValidationError(
            {
                "date": _("Tanggal sebelum kejadian dimulai (%(d)s).")
                % {"d": tanggal(event.started_on)}
            }
        )
    if date > today:
        raise ValidationError({"date": _("Tanggal tidak boleh di masa depan.")})
    if event.ended_on and date > event.ended_on:
        raise ValidationError(
            {"date": _("Kejadian sudah selesai pada %(d)s.") % {"d": tanggal(event.ended_on)}}
        )


@transaction.atomic
def record_daily_aid(
    *,
    actor: Any,
    event: Event,
    date: dt.date,
    kind: str,
    victims: Sequence[Victim],
    quantity: int = 1,
    today: dt.date | None = None,
) -> list[VictimAid]:
    """The same aid for several victims on one day (a clerk at a shelter ticking names).
    All or nothing: one refused victim refuses the whole entry."""
    event = lock_event(actor, event)
    today = today or timezone.localdate()
    if kind not in AidKind.values:
        raise ValidationError({"kind": _("Pilih jenis bantuan.")})
    if quantity < 1:
        raise ValidationError({"quantity": _("Jumlah sedikitnya 1.")})
    if not victims:
        raise ValidationError({"victims": _("Centang sedikitnya satu korban.")})
    _check_day(event, date, today)
    locked = _lock_victims(actor, victims)
    wrong = [v.name for v in locked if v.event_id != event.pk]
    if wrong:
        raise ValidationError(
            _("Bukan korban kejadian ini: %(names)s.") % {"names": ", ".join(wrong)}
        )
    gone = [
        f"{v.name} ({v.get_condition_display().lower()})"
        for v in locked
        if v.condition in UNAVAILABLE
    ]
    if gone:
        raise ValidationError(
            _("Bantuan tidak dapat dicatat untuk korban meninggal atau hilang: %(names)s.")
            % {"names": ", ".join(gone)}
        )
    if kind == AidKind.MEALS:
        limit = meals_per_day()
        had = dict(
            VictimAid.objects.filter(victim__in=locked, kind=AidKind.MEALS, date=date)
            .values("victim_id")
            .annotate(total=Sum("quantity"))
            .values_list("victim_id", "total")
        )
        over = [
            _("%(name)s (sudah %(had)s kali)") % {"name": v.name, "had": had.get(v.pk, 0)}
            for v in locked
            if had.get(v.pk, 0) + quantity > limit
        ]
        if over:
            raise ValidationError(
                _(
                    "Standar permakanan %(n)sx1 hari: paling banyak %(n)s kali makan per orang per hari. "
                    "Pada %(date)s, melebihi standar: %(names)s. Tidak ada yang disimpan."
                )
                % {"n": limit, "date": tanggal(date), "names": ", ".join(over)}
            )
    rows = VictimAid.objects.bulk_create(
        [
            VictimAid(victim=v, date=date, kind=kind, quantity=quantity, recorded_by=_user(actor))
            for v in locked
        ]
    )
    by_desa: dict[str, list[int]] = defaultdict(list)
    for v in locked:
        by_desa[v.desa_id].append(v.pk)
    for desa_code, ids in sorted(by_desa.items()):
        audit.record(
            actor=actor,
            action=Action.CREATE,
            object_type="disasters.victimaid",
            object_repr=f"{AidKind(kind).label} {date.isoformat()} · {len(ids)} orang",
            wilayah_code=desa_code,
            extra={
                "event": event.pk,
                "date": date.isoformat(),
                "kind": kind,
                "quantity": quantity,
                "victims": ids,
            },
        )
    return rows


def record_aid(
    *,
    actor: Any,
    victim: Victim,
    date: dt.date,
    kind: str,
    quantity: int = 1,
    today: dt.date | None = None,
) -> VictimAid:
    """Aid for one victim on one day."""
    return record_daily_aid(
        actor=actor,
        event=victim.event,
        date=date,
        kind=kind,
        victims=[victim],
        quantity=quantity,
        today=today,
    )[0]


@transaction.atomic
def remove_aid(*, actor: Any, aid: VictimAid) -> None:
    """Take back an aid row recorded by mistake."""
    require(actor, Cap.WRITE)
    victim = _lock_victims(actor, [aid.victim])[0]
    aid = VictimAid.objects.select_for_update().get(pk=aid.pk)
    audit.record(
        actor=actor,
        action=Action.DELETE,
        object_type="disasters.victimaid",
        object_id=str(aid.pk),
        object_repr=f"{victim.name}: {aid.get_kind_display()} {aid.date.isoformat()} ×{aid.quantity}",
        wilayah_code=victim.desa_id,
    )
    aid.delete()
