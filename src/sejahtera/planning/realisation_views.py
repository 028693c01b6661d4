"""Quarterly realisation pages: the quarter's grid, entering a value or spending with
evidence, submitting, approving (which locks), reopening with a reason, and the .xlsx import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import XLSX_CONTENT_TYPE, Export, start_export
from sejahtera.common.uploads import check_upload
from sejahtera.planning import imports, services
from sejahtera.planning.forms import (
    ImportForm,
    IndicatorRealisationForm,
    ReopenForm,
    SpendingForm,
)
from sejahtera.planning.models import (
    Evidence,
    Indicator,
    IndicatorKind,
    Node,
    Realisation,
    Status,
)
from sejahtera.planning.selectors import PlanData, realisations_for
from sejahtera.planning.services import responsible_unit
from sejahtera.planning.views import _default_quarter, _default_year, _int, _plan


def _may_edit(user: Any, node: Node | None) -> bool:
    if not can(user, Cap.PLAN_REPORT):
        return False
    try:
        services.check_unit(user, node)
    except PermissionDenied:
        return False
    return True


def _may_approve(user: Any, node: Node | None) -> bool:
    if not can(user, Cap.PLAN_APPROVE):
        return False
    try:
        services.check_unit(user, node, approving=True)
    except PermissionDenied:
        return False
    return True


def _back(year: int, quarter: int) -> str:
    return f"{reverse('planning:realisation')}?tahun={year}&tw={quarter}"


@login_required
def realisation(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    year = _int(request, "tahun", _default_year(plan), plan.years)
    quarter = _int(request, "tw", _default_quarter(), [1, 2, 3, 4])
    mine = (
        request.GET.get("unit", "saya") == "saya"
        and getattr(request.user, "unit_id", None) is not None
    )
    data = PlanData(plan, approved_only=False)
    existing = {
        (r.indicator_id, r.node_id): r
        for r in realisations_for(request.user, plan).filter(year=year, quarter=quarter)
    }
    leaves = {n.pk for n in data.nodes} - {n.parent_id for n in data.nodes if n.parent_id}
    groups: list[dict[str, Any]] = []
    for node, indicators in data.rows():
        unit = responsible_unit(node)
        if mine and unit is not None and unit.pk != getattr(request.user, "unit_id", None):
            continue
        editable = _may_edit(request.user, node)
        approvable = _may_approve(request.user, node)
        lines: list[dict[str, Any]] = []
        for ind in indicators:
            lines.append(
                {
                    "kind": "indicator",
                    "ind": ind,
                    "target": data.target(ind, year),
                    "row": existing.get((ind.pk, None)),
                }
            )
        pagu = data.pagu(node, year)
        if node.pk in leaves and node.code and pagu is not None:
            lines.append({"kind": "spending", "pagu": pagu, "row": existing.get((None, node.pk))})
        if lines:
            groups.append(
                {
                    "node": node,
                    "unit": unit,
                    "lines": lines,
                    "editable": editable,
                    "approvable": approvable,
                }
            )
    ikk = data.kind(IndicatorKind.IKK, "4.6")
    if ikk and not mine:
        groups.append(
            {
                "node": None,
                "unit": None,
                "lines": [
                    {
                        "kind": "indicator",
                        "ind": ind,
                        "target": data.target(ind, year),
                        "row": existing.get((ind.pk, None)),
                    }
                    for ind in ikk
                ],
                "editable": _may_edit(request.user, None),
                "approvable": _may_approve(request.user, None),
            }
        )
    counts = {s.label: 0 for s in Status}
    for group in groups:
        for line in group["lines"]:
            if line["row"] is not None:
                counts[Status(line["row"].status).label] += 1
    return render(
        request,
        "planning/realisation.html",
        {
            "plan": plan,
            "tab": "realisation",
            "year": year,
            "quarter": quarter,
            "years": plan.years,
            "groups": groups,
            "mine": mine,
            "counts": counts,
            "can_report": can(request.user, Cap.PLAN_REPORT),
            "can_approve": can(request.user, Cap.PLAN_APPROVE),
        },
    )


def _period_from(request: HttpRequest, plan: Any) -> tuple[int, int]:
    source = request.POST if request.method == "POST" else request.GET
    try:
        return int(source.get("tahun", "")), int(source.get("tw", ""))
    except ValueError:
        return _default_year(plan), _default_quarter()


def _files(request: HttpRequest, form: Any) -> list[Any]:
    return list(form.cleaned_data.get("evidence") or [])


@login_required
def enter_indicator(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_REPORT)
    indicator = get_object_or_404(
        Indicator, pk=pk, plan=plan, kind__in=[IndicatorKind.PLAN, IndicatorKind.IKK]
    )
    services.check_unit(request.user, indicator.node)
    year, quarter = _period_from(request, plan)
    row = Realisation.objects.filter(indicator=indicator, year=year, quarter=quarter).first()
    initial = (
        {"written": row.written, "helped": row.helped, "hindered": row.hindered} if row else {}
    )
    form = IndicatorRealisationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_indicator_realisation(
                actor=request.user,
                indicator=indicator,
                year=year,
                quarter=quarter,
                written=form.cleaned_data["written"],
                helped=form.cleaned_data["helped"],
                hindered=form.cleaned_data["hindered"],
                files=_files(request, form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Realisasi disimpan sebagai isian; ajukan bila sudah lengkap.")
            )
            return redirect(_back(year, quarter))
    return render(
        request,
        "planning/enter.html",
        {
            "plan": plan,
            "tab": "realisation",
            "form": form,
            "indicator": indicator,
            "node": indicator.node,
            "year": year,
            "quarter": quarter,
            "row": row,
            "target": PlanData(plan).target(indicator, year),
        },
    )


@login_required
def enter_spending(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_REPORT)
    node = get_object_or_404(Node, pk=pk, plan=plan)
    services.check_unit(request.user, node)
    year, quarter = _period_from(request, plan)
    row = Realisation.objects.filter(node=node, year=year, quarter=quarter).first()
    initial = {"amount": row.amount, "helped": row.helped, "hindered": row.hindered} if row else {}
    form = SpendingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_spending(
                actor=request.user,
                node=node,
                year=year,
                quarter=quarter,
                amount=form.cleaned_data["amount"],
                helped=form.cleaned_data["helped"],
                hindered=form.cleaned_data["hindered"],
                files=_files(request, form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Realisasi anggaran disimpan sebagai isian."))
            return redirect(_back(year, quarter))
    return render(
        request,
        "planning/enter.html",
        {
            "plan": plan,
            "tab": "realisation",
            "form": form,
            "node": node,
            "year": year,
            "quarter": quarter,
            "row": row,
            "pagu": PlanData(plan).pagu(node, year),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest) -> HttpResponse:
    """Submit the quarter's drafts of the user's rows, or approve the ticked rows."""
    plan = _plan(request)
    year, quarter = _period_from(request, plan)
    action = request.POST.get("action")
    rows = realisations_for(request.user, plan).filter(year=year, quarter=quarter)
    try:
        if action == "submit":
            drafts = [
                r
                for r in rows.filter(status=Status.DRAFT)
                if _may_edit(request.user, r.node or (r.indicator.node if r.indicator else None))
            ]
            count = services.submit(actor=request.user, realisations=drafts)
            messages.success(request, _("%(n)s isian diajukan untuk disetujui.") % {"n": count})
        elif action == "approve":
            ids = [int(i) for i in request.POST.getlist("pilih") if i.isdigit()]
            chosen = list(rows.filter(pk__in=ids))
            if not chosen:
                messages.warning(request, _("Pilih dulu baris yang akan disetujui."))
            else:
                count = services.approve(actor=request.user, realisations=chosen)
                messages.success(
                    request, _("%(n)s realisasi disetujui dan dikunci.") % {"n": count}
                )
    except (ValidationError, PermissionDenied) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    return redirect(_back(year, quarter))


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to office staff only (the files may hold personal data)."""
    plan = _plan(request)
    item = get_object_or_404(Evidence, pk=pk, realisation__plan=plan)
    audit.record(actor=request.user, action=Action.VIEW, obj=item, object_repr=item.name)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_APPROVE)
    row = get_object_or_404(realisations_for(request.user, plan), pk=pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(actor=request.user, realisation=row, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _("Realisasi dibuka kembali; alasannya tercatat."))
            return redirect(_back(row.year, row.quarter))
    return render(
        request,
        "planning/reopen.html",
        {
            "plan": plan,
            "tab": "realisation",
            "form": form,
            "row": row,
            "history": row.reopenings.select_related("by").order_by("-at"),
        },
    )


@login_required
def import_realisation(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    require(request.user, Cap.PLAN_REPORT)
    year = _int(request, "tahun", _default_year(plan), plan.years)
    quarter = _int(request, "tw", _default_quarter(), [1, 2, 3, 4])
    if request.GET.get("formulir"):
        # The plan's rows to fill in: no person in it, so no purpose is asked.
        title = _("Formulir realisasi %(y)s TW %(q)s") % {"y": year, "q": quarter}
        export = start_export(request, what=title, personal=False)
        if not isinstance(export, Export):
            return export
        content = imports.realisation_template(PlanData(plan), year, quarter)
        return export.file(
            lambda _mark: content,
            rows=0,
            name=f"formulir-realisasi-{year}-tw{quarter}",
            ext="xlsx",
            content_type=XLSX_CONTENT_TYPE,
            object_type="planning.plan",
            object_repr=title,
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[imports.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, kinds=("xlsx",), max_bytes=imports.MAX_BYTES)
            saved = imports.import_realisations(
                actor=request.user, plan=plan, content=upload.read(), name=upload.name or ""
            )
        except imports.RealisationImportFailed as exc:
            errors = exc.errors
            form.add_error(
                None, _("Tidak ada yang disimpan: %(n)s baris bermasalah.") % {"n": len(errors)}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(n)s isian realisasi diimpor sebagai isian.") % {"n": saved}
            )
            return redirect(_back(year, quarter))
    return render(
        request,
        "planning/import.html",
        {
            "plan": plan,
            "tab": "realisation",
            "form": form,
            "errors": errors,
            "year": year,
            "quarter": quarter,
            "years": plan.years,
        },
    )
