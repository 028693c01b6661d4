"""/api/bencana/: disaster events (with the list's filters) and an event's summary, scoped to
the user's areas like the pages. No personal data: victims are counted, not listed."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate
from sejahtera.disasters import selectors
from sejahtera.disasters.filtersets import EventFilterSet
from sejahtera.disasters.models import Event
from sejahtera.disasters.summary import event_figures, figure_rows

router: Router = CapabilityRouter(Cap.VIEW, tags=["Bencana"])
EventFilters = filter_schema(EventFilterSet)


class EventOut(Schema):
    id: int
    kind: str
    name: str
    phase: str
    started_on: dt.date
    ended_on: dt.date | None
    desa_codes: list[str]
    victims: int
    displaced: int

    @staticmethod
    def resolve_desa_codes(obj: Event) -> list[str]:
        return sorted(w.code for w in obj.desa.all())

    @staticmethod
    def resolve_victims(obj: Event) -> int:
        return int(getattr(obj, "n_victims", 0))

    @staticmethod
    def resolve_displaced(obj: Event) -> int:
        return int(getattr(obj, "n_displaced", 0))


class ItemOut(Schema):
    item: str
    unit: str
    quantity: int


class FigureOut(Schema):
    label: str
    value: int


class SummaryOut(Schema):
    event: EventOut
    victims: int
    displaced: int
    basic_needs_met: int
    basic_needs_partial: int
    displaced_without_meals: int
    aided_after_emergency: int
    meals_per_person: int
    meals_kitchens: int
    clothing_persons: int
    psychosocial_sessions: int
    psychosocial_persons: int
    volunteers: int
    items_issued: list[ItemOut]
    figures: list[FigureOut]


@router.get("/kejadian", response=list[EventOut], summary="Daftar kejadian bencana")
@paginate
def list_events(request: HttpRequest, filters: Query[EventFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(
        EventFilterSet,
        filters,
        selectors.event_list_for(request.user).order_by("-started_on", "-id"),
    )


@router.get("/kejadian/{event_id}", response=SummaryOut, summary="Ringkasan satu kejadian")
def event_summary(request: HttpRequest, event_id: int) -> dict[str, object]:
    event = selectors.event_list_for(request.user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    f = event_figures(event, selectors.victims_for(request.user))
    return {
        "event": event,
        "victims": f.victims,
        "displaced": f.displaced,
        "basic_needs_met": f.met,
        "basic_needs_partial": f.partial,
        "displaced_without_meals": f.unfed,
        "aided_after_emergency": f.aided_after,
        "meals_per_person": f.meals_persons,
        "meals_kitchens": f.meals_kitchens,
        "clothing_persons": f.clothing_persons,
        "psychosocial_sessions": f.psych_sessions,
        "psychosocial_persons": f.psych_persons,
        "volunteers": f.volunteers,
        "items_issued": [{"item": n, "unit": u, "quantity": q} for n, u, q in f.items],
        "figures": [{"label": label, "value": value} for label, value in figure_rows(f)],
    }
