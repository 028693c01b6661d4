from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope_q
from sejahtera.audit.models import AuditEvent


def events_for(user: Any) -> QuerySet[AuditEvent]:
    """Audit events for those who may read the trail: events of their areas, plus
    office-level events (no area) for users whose areas cover the whole office."""
    if not can(user, Cap.VIEW_AUDIT):
        return AuditEvent.objects.none()
    q = scope_q(user, "wilayah_code")
    if in_scope(user, settings.OFFICE_WILAYAH_CODE):
        q |= Q(wilayah_code="")
    return AuditEvent.objects.filter(q).select_related("actor")


def events_about(object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
