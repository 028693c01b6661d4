"""Writing audit events. Services call `record` inside their own transaction, so an event is
stored exactly when the change it describes is stored (a rolled-back change leaves none)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from sejahtera.audit.models import Action, AuditEvent
from sejahtera.common import request_context


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(
    instance: models.Model, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """The instance's concrete field values (foreign keys as ids), plus the listed
    many-to-many fields as sorted id lists, ready to diff."""
    skip = {"password", *exclude}
    data: dict[str, Any] = {}
    opts = instance._meta
    wanted = set(fields) if fields is not None else None
    for field in opts.concrete_fields:
        if field.name in skip or (wanted is not None and field.name not in wanted):
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    for m2m in opts.many_to_many:
        if m2m.name in skip or wanted is None or m2m.name not in wanted or instance.pk is None:
            continue
        data[m2m.name] = _jsonable(list(getattr(instance, m2m.name).values_list("pk", flat=True)))
    return data


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value changed (an empty value becoming
    another empty value, e.g. None → "", is no change)."""
    keys = before.keys() | after.keys()
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(keys)
        if before.get(key) != after.get(key)
        and not (_empty(before.get(key)) and _empty(after.get(key)))
    }


def record(
    *,
    actor: Any,
    action: Action | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    wilayah_code: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Store one event. `actor` None is the system (a command or a scheduled task); an
    anonymous user is the public."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    info = request_context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    from sejahtera.audit.chain import seal_on_commit

    seal_on_commit()
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_username=(
            actor.get_username() if authenticated else ("sistem" if actor is None else "anonim")
        ),
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=changes or {},
        wilayah_code=wilayah_code,
        ip=info.ip,
        user_agent=info.user_agent,
        extra=extra or {},
    )
