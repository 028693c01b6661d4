import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sejahtera.accounts.roles import Cap
from sejahtera.audit import selectors
from sejahtera.audit.filtersets import AuditEventFilterSet
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate

router: Router = CapabilityRouter(Cap.VIEW_AUDIT, tags=["audit"])
AuditFilters = filter_schema(AuditEventFilterSet)


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_username: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    wilayah_code: str
    ip: str | None


@router.get("/events", response=list[AuditEventOut], summary="Kejadian audit")
@paginate
def list_events(request: HttpRequest, filters: Query[AuditFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(AuditEventFilterSet, filters, selectors.events_for(request.user))
