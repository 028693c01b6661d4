"""Reads of the disasters app, scoped to the user's areas. A user sees an event when any of its
desa lies in their areas; within an event they see the victims of their own desa (a victim is a
person's record, scoped by the desa where they were affected). Shelters, kitchens, reports and
deployments belong to the event and are seen with it. The warehouse is the office's: it is seen
by users whose areas cover the office's kabupaten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope, scope_q
from sejahtera.disasters.models import (
    Event,
    MovementKind,
    Phase,
    PhaseChange,
    StockItem,
    StockMovement,
    Victim,
)
from sejahtera.registry.models import Person
from sejahtera.wilayah.models import Wilayah


def events_for(user: Any) -> QuerySet[Event]:
    if not can(user, Cap.VIEW):
        return Event.objects.none()
    inside = Event.desa.through.objects.filter(event_id=OuterRef("pk")).filter(
        scope_q(user, "wilayah__code")
    )
    return Event.objects.filter(Exists(inside))


def event_list_for(user: Any) -> QuerySet[Event]:
    """Events with the number of their victims (and displaced victims) the user sees."""
    mine = scope_q(user, "victims__desa__code")
    return (
        events_for(user)
        .annotate(
            n_victims=Count("victims", filter=mine, distinct=True),
            n_displaced=Count("victims", filter=mine & Q(victims__displaced=True), distinct=True),
        )
        .prefetch_related(Prefetch("desa", queryset=Wilayah.objects.select_related("parent")))
    )


def event_desa_codes(event: Event) -> list[str]:
    return sorted(event.desa.values_list("code", flat=True))


def covers_event(user: Any, event: Event) -> bool:
    """Whether all of the event's desa lie in the user's areas (needed to change the event
    itself: its desa, its phase)."""
    codes = event_desa_codes(event)
    return bool(codes) and all(in_scope(user, code) for code in codes)


def sees_event(user: Any, event: Event) -> bool:
    return any(in_scope(user, code) for code in event_desa_codes(event))


def victims_for(user: Any) -> QuerySet[Victim]:
    if not can(user, Cap.VIEW):
        return Victim.objects.none()
    return scope(
        Victim.objects.select_related("desa", "desa__parent", "shelter", "person", "event"),
        user,
        "desa__code",
    )


def persons_in_desa(user: Any, desa_codes: list[str]) -> QuerySet[Person]:
    """Registry persons of the given desa that the user may see: where victim entry
    searches."""
    if not can(user, Cap.VIEW):
        return Person.objects.none()
    return scope(
        Person.objects.filter(desa__code__in=desa_codes, is_deceased=False).select_related("desa"),
        user,
        "desa__code",
    )


def emergency_last_day(event: Event) -> dt.date | None:
    """The last day of the emergency phase: the day before the event entered a later phase;
    None while it is still in the emergency."""
    later = (
        PhaseChange.objects.filter(event=event)
        .exclude(phase=Phase.EMERGENCY)
        .order_by("on")
        .values_list("on", flat=True)
        .first()
    )
    return later - dt.timedelta(days=1) if later else None


def emergency_last_days(event_ids: list[int]) -> dict[int, dt.date]:
    """`emergency_last_day` of many events at once (events still in the emergency are
    absent)."""
    last: dict[int, dt.date] = {}
    rows = (
        PhaseChange.objects.filter(event_id__in=event_ids)
        .exclude(phase=Phase.EMERGENCY)
        .order_by("on")
        .values_list("event_id", "on")
    )
    for event_id, on in rows:
        last.setdefault(event_id, on - dt.timedelta(days=1))
    return last


def sees_warehouse(user: Any) -> bool:
    return can(user, Cap.VIEW) and in_scope(user, settings.OFFICE_WILAYAH_CODE)


def stock_items_for(user: Any) -> QuerySet[StockItem]:
    """The warehouse's items with their balance (receipts − issues)."""
    if not sees_warehouse(user):
        return StockItem.objects.none()
    return StockItem.objects.annotate(
        received=Coalesce(
            Sum("movements__quantity", filter=Q(movements__kind=MovementKind.RECEIPT)),
            Value(0),
            output_field=IntegerField(),
        ),
        issued=Coalesce(
            Sum("movements__quantity", filter=Q(movements__kind=MovementKind.ISSUE)),
            Value(0),
            output_field=IntegerField(),
        ),
    ).annotate(balance=F("received") - F("issued"))


def movements_for(user: Any) -> QuerySet[StockMovement]:
    if not sees_warehouse(user):
        return StockMovement.objects.none()
    return StockMovement.objects.select_related("item", "event", "shelter", "actor")
