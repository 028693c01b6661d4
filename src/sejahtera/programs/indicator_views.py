"""The office's indicators computed from operations, with formula, drill-down and posting
into the Renstra as a quarter's realisation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.common.indicators import CountedRow, all_results, drill_down
from sejahtera.programs import indicators


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    try:
        start = dt.date.fromisoformat(source.get("dari", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(source.get("sampai", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, end


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    start, end = _period(request)
    results = all_results(start=start, end=end, user=request.user)
    rows = [{"r": r, "renstra": indicators.renstra_indicator(r)} for r in results]
    detail = request.GET.get("rinci", "")
    people: Page[CountedRow] | None = None
    if detail:
        result = next((r for r in results if r.key == detail), None)
        counted = (
            drill_down(detail, start=start, end=end, user=request.user)
            if result is not None and result.drill_down
            else None
        )
        if counted is None:
            raise Http404
        people = Paginator(counted, 50).get_page(request.GET.get("hal"))
    return render(
        request,
        "programs/indicators.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "detail": detail,
            "people": people,
            "can_post": can(request.user, Cap.PLAN_REPORT),
            "year": end.year,
            "quarter": (end.month - 1) // 3 + 1,
        },
    )


@login_required
@require_POST
def indicator_post(request: HttpRequest, key: str) -> HttpResponse:
    """Post a computed value into the Renstra as the realisation of a quarter (an entry the
    unit submits for approval like any other)."""
    from sejahtera.planning.services import record_indicator_realisation

    require(request.user, Cap.PLAN_REPORT)
    start, end = _period(request)
    result = next((r for r in all_results(start=start, end=end) if r.key == key), None)
    if result is None:
        raise Http404
    target = indicators.renstra_indicator(result)
    back = redirect(f"{request.path.rsplit('/', 3)[0]}/?dari={start}&sampai={end}")
    if target is None or result.value is None:
        messages.error(request, _("Indikator ini belum dapat dikirim ke Renstra."))
        return back
    try:
        record_indicator_realisation(
            actor=request.user,
            indicator=target,
            year=int(request.POST.get("tahun", end.year)),
            quarter=int(request.POST.get("tw", (end.month - 1) // 3 + 1)),
            written=result.written,
            helped=_("Dihitung dari data operasional %(start)s–%(end)s: %(formula)s")
            % {
                "start": start.strftime("%d-%m-%Y"),
                "end": end.strftime("%d-%m-%Y"),
                "formula": result.formula,
            },
        )
    except (ValidationError, PermissionDenied, ValueError) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(
            request,
            _(
                "%(value)s dicatat sebagai realisasi “%(name)s”; ajukan di halaman Realisasi Renstra."
            )
            % {"value": result.written, "name": target.name},
        )
    return back
