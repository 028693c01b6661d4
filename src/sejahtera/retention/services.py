"""Retention: what has passed its period (`due`, `report`) and its removal (`apply`).

`apply` works kind by kind, each in its own transaction: one set-based DELETE or UPDATE, one
audit event with the count and the rule (no event when nothing was due), and the files of the
removed rows deleted from storage after the commit. A kind that fails rolls back alone; the
kinds before it stay applied. The registry and the audit trail are never touched: see
kinds.py for what each kind removes and data/retention.yaml for why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action as AuditAction
from sejahtera.retention.kinds import Action
from sejahtera.retention.rules import Rule, load_rules


def moment(as_of: dt.datetime | dt.date | None = None) -> dt.datetime:
    """The reference moment: now, a given time, or the start of a given day (office time)."""
    if as_of is None:
        return timezone.now()
    if isinstance(as_of, dt.datetime):
        return as_of if timezone.is_aware(as_of) else timezone.make_aware(as_of)
    return timezone.make_aware(dt.datetime.combine(as_of, dt.time.min))


def cutoff(rule: Rule, as_of: dt.datetime | dt.date | None = None) -> dt.datetime:
    """Records whose age is before this moment have passed their retention."""
    return rule.period.before(moment(as_of))


def _rule(key: str) -> Rule:
    for rule in load_rules():
        if rule.key == key:
            return rule
    raise KeyError(key)


def due(kind: str, as_of: dt.datetime | dt.date | None = None) -> QuerySet[Any] | list[Path]:
    """The records of one kind that have passed their retention as of `as_of` (a queryset, or
    the paths of files for the kind that lives in a directory)."""
    rule = _rule(kind)
    return rule.kind.due(cutoff(rule, as_of))


@dataclass(frozen=True)
class Line:
    rule: Rule
    cutoff: dt.datetime
    count: int
    oldest: dt.date | dt.datetime | None


def report(*, as_of: dt.datetime | dt.date | None = None) -> list[Line]:
    """Every rule with how many records are due and the oldest of them (inactive rules are
    listed with a count of what would be due, and `apply` skips them)."""
    lines = []
    for rule in load_rules():
        limit = cutoff(rule, as_of)
        count, oldest = rule.kind.summary(limit)
        lines.append(Line(rule=rule, cutoff=limit, count=count, oldest=oldest))
    return lines


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    count: int
    files: int


def apply(
    *,
    actor: Any,
    as_of: dt.datetime | dt.date | None = None,
    keys: list[str] | None = None,
) -> list[Outcome]:
    """Remove what has passed its retention, kind by kind (only `keys` when given). `actor`
    None is the system (the command); a user must be an administrator."""
    require(actor, Cap.MANAGE_USERS)
    reference = moment(as_of)
    outcomes = []
    for rule in load_rules():
        if not rule.active or (keys is not None and rule.key not in keys):
            continue
        outcomes.append(_apply_one(actor=actor, rule=rule, reference=reference))
    return outcomes


def _apply_one(*, actor: Any, rule: Rule, reference: dt.datetime) -> Outcome:
    limit = rule.period.before(reference)
    with transaction.atomic():
        removal = rule.kind.remove(limit)
        if removal.count or removal.files:
            audit.record(
                actor=actor,
                action=(
                    AuditAction.UPDATE
                    if rule.kind.action == Action.ANONYMISE
                    else AuditAction.DELETE
                ),
                object_type="retention",
                object_id=rule.key,
                object_repr=f"Retensi: {rule.kind.label}",
                extra={
                    "count": removal.count,
                    "files": removal.files,
                    "cascaded": removal.cascaded,
                    "rule": rule.as_dict(),
                    "as_of": reference.isoformat(),
                    "cutoff": limit.isoformat(),
                },
            )
            transaction.on_commit(removal.cleanup)
    return Outcome(rule=rule, count=removal.count, files=removal.files)
