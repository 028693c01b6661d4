"""Decisions on candidate pairs, and merges that can be undone.

A decision is kept per unordered pair of persons (`PairDecision`), so no later search asks
again. "Same person" merges: both records stay, the duplicate is marked `merged_into` the
record kept, and every row of any app that points at the duplicate is moved to the record
kept (found generically through `Person._meta.related_objects`, so programmes, services,
disasters and partners all follow), each moved field written down in `MergeRecord`.
`undo_merge` puts exactly those fields back, and refuses if any was changed since."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.linkage.access import require_reviewer
from sejahtera.linkage.models import CandidatePair, Decision, Merge, MergeRecord, PairDecision
from sejahtera.registry.models import Membership, Person, Proposal, ProposalKind
from sejahtera.registry.payloads import OPEN

SKIP_APPS = frozenset({"linkage"})


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _check_area(actor: Any, *persons: Person) -> None:
    if actor is None:
        return
    for person in persons:
        if not in_scope(actor, person.desa_id):
            raise PermissionDenied(_("Data penduduk ini di luar wilayah kerja Anda."))


def _lock(*pks: int) -> dict[int, Person]:
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=pks)}
    if len(locked) != len(set(pks)):
        raise ValidationError(_("Data penduduk tidak ditemukan."))
    return locked


@transaction.atomic
def decide_pair(
    *,
    actor: Any,
    person_a: Person,
    person_b: Person,
    decision: str,
    survivor: Person | None = None,
    note: str = "",
) -> PairDecision:
    """Record a clerk's answer for two persons. "Same person" (`Decision.SAME`) also merges
    them, keeping `survivor` (one of the two)."""
    require_reviewer(actor)
    if decision not in Decision.values:
        raise ValidationError(_("Pilih keputusan: orang yang sama atau berbeda."))
    if person_a.pk == person_b.pk:
        raise ValidationError(_("Pilih dua data penduduk yang berbeda."))
    low, high = ordered(person_a.pk, person_b.pk)
    locked = _lock(low, high)
    _check_area(actor, *locked.values())
    if PairDecision.objects.filter(person_a_id=low, person_b_id=high).exists():
        raise ValidationError(_("Pasangan ini sudah diputuskan."))
    if decision == Decision.SAME and (survivor is None or survivor.pk not in locked):
        raise ValidationError(_("Pilih data yang dipertahankan."))
    pair = CandidatePair.objects.filter(person_a_id=low, person_b_id=high).first()
    record = PairDecision.objects.create(
        person_a_id=low,
        person_b_id=high,
        decision=decision,
        match_probability=pair.match_probability if pair else None,
        note=note.strip()[:300],
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        wilayah_code=locked[low].desa_id,
        extra={"persons": [low, high], "decision": decision},
    )
    if decision == Decision.SAME:
        assert survivor is not None
        loser = locked[high if survivor.pk == low else low]
        _merge(actor, locked[survivor.pk], loser, record)
    CandidatePair.objects.filter(person_a_id=low, person_b_id=high).delete()
    return record


def _open_proposals(persons: list[Person]) -> list[Proposal]:
    households = Membership.objects.filter(person__in=persons, end_date__isnull=True).values_list(
        "household_id", flat=True
    )
    return list(
        Proposal.objects.filter(status__in=OPEN).filter(
            Q(person__in=persons)
            | Q(kind=ProposalKind.COMPOSITION, household_id__in=list(households))
        )
    )


def _references(model: type[models.Model], field: models.Field[Any, Any]) -> list[tuple[str, ...]]:
    """The unique sets of fields of `model` that include `field` (constraints whose
    condition we also check, and unique_together)."""
    sets: list[tuple[str, ...]] = []
    for constraint in model._meta.constraints:
        fields = tuple(getattr(constraint, "fields", ()) or ())
        if field.name in fields:
            sets.append(fields)
    for together in model._meta.unique_together:
        if field.name in together:
            sets.append(tuple(together))
    return sets


def _conflicts(
    model: type[models.Model], field: models.Field[Any, Any], survivor: Person, loser: Person
) -> bool:
    """Would moving `model`'s rows from the loser to the survivor break a unique rule?"""
    manager = model._base_manager
    for fields in _references(model, field):
        others = [f for f in fields if f != field.name]
        condition = next(
            (
                getattr(c, "condition", None)
                for c in model._meta.constraints
                if tuple(getattr(c, "fields", ()) or ()) == fields
                and getattr(c, "condition", None) is not None
            ),
            None,
        )
        survivor_rows = manager.filter(**{field.name: survivor})
        loser_rows = manager.filter(**{field.name: loser})
        if condition is not None:
            survivor_rows = survivor_rows.filter(condition)
            loser_rows = loser_rows.filter(condition)
        if not others:
            if survivor_rows.exists() and loser_rows.exists():
                return True
            continue
        taken = set(survivor_rows.values_list(*others))
        if any(values in taken for values in loser_rows.values_list(*others)):
            return True
    return False


def _relations() -> list[tuple[type[models.Model], models.ForeignKey[Any, Any]]]:
    found = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or model._meta.app_label in SKIP_APPS:
            continue
        if relation.many_to_many or not isinstance(relation.field, models.ForeignKey):
            continue
        found.append((model, relation.field))
    return found


