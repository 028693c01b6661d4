"""Pages of the Renstra: the dashboard, the plan and its indicator tables, the consistency
check, the performance tree, the evaluation forms and the previous period. Each report page
also answers `?format=xlsx|pdf|csv` with the same sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import Export, start_export
from sejahtera.planning import checks, sheets
from sejahtera.planning import render as out
from sejahtera.planning.achievement import Grade, absorption
from sejahtera.planning.models import IndicatorKind, Level, Node, Plan
from sejahtera.planning.selectors import PlanData, current_plan_for, fmt_components, plans_for

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
IKU_SOURCES = {"4.5": "4.1 (4.5)", "bab4": "4.1 (BAB IV)"}


def _plan(request: HttpRequest) -> Plan:
    require(request.user, Cap.PLAN_VIEW)
    plan = current_plan_for(request.user)
    if plan is None:
        raise Http404(_("Belum ada Renstra yang dimuat. Jalankan: sejahtera renstra load"))
    return plan


def _int(request: HttpRequest, name: str, default: int, allowed: list[int]) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if value in allowed else default


def _default_year(plan: Plan) -> int:
    this = timezone.localdate().year
    return min(max(this, plan.period_start), plan.last_target_year)


def _default_quarter() -> int:
    return (timezone.localdate().month - 1) // 3 + 1


def export_sheet(
    request: HttpRequest, sheet: sheets.Sheet, fmt: str, csv_content: bytes | None = None
) -> HttpResponse:
    # The Renstra's tables: targets, budgets, achievement. No person in them: no purpose.
    export = start_export(request, what=sheet.title, personal=False)
    if not isinstance(export, Export):
        return export
    content_type, ext = FORMATS[fmt]
    if fmt == "xlsx":
        content = out.to_xlsx(sheet, user=request.user)
    elif fmt == "pdf":
        content = out.to_pdf(sheet, user=request.user)
    else:
        content = csv_content if csv_content is not None else out.sheet_csv(sheet)
    return export.file(
        lambda _mark: content,
        rows=len(sheet.rows),
        name=f"renstra-{sheet.key}",
        ext=ext,
        content_type=content_type,
        object_type="planning.plan",
        object_repr=sheet.title[:200],
    )


def _sheet_page(
    request: HttpRequest,
    sheet: sheets.Sheet,
    context: dict[str, Any],
    csv_content: bytes | None = None,
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return export_sheet(request, sheet, fmt, csv_content)
    query = request.GET.copy()
    query.pop("format", None)
    context.update(
        {
            "sheet": sheet,
            "rows": out.page_rows(sheet),
            "query": query.urlencode(),
            "can_export": can(request.user, Cap.EXPORT),
        }
    )
    return render(request, "planning/sheet.html", context)


@login_required
def plan_table(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    data = PlanData(plan)
    headers, rows = sheets.plan_csv_rows(data)
    return _sheet_page(
        request,
        sheets.plan_table(data),
        {
            "plan": plan,
            "tab": "plan",
            "revisions": plans_for(request.user)
            .filter(office=plan.office, period_start=plan.period_start)
            .order_by("-revision"),
            "total": checks.total_pagu(plan),
            "urusan_total": _urusan_total(data),
        },
        out.to_csv(headers, rows),
    )


def _urusan_total(data: PlanData) -> int | None:
    stated = [n.pagu_end for n in data.nodes if n.level == Level.SASARAN and n.pagu_end]
    return stated[0] if stated else None


@login_required
def indicator_table(request: HttpRequest, kind: str) -> HttpResponse:
    plan = _plan(request)
    data = PlanData(plan)
    if kind == IndicatorKind.IKU:
        source_key = request.GET.get("sumber", "4.5")
        source = IKU_SOURCES.get(source_key, IKU_SOURCES["4.5"])
        sheet = sheets.indicator_table(data, IndicatorKind.IKU, source)
    else:
        source_key = ""
        sheet = sheets.indicator_table(data, IndicatorKind.IKK, "4.6")
    return _sheet_page(
        request,
        sheet,
        {
            "plan": plan,
            "tab": kind,
            "iku_sources": IKU_SOURCES if kind == "iku" else {},
            "source_key": source_key,
        },
    )


@login_required
def evaluation(request: HttpRequest, form: str) -> HttpResponse:
    plan = _plan(request)
    data = PlanData(plan)
    year = _int(request, "tahun", _default_year(plan), plan.years)
    quarter = _int(
        request, "tw", _default_quarter() if year == timezone.localdate().year else 4, [1, 2, 3, 4]
    )
    if form == "e80":
        sheet = sheets.e80(data, year)
    elif form == "e81":
        sheet = sheets.e81(data, year, quarter)
    elif form == "tc29":
        sheet = sheets.tc29(data, year)
    else:
        raise Http404
    return _sheet_page(
        request,
        sheet,
        {
            "plan": plan,
            "tab": form,
            "year": year,
            "quarter": quarter,
            "years": plan.years,
            "show_quarter": form == "e81",
        },
    )


@login_required
def consistency(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    found = checks.findings(plan)
    groups: dict[str, list[checks.Finding]] = {}
    for f in found:
        groups.setdefault(f.kind, []).append(f)
    return render(
        request,
        "planning/consistency.html",
        {
            "plan": plan,
            "tab": "consistency",
            "groups": [(checks.KIND_LABELS[k], v) for k, v in groups.items()],
            "count": len(found),
        },
    )


@login_required
def previous_period(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    return render(
        request,
        "planning/previous.html",
        {"plan": plan, "tab": "previous", "rows": checks.previous_period(plan)},
    )


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The performance tree (pohon kinerja): goal → targets → programmes → activities →
    sub-activities, each with its indicators, drawn from the plan."""
    plan = _plan(request)
    data = PlanData(plan)
    from sejahtera.planning.models import Statement

    goals = list(Statement.objects.filter(plan=plan, table="3.1", kind="rows").order_by("position"))
    kids: dict[int | None, list[Node]] = {}
    for node in data.nodes:
        kids.setdefault(node.parent_id, []).append(node)

    def branch(node: Node) -> dict[str, Any]:
        return {
            "node": node,
            "indicators": data.by_node.get(node.pk, []),
            "children": [branch(c) for c in kids.get(node.pk, []) if c.level != Level.SASARAN],
        }

    roots = [branch(n) for n in data.nodes if n.parent_id is None]
    targets = [
        {"node": n, "indicators": data.by_node.get(n.pk, [])}
        for n in data.nodes
        if n.level == Level.SASARAN
    ]
    return render(
        request,
        "planning/tree.html",
        {
            "plan": plan,
            "tab": "tree",
            "roots": roots,
            "goals": goals,
            "targets": targets,
            "data": data,
            "vision": plan.vision,
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    data = PlanData(plan)
    year = _int(request, "tahun", _default_year(plan), plan.years)
    iku = []
    for ind in data.kind(IndicatorKind.IKU, IKU_SOURCES["4.5"]):
        per_year = []
        for y in plan.years:
            real = data.year_real(ind, y)
            target = data.target(ind, y)
            ach = data.achievement(ind, target, real)
            per_year.append(
                {
                    "year": y,
                    "target": target,
                    "real": fmt_components(real),
                    "ach": ach,
                    "grade": data.grade(ach),
                    "bar": _bar(ach),
                }
            )
        iku.append({"ind": ind, "years": per_year})
    absorption_rows = []
    for prog in data.programmes():
        pagu = data.pagu(prog, year)
        quarters = []
        for q in range(1, 5):
            spent = data.spent_year(prog, year, q)
            quarters.append(
                {
                    "q": q,
                    "spent": spent,
                    "pct": absorption(spent, pagu),
                    "bar": _bar(absorption(spent, pagu)),
                }
            )
        absorption_rows.append({"node": prog, "pagu": pagu, "quarters": quarters})
    lights = []
    for node, indicators in data.rows():
        for ind in indicators:
            real = data.year_real(ind, year)
            ach = data.achievement(ind, data.target(ind, year), real)
            lights.append(
                {
                    "node": node,
                    "ind": ind,
                    "ach": ach,
                    "grade": data.grade(ach),
                    "real": fmt_components(real),
                    "target": data.target(ind, year),
                }
            )
    counts: dict[str, int] = {}
    for light in lights:
        grade = light["grade"]
        label = grade.label if isinstance(grade, Grade) else _("Belum ada realisasi")
        counts[label] = counts.get(label, 0) + 1
    return render(
        request,
        "planning/dashboard.html",
        {
            "plan": plan,
            "tab": "dashboard",
            "year": year,
            "years": plan.years,
            "iku": iku,
            "absorption": absorption_rows,
            "lights": lights,
            "counts": counts,
            "scale": data.scale.bands,
        },
    )


def _bar(value: Decimal | None) -> int:
    if value is None:
        return 0
    capped = min(max(value, Decimal(0)), Decimal(120))
    return int(capped / Decimal(120) * 100)


@login_required
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Drill-down: a row of the plan with its indicators' targets and realisation per year,
    its pagu and spending, and its children."""
    require(request.user, Cap.PLAN_VIEW)
    node = get_object_or_404(Node.objects.filter(plan__in=plans_for(request.user)), pk=pk)
    data = PlanData(node.plan)
    years = node.plan.years
    indicators = []
    for ind in data.by_node.get(node.pk, []):
        cells = []
        for y in years:
            real = data.year_real(ind, y)
            ach = data.achievement(ind, data.target(ind, y), real)
            cells.append(
                {
                    "year": y,
                    "target": data.target(ind, y),
                    "real": fmt_components(real),
                    "ach": ach,
                    "grade": data.grade(ach),
                }
            )
        indicators.append({"ind": ind, "cells": cells})
    money = []
    for y in years:
        spent = data.spent_year(node, y)
        money.append(
            {
                "year": y,
                "pagu": data.pagu(node, y),
                "spent": spent,
                "pct": absorption(spent, data.pagu(node, y)),
            }
        )
    children = []
    for child in data.children(node):
        ach_values = [
            data.achievement(
                i,
                data.target(i, _default_year(node.plan)),
                data.year_real(i, _default_year(node.plan)),
            )
            for i in data.by_node.get(child.pk, [])
        ]
        known = [a for a in ach_values if a is not None]
        mean = sum(known, Decimal(0)) / len(known) if known else None
        children.append({"node": child, "ach": mean, "grade": data.grade(mean)})
    ancestors: list[Node] = []
    parent = node.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "planning/node.html",
        {
            "plan": node.plan,
            "tab": "plan",
            "node": node,
            "indicators": indicators,
            "money": money,
            "children": children,
            "ancestors": ancestors,
            "years": years,
            "unit": data.unit_name(node),
            "year": _default_year(node.plan),
            "can_manage": can(request.user, Cap.PLAN_MANAGE),
        },
    )
