"""Demo data of the planning app: the seed's Renstra (the office's real plan, public) and
synthetic quarterly realisation for the quarters already past, approved up to last year, so
the dashboard and evaluation forms have something to show. Realisation figures are random and
say nothing about the real office."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.common.formatting import number
from sejahtera.planning import services
from sejahtera.planning.loader import load_plan
from sejahtera.planning.models import (
    Accumulation,
    Indicator,
    IndicatorKind,
    Node,
    Plan,
    Realisation,
    Status,
)
from sejahtera.planning.selectors import PlanData
from sejahtera.planning.services import parse_realisation
from sejahtera.planning.values import components


def _scaled(text: str, factor: Decimal, accumulation: str, quarters: int) -> str:
    parts = components(text)
    out = []
    for part in parts:
        value = part.number * factor
        if accumulation != Accumulation.LATEST:
            value = value / quarters
        if part.number == part.number.to_integral_value():
            value = value.quantize(Decimal(1))
            shown = str(value)
        else:
            shown = number(value, 2)
        out.append(f"{shown} {part.label}".strip())
    return ", ".join(out)


@transaction.atomic
def synthetic_realisation(plan: Plan, *, today: dt.date, seed: int = 2025) -> int:
    rng = random.Random(seed)
    data = PlanData(plan, approved_only=False)
    reporter = User.objects.filter(role=Role.OPERATOR_DINAS).first()
    approver = User.objects.filter(role=Role.KEPALA_DINAS).first()
    rows: list[Realisation] = []
    leaves = {n.pk for n in data.nodes} - {n.parent_id for n in data.nodes if n.parent_id}
    for year in plan.years:
        for quarter in range(1, 5):
            if dt.date(year, 3 * quarter, 28) > today:
                continue
            status = Status.APPROVED if year < today.year else Status.SUBMITTED
            for node, indicators in data.rows():
                for ind in indicators:
                    target = data.target(ind, year)
                    if not components(target):
                        continue
                    factor = Decimal(rng.randint(70, 112)) / 100
                    written = _scaled(target, factor, ind.accumulation, 4)
                    rows.append(
                        _row(plan, year, quarter, written, reporter, approver, status, ind=ind)
                    )
                pagu = data.pagu(node, year)
                if node.pk in leaves and node.code and pagu:
                    share = Decimal(rng.randint(15, 27)) / 100
                    rows.append(
                        _row(
                            plan,
                            year,
                            quarter,
                            "",
                            reporter,
                            approver,
                            status,
                            node=node,
                            amount=int(pagu * share),
                        )
                    )
    Realisation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _row(
    plan: Plan,
    year: int,
    quarter: int,
    written: str,
    reporter: User | None,
    approver: User | None,
    status: str,
    *,
    ind: Indicator | None = None,
    node: Node | None = None,
    amount: int | None = None,
) -> Realisation:
    return Realisation(
        plan=plan,
        year=year,
        quarter=quarter,
        indicator=ind,
        node=node,
        written=written,
        value=parse_realisation(written) if written else None,
        amount=amount,
        status=status,
        entered_by=reporter,
        approved_by=approver if status == Status.APPROVED else None,
        approved_at=timezone.now() if status == Status.APPROVED else None,
        helped="Data demo sintetis." if written else "",
    )


def load(*, stdout: TextIO) -> None:
    result = load_plan(actor=None)
    plan = result.plan
    stdout.write(
        f"Renstra: {plan} ({'dimuat' if result.created else 'tidak berubah'}; "
        f"{plan.nodes.count()} baris, {plan.indicators.filter(kind=IndicatorKind.PLAN).count()} indikator)\n"
    )
    if not Realisation.objects.filter(plan=plan).exists():
        count = synthetic_realisation(plan, today=timezone.localdate())
        stdout.write(f"Realisasi demo (sintetis): {count} isian\n")
    this_year = timezone.localdate().year
    if this_year in plan.years and not plan.work_plans.filter(year=this_year).exists():
        services.create_work_plan(actor=None, plan=plan, year=this_year)