def _merge(actor: Any, survivor: Person, loser: Person, decision: PairDecision | None) -> Merge:
    for person in (survivor, loser):
        if person.merged_into_id is not None:
            raise ValidationError(
                _("%(name)s sudah digabung ke data lain.") % {"name": person.name}
            )
    pending = _open_proposals([survivor, loser])
    if pending:
        raise ValidationError(
            _(
                "Ada usulan yang belum diputuskan untuk data ini (%(ids)s); selesaikan usulan itu lebih dulu."
            )
            % {"ids": ", ".join(f"#{p.pk}" for p in pending)}
        )
    relations = _relations()
    blocked = [
        str(model._meta.verbose_name)
        for model, field in relations
        if model is not Membership and _conflicts(model, field, survivor, loser)
    ]
    if blocked:
        raise ValidationError(
            _(
                "Kedua data tercatat bersama di %(what)s; rapikan catatan itu lebih dulu sebelum digabung."
            )
            % {"what": ", ".join(sorted(set(blocked)))}
        )
    merge = Merge.objects.create(
        decision=decision,
        survivor=survivor,
        loser=loser,
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rows: list[MergeRecord] = []
    today = timezone.localdate()
    # The duplicate's current household membership ends: the survivor keeps theirs.
    for membership in Membership.objects.filter(person=loser, end_date__isnull=True):
        reason = _("Data ganda, digabung ke penduduk #%(id)d") % {"id": survivor.pk}
        rows += [
            MergeRecord(
                merge=merge,
                model_label="registry.membership",
                object_pk=str(membership.pk),
                field="end_date",
                old_value=None,
                new_value=today.isoformat(),
            ),
            MergeRecord(
                merge=merge,
                model_label="registry.membership",
                object_pk=str(membership.pk),
                field="end_reason",
                old_value=membership.end_reason,
                new_value=reason,
            ),
        ]
        membership.end_date = max(today, membership.start_date)
        membership.end_reason = reason
        membership.save(update_fields=["end_date", "end_reason"])
        rows[-2].new_value = membership.end_date.isoformat()
    moved: Counter[str] = Counter()
    for model, field in relations:
        pks = list(model._base_manager.filter(**{field.name: loser}).values_list("pk", flat=True))
        if not pks:
            continue
        label = model._meta.label_lower
        rows += [
            MergeRecord(
                merge=merge,
                model_label=label,
                object_pk=str(pk),
                field=field.name,
                old_value=loser.pk,
                new_value=survivor.pk,
            )
            for pk in pks
        ]
        model._base_manager.filter(pk__in=pks).update(**{field.attname: survivor.pk})
        moved[label] += len(pks)
    MergeRecord.objects.bulk_create(rows)
    loser.merged_into = survivor
    loser.save(update_fields=["merged_into", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=loser,
        wilayah_code=loser.desa_id,
        changes={"merged_into": [None, survivor.pk]},
        extra={"merge": merge.pk, "moved": dict(moved)},
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=merge,
        wilayah_code=survivor.desa_id,
        extra={"survivor": survivor.pk, "loser": loser.pk, "moved": dict(moved)},
    )
    return merge


@transaction.atomic
def merge_persons(*, actor: Any, survivor: Person, loser: Person) -> Merge:
    """Merge two persons directly (records the decision "same person" too)."""
    decision = decide_pair(
        actor=actor, person_a=survivor, person_b=loser, decision=Decision.SAME, survivor=survivor
    )
    return decision.merges.get()


def _field_value(instance: models.Model, field_name: str) -> Any:
    field = instance._meta.get_field(field_name)
    value = getattr(instance, getattr(field, "attname", field_name))
    return value.isoformat() if hasattr(value, "isoformat") else value


def undo_merge(*, actor: Any, merge: Merge, reason: str = "") -> Merge:
    """Move every recorded field back, unmark the duplicate and forget the decision."""
    try:
        return _undo(actor=actor, merge=merge, reason=reason)
    except IntegrityError as exc:
        raise ValidationError(
            _("Penggabungan tidak dapat dibatalkan: data sudah berubah sejak digabung.")
        ) from exc


@transaction.atomic
def _undo(*, actor: Any, merge: Merge, reason: str) -> Merge:
    require_reviewer(actor)
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    locked = _lock(merge.survivor_id, merge.loser_id)
    _check_area(actor, *locked.values())
    if merge.undone_at is not None:
        raise ValidationError(_("Penggabungan ini sudah dibatalkan."))
    loser = locked[merge.loser_id]
    if loser.merged_into_id != merge.survivor_id:
        raise ValidationError(_("Data duplikat sudah tidak tercatat digabung ke data ini."))
    records = list(merge.records.order_by("-id"))
    for record in records:
        model = apps.get_model(record.model_label)
        instance = model._base_manager.select_for_update().filter(pk=record.object_pk).first()
        if instance is None or _field_value(instance, record.field) != record.new_value:
            raise ValidationError(
                _(
                    "Penggabungan tidak dapat dibatalkan: %(what)s #%(pk)s sudah berubah sejak digabung."
                )
                % {"what": model._meta.verbose_name, "pk": record.object_pk}
            )
    for record in records:
        model = apps.get_model(record.model_label)
        field = model._meta.get_field(record.field)
        model._base_manager.filter(pk=record.object_pk).update(
            **{getattr(field, "attname", record.field): record.old_value}
        )
    loser.merged_into = None
    loser.save(update_fields=["merged_into", "updated_at"])
    decision = merge.decision
    merge.undone_at = timezone.now()
    merge.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    merge.undo_reason = reason.strip()[:300]
    merge.decision = None
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason", "decision"])
    if decision is not None:
        decision.delete()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=loser,
        wilayah_code=loser.desa_id,
        changes={"merged_into": [merge.survivor_id, None]},
        extra={"merge": merge.pk, "undone": True, "reason": merge.undo_reason},
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=merge,
        wilayah_code=locked[merge.survivor_id].desa_id,
        changes={"undone_at": [None, merge.undone_at.isoformat()]},
        extra={"records": len(records)},
    )
    return merge
