"""What the system holds about one person, for a data-subject request (UU 27/2022): the
person's record, households, PPKS assessments, programme participation and every other row
in any app that points at the person (found through the model relations, so a new app's
records are included without changing this file), and who viewed or changed the record
and when."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from sejahtera.audit.models import AuditEvent
from sejahtera.registry.models import Person

# Fields that are secrets of the system, not data about the person.
SKIP_FIELDS = {"password", "token", "token_hash", "content_hash", "key"}


def _plain(obj: models.Model) -> dict[str, Any]:
    data = model_to_dict(obj)
    data = {k: v for k, v in data.items() if k not in SKIP_FIELDS}
    for field in obj._meta.concrete_fields:
        if field.name in data and isinstance(field, models.FileField):
            data[field.name] = str(getattr(obj, field.name) or "")
    data["id"] = obj.pk
    return data


def everything_about(person: Person) -> dict[str, Any]:
    related: dict[str, list[dict[str, Any]]] = {}
    for relation in Person._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            assert isinstance(model, type) and issubclass(model, models.Model)
            rows = model._default_manager.filter(**{relation.field.name: person})
            items = [_plain(row) for row in rows]
            if items:
                related.setdefault(model._meta.label, []).extend(items)
    trail = [
        {
            "at": e.at.isoformat(),
            "by": e.actor_username,
            "action": e.action,
            "ip": e.ip or "",
        }
        for e in AuditEvent.objects.filter(
            object_type="registry.person", object_id=str(person.pk)
        ).order_by("at", "id")
    ]
    return {"person": _plain(person), "related": related, "access_trail": trail}
