"""Reports: per year (one row per event under way in the year, with the total) and per event:
persons whose basic needs were met during and after the emergency, meals served (per person
and by public kitchens), items issued, psychosocial sessions, TAGANA volunteers. Both
download as .xlsx (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import Export, start_export
from sejahtera.disasters import selectors
from sejahtera.disasters.models import Event
from sejahtera.disasters.summary import Figures, event_figures, figure_rows, year_rows
from sejahtera.disasters.views import get_event


def _items_text(f: Figures) -> str:
    return "; ".join(f"{name} {quantity} {unit}" for name, unit, quantity in f.items)


def _xlsx(
    request: HttpRequest,
    title: str,
    filename: str,
    headers: list[str],
    rows: list[list[Any]],
    extra: dict[str, Any],
) -> HttpResponse:
    # Figures per event (counts of persons, meals, items): no person in it, no purpose asked.
    export = start_export(request, what=title, personal=False)
    if not isinstance(export, Export):
        return export
    return export.xlsx(
        headers, rows, title=title, name=filename, object_type="disasters.event", extra=extra
    )


@login_required
def year_report(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    today = timezone.localdate()
    raw = request.GET.get("tahun", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year
    events = selectors.events_for(request.user)
    rows, total = year_rows(events, selectors.victims_for(request.user), year, today=today)
    labels = [label for label, _value in figure_rows(total)]
    if request.GET.get("format") == "xlsx":
        table: list[list[Any]] = [
            [e.name, e.get_kind_display(), e.started_on, e.get_phase_display()]
            + [value for _label, value in figure_rows(f)]
            + [_items_text(f)]
            for e, f in rows
        ]
        table.append(
            [_("Jumlah"), "", None, ""] + [v for _l, v in figure_rows(total)] + [_items_text(total)]
        )
        return _xlsx(
            request,
            _("Laporan bencana %(year)s") % {"year": year},
            f"laporan-bencana-{year}",
            [_("Kejadian"), _("Jenis"), _("Mulai"), _("Fase"), *labels, _("Barang keluar")],
            table,
            {"year": year},
        )
    first = events.order_by("started_on").values_list("started_on__year", flat=True).first()
    years = list(range(today.year, min(first or today.year, year) - 1, -1))
    return render(
        request,
        "disasters/report.html",
        {
            "year": year,
            "years": years,
            "labels": labels,
            "rows": [(e, [v for _l, v in figure_rows(f)], f.items) for e, f in rows],
            "total": [v for _l, v in figure_rows(total)],
            "items": total.items,
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


@login_required
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    event: Event = get_event(request, pk)
    figures = event_figures(event, selectors.victims_for(request.user))
    rows = figure_rows(figures)
    if request.GET.get("format") == "xlsx":
        table: list[list[Any]] = [[label, value] for label, value in rows]
        table += [
            [_("Barang keluar: %(item)s (%(unit)s)") % {"item": n, "unit": u}, q]
            for n, u, q in figures.items
        ]
        return _xlsx(
            request,
            _("Laporan %(name)s") % {"name": event.name},
            "laporan-kejadian",
            [_("Uraian"), _("Jumlah")],
            table,
            {"event": event.pk},
        )
    return render(
        request,
        "disasters/event_report.html",
        {
            "event": event,
            "rows": rows,
            "items": figures.items,
            "can_export": can(request.user, Cap.EXPORT),
        },
    )
