"""API of the Renstra: read the plan, its consistency findings, achievements and evaluation
forms; post a quarter's realisation (same services as the pages). Every operation answers 404
when the office has no plan yet."""

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter, ErrorOut, api_auth
from sejahtera.planning import checks, services, sheets
from sejahtera.planning.models import Indicator, IndicatorKind, Node, Plan, Realisation
from sejahtera.planning.selectors import PlanData, current_plan_for, fmt_components

router: Router = CapabilityRouter(Cap.PLAN_VIEW, tags=["renstra"])


def _plan(request: HttpRequest) -> Plan:
    plan = current_plan_for(request.user)
    if plan is None:
        raise Http404
    return plan


class IndicatorOut(Schema):
    id: int
    kind: str
    source: str
    name: str
    unit: str
    baseline: str
    end: str
    direction: str
    accumulation: str
    targets: dict[int, str]


class NodeOut(Schema):
    id: int
    level: str
    code: str
    code_key: str
    name: str
    sasaran: str
    parent_id: int | None
    unit: str
    pagu: dict[int, int | None]
    pagu_end: int | None
    seed_lines: str
    indicators: list[IndicatorOut]


class PlanOut(Schema):
    id: int
    office: str
    period_start: int
    period_end: int
    revision: int
    vision: str
    nodes: list[NodeOut]


def _indicator(data: PlanData, ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.pk,
        "kind": ind.kind,
        "source": ind.source,
        "name": ind.name,
        "unit": ind.unit,
        "baseline": ind.baseline,
        "end": ind.end,
        "direction": ind.direction,
        "accumulation": ind.accumulation,
        "targets": dict(data.targets.get(ind.pk, {})),
    }


@router.get(
    "/rencana",
    response={200: PlanOut, 404: ErrorOut},
    summary="Renstra yang berlaku: baris, indikator, target, pagu",
)
def plan(request: HttpRequest) -> dict[str, Any]:
    current = _plan(request)
    data = PlanData(current)
    return {
        "id": current.pk,
        "office": current.office,
        "period_start": current.period_start,
        "period_end": current.period_end,
        "revision": current.revision,
        "vision": current.vision,
        "nodes": [
            {
                "id": node.pk,
                "level": node.level,
                "code": node.code,
                "code_key": node.code_key,
                "name": node.name,
                "sasaran": node.sasaran,
                "parent_id": node.parent_id,
                "unit": data.unit_name(node),
                "pagu": dict(data.budgets.get(node.pk, {})),
                "pagu_end": node.pagu_end,
                "seed_lines": node.seed_lines,
                "indicators": [_indicator(data, i) for i in indicators],
            }
            for node, indicators in data.rows()
        ],
    }


class FindingOut(Schema):
    kind: str
    code: str
    subject: str
    what: str
    stated: str
    computed: str
    difference: str
    lines: str


@router.get(
    "/konsistensi",
    response={200: list[FindingOut], 404: ErrorOut},
    summary="Ketidaksesuaian angka dokumen",
)
def consistency(request: HttpRequest) -> list[checks.Finding]:
    return checks.findings(_plan(request))


class AchievementQuery(Schema):
    tahun: int = Field(..., ge=1900, le=2200, description="Tahun dalam periode Renstra")
    tw: int = Field(4, ge=1, le=4, description="Triwulan (1–4), sampai dengan")


class AchievementOut(Schema):
    indicator_id: int
    code: str
    name: str
    target: str
    realisation: str
    achievement: Decimal | None
    grade: str | None
    period_realisation: str
    period_achievement: Decimal | None


@router.get(
    "/capaian",
    response={200: list[AchievementOut], 404: ErrorOut},
    summary="Capaian indikator (realisasi disetujui)",
)
def achievements(request: HttpRequest, query: Query[AchievementQuery]) -> list[dict[str, Any]]:
    current = _plan(request)
    if query.tahun not in current.years or query.tw not in (1, 2, 3, 4):
        raise Http404
    data = PlanData(current)
    out = []
    for node, indicators in data.rows():
        for ind in indicators:
            real = data.year_real(ind, query.tahun, query.tw)
            target = data.renja_target(ind, query.tahun)
            ach = data.achievement(ind, target, real)
            grade = data.grade(ach)
            out.append(
                {
                    "indicator_id": ind.pk,
                    "code": node.code,
                    "name": ind.name,
                    "target": target,
                    "realisation": fmt_components(real),
                    "achievement": ach,
                    "grade": grade.label if grade else None,
                    "period_realisation": fmt_components(
                        data.period_real(ind, query.tahun, query.tw)
                    ),
                    "period_achievement": data.period_achievement(ind, query.tahun, query.tw),
                }
            )
    return out


class SheetOut(Schema):
    title: str
    subtitle: str
    header: list[list[str]]
    rows: list[list[Any]]


@router.get("/evaluasi/{form}", response=SheetOut, summary="Formulir E.80, E.81 atau T-C.29")
def evaluation(
    request: HttpRequest, form: Literal["e80", "e81", "tc29"], query: Query[AchievementQuery]
) -> dict[str, Any]:
    current = _plan(request)
    if query.tahun not in current.years or query.tw not in (1, 2, 3, 4):
        raise Http404
    data = PlanData(current)
    builders = {
        "e80": lambda: sheets.e80(data, query.tahun),
        "e81": lambda: sheets.e81(data, query.tahun, query.tw),
        "tc29": lambda: sheets.tc29(data, query.tahun),
    }
    if form not in builders:
        raise Http404
    sheet = builders[form]()
    return {
        "title": sheet.title,
        "subtitle": sheet.subtitle,
        "header": [[h.text for h in row] for row in sheet.header],
        "rows": [
            [str(v) if isinstance(v, Decimal) else v for v in row.cells] for row in sheet.rows
        ],
    }


class RealisationIn(Schema):
    indicator_id: int | None = None
    node_id: int | None = None
    year: int
    quarter: int
    value: str | None = None
    amount: int | None = None
    helped: str = ""
    hindered: str = ""


class RealisationOut(Schema):
    id: int
    year: int
    quarter: int
    indicator_id: int | None
    node_id: int | None
    written: str
    amount: int | None
    status: str


@router.post(
    "/realisasi",
    response={201: RealisationOut, 404: ErrorOut},
    auth=api_auth(Cap.PLAN_REPORT),
    summary="Catat realisasi triwulan (indikator atau anggaran)",
)
def post_realisation(request: HttpRequest, data: RealisationIn) -> Status:
    current = _plan(request)
    row: Realisation
    if (data.indicator_id is None) == (data.node_id is None):
        raise ValidationError(
            {"__all__": [_("Isi salah satu: indicator_id (kinerja) atau node_id (anggaran).")]}
        )
    if data.indicator_id is not None:
        indicator = get_object_or_404(
            Indicator, pk=data.indicator_id, plan=current, kind=IndicatorKind.PLAN
        )
        row = services.record_indicator_realisation(
            actor=request.user,
            indicator=indicator,
            year=data.year,
            quarter=data.quarter,
            written=data.value or "",
            helped=data.helped,
            hindered=data.hindered,
        )
    else:
        node = get_object_or_404(Node, pk=data.node_id, plan=current)
        if data.amount is None:
            raise ValidationError({"amount": [_("Isi realisasi anggaran (rupiah).")]})
        row = services.record_spending(
            actor=request.user,
            node=node,
            year=data.year,
            quarter=data.quarter,
            amount=data.amount,
            helped=data.helped,
            hindered=data.hindered,
        )
    return Status(201, row)
