"""Pages for plan managers: the Renja of a year (derived from the Renstra, edited with a
reason), how an indicator is computed, and which unit reports on a row."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.planning import services
from sejahtera.planning.forms import MethodForm, UnitForm, WorkPlanItemForm
from sejahtera.planning.models import Indicator, Node, WorkPlan, WorkPlanItem
from sejahtera.planning.views import _plan


@login_required
def work_plan(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request)
    wp = WorkPlan.objects.filter(plan=plan, year=year).first()
    items = []
    if wp is not None:
        items = list(
            wp.items.select_related("indicator", "indicator__node", "node").order_by(
                "node__position", "indicator__node__position", "indicator__position"
            )
        )
    return render(
        request,
        "planning/renja.html",
        {
            "plan": plan,
            "tab": "renja",
            "year": year,
            "years": plan.years,
            "wp": wp,
            "items": items,
            "can_manage": can(request.user, Cap.PLAN_MANAGE),
            "departures": sum(1 for i in items if i.departs),
        },
    )


@login_required
@require_POST
def work_plan_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request)
    try:
        services.create_work_plan(actor=request.user, plan=plan, year=year)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Renja %(y)s dibuat dari Renstra.") % {"y": year})
    return redirect("planning:renja", year=year)


@login_required
def work_plan_item(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_MANAGE)
    item = get_object_or_404(
        WorkPlanItem.objects.select_related("work_plan"), pk=pk, work_plan__plan=plan
    )
    form = WorkPlanItemForm(
        request.POST or None,
        initial={"written": item.written, "amount": item.amount, "reason": item.reason},
    )
    if item.indicator_id is not None:
        del form.fields["amount"]
    else:
        del form.fields["written"]
    if request.method == "POST" and form.is_valid():
        try:
            services.change_work_plan_item(
                actor=request.user,
                item=item,
                written=form.cleaned_data.get("written"),
                amount=form.cleaned_data.get("amount"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Butir Renja disimpan."))
            return redirect("planning:renja", year=item.work_plan.year)
    return render(
        request,
        "planning/form_page.html",
        {
            "plan": plan,
            "tab": "renja",
            "form": form,
            "title": _("Ubah butir Renja %(y)s") % {"y": item.work_plan.year},
            "subject": item.indicator.name if item.indicator else str(item.node),
            "back": redirect("planning:renja", year=item.work_plan.year).url,
        },
    )


@login_required
def indicator_method(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_MANAGE)
    indicator = get_object_or_404(Indicator, pk=pk, plan=plan)
    form = MethodForm(
        request.POST or None,
        initial={
            "direction": indicator.direction,
            "accumulation": indicator.accumulation,
            "note": indicator.method_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_indicator_method(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cara hitung indikator disimpan."))
            return (
                redirect("planning:node", pk=indicator.node_id)
                if indicator.node_id
                else redirect("planning:home")
            )
    return render(
        request,
        "planning/form_page.html",
        {
            "plan": plan,
            "tab": "plan",
            "form": form,
            "title": _("Cara hitung capaian"),
            "subject": indicator.name,
            "back": request.META.get("HTTP_REFERER", ""),
        },
    )


@login_required
def node_unit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_MANAGE)
    node = get_object_or_404(Node, pk=pk, plan=plan)
    form = UnitForm(request.POST or None, initial={"unit": node.unit_id})
    if request.method == "POST" and form.is_valid():
        services.assign_unit(actor=request.user, node=node, unit=form.cleaned_data["unit"])
        messages.success(request, _("Unit pelapor disimpan."))
        return redirect("planning:node", pk=node.pk)
    return render(
        request,
        "planning/form_page.html",
        {
            "plan": plan,
            "tab": "plan",
            "form": form,
            "title": _("Unit kerja pelapor"),
            "subject": str(node),
            "back": redirect("planning:node", pk=node.pk).url,
        },
    )
