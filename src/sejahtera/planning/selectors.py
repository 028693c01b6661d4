"""Reads of the planning app. The plan is the office's: every office role reads it (village
and field roles do not); `PlanData` loads one plan with its targets, pagu and realisation in a
handful of queries and answers the questions the reports ask."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.common.formatting import number
from sejahtera.planning import achievement as calc
from sejahtera.planning.models import (
    Budget,
    Indicator,
    IndicatorKind,
    Level,
    Node,
    Plan,
    Realisation,
    Status,
    Target,
    WorkPlan,
)
from sejahtera.planning.services import responsible_unit
from sejahtera.planning.values import Component, components


def plans_for(user: Any) -> QuerySet[Plan]:
    if not can(user, Cap.PLAN_VIEW):
        return Plan.objects.none()
    return Plan.objects.all()


def current_plan_for(user: Any) -> Plan | None:
    return plans_for(user).filter(is_current=True).order_by("-period_start").first()


def realisations_for(user: Any, plan: Plan) -> QuerySet[Realisation]:
    if not can(user, Cap.PLAN_VIEW):
        return Realisation.objects.none()
    return Realisation.objects.filter(plan=plan).select_related(
        "indicator", "indicator__node", "node", "entered_by", "approved_by"
    )


def fmt_components(parts: list[Component]) -> str:
    out = []
    for part in parts:
        text = number(part.number, 2)
        if text.endswith(",00"):
            text = text[:-3]
        out.append(f"{text} {part.label}".strip())
    return ", ".join(out)


class PlanData:
    """One plan loaded for reporting. `approved_only` keeps the official figures (evaluation
    forms); the realisation pages see every entered value."""

    def __init__(self, plan: Plan, *, approved_only: bool = True) -> None:
        self.plan = plan
        self.nodes: list[Node] = list(
            plan.nodes.select_related("unit", "parent", "parent__unit").order_by("position")
        )
        self.node_by_id = {n.pk: n for n in self.nodes}
        self.indicators: list[Indicator] = list(
            plan.indicators.select_related("node").order_by("kind", "source", "position")
        )
        self.by_node: dict[int, list[Indicator]] = defaultdict(list)
        for ind in self.indicators:
            if ind.node_id is not None and ind.kind == IndicatorKind.PLAN:
                self.by_node[ind.node_id].append(ind)
        self.targets: dict[int, dict[int, str]] = defaultdict(dict)
        for ind_id, year, written in Target.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "year", "written"
        ):
            self.targets[ind_id][year] = written
        self.budgets: dict[int, dict[int, int | None]] = defaultdict(dict)
        for node_id, year, amount in Budget.objects.filter(node__plan=plan).values_list(
            "node_id", "year", "amount"
        ):
            self.budgets[node_id][year] = amount
        rows = Realisation.objects.filter(plan=plan)
        if approved_only:
            rows = rows.filter(status=Status.APPROVED)
        self.values, self.spent = calc.realisation_table(rows)
        self.scale = calc.GradeScale.current()
        self.work_plans = {
            wp.year: wp for wp in WorkPlan.objects.filter(plan=plan).prefetch_related("items")
        }

    # -- structure --------------------------------------------------------------------
    def rows(self) -> list[tuple[Node, list[Indicator]]]:
        return [(node, self.by_node.get(node.pk, [])) for node in self.nodes]

    def kind(self, kind: str, source: str | None = None) -> list[Indicator]:
        return [
            i for i in self.indicators if i.kind == kind and (source is None or i.source == source)
        ]

    def programmes(self) -> list[Node]:
        return [n for n in self.nodes if n.level == Level.PROGRAM]

    def children(self, node: Node) -> list[Node]:
        return [n for n in self.nodes if n.parent_id == node.pk and n.level != Level.SASARAN]

    def unit_name(self, node: Node | None) -> str:
        unit = responsible_unit(node)
        return unit.name if unit else (node.responsible if node else "")

    # -- targets and pagu ---------------------------------------------------------------
    def target(self, ind: Indicator, year: int) -> str:
        return self.targets.get(ind.pk, {}).get(year, "")

    def renja_target(self, ind: Indicator, year: int) -> str:
        wp = self.work_plans.get(year)
        if wp is not None:
            for item in wp.items.all():
                if item.indicator_id == ind.pk:
                    return item.written
        return self.target(ind, year)

    def pagu(self, node: Node, year: int) -> int | None:
        return self.budgets.get(node.pk, {}).get(year)

    def renja_pagu(self, node: Node, year: int) -> int | None:
        wp = self.work_plans.get(year)
        if wp is not None:
            for item in wp.items.all():
                if item.node_id == node.pk:
                    return item.amount
        return self.pagu(node, year)

    def pagu_sum(self, node: Node, years: list[int]) -> int | None:
        amounts = [self.pagu(node, y) for y in years]
        known = [a for a in amounts if a is not None]
        return sum(known) if known else None

    # -- realisation -------------------------------------------------------------------
    def quarters(self, ind: Indicator, year: int) -> dict[int, str]:
        return self.values.get(ind.reported.pk, {}).get(year, {})

    def year_real(self, ind: Indicator, year: int, up_to: int = 4) -> list[Component]:
        quarters = calc.quarters_up_to(self.quarters(ind, year), up_to)
        return calc.year_value(ind.accumulation, quarters)

    def quarter_real(self, ind: Indicator, year: int, quarter: int) -> list[Component]:
        return components(self.quarters(ind, year).get(quarter))

    def period_real(
        self, ind: Indicator, up_to_year: int, up_to_quarter: int = 4
    ) -> list[Component]:
        years = {
            y: self.year_real(ind, y, up_to_quarter if y == up_to_year else 4)
            for y in self.plan.years
            if y <= up_to_year
        }
        return calc.period_value(ind.accumulation, years)

    def achievement(self, ind: Indicator, target: str, real: list[Component]) -> Decimal | None:
        return calc.achievement(components(target), real, ind.direction)

    def period_achievement(
        self, ind: Indicator, up_to_year: int, up_to_quarter: int = 4
    ) -> Decimal | None:
        """Realisation so far against the end-of-period target (cumulative view)."""
        end = ind.end or self.target(ind, self.plan.last_target_year)
        return self.achievement(ind, end, self.period_real(ind, up_to_year, up_to_quarter))

    def spent_quarter(self, node: Node, year: int, quarter: int) -> int | None:
        amounts = self._spent_rows(node, year)
        return amounts.get(quarter)

    def _spent_rows(self, node: Node, year: int) -> dict[int, int]:
        """Spending of a row: its own entries, or the sum of its descendants' entries."""
        own = self.spent.get(node.pk, {}).get(year)
        if own:
            return own
        total: dict[int, int] = defaultdict(int)
        found = False
        for child in self.children(node):
            for quarter, amount in self._spent_rows(child, year).items():
                total[quarter] += amount
                found = True
        if node.level == Level.SASARAN and not node.code and self.budgets.get(node.pk):
            for prog in self.programmes():
                for quarter, amount in self._spent_rows(prog, year).items():
                    total[quarter] += amount
                    found = True
        return dict(total) if found else {}

    def spent_year(self, node: Node, year: int, up_to: int = 4) -> int | None:
        rows = self._spent_rows(node, year)
        values = [a for q, a in rows.items() if q <= up_to]
        return sum(values) if values else None

    def spent_period(self, node: Node, up_to_year: int, up_to_quarter: int = 4) -> int | None:
        values = [
            s
            for y in self.plan.years
            if y <= up_to_year
            and (s := self.spent_year(node, y, up_to_quarter if y == up_to_year else 4)) is not None
        ]
        return sum(values) if values else None

    def grade(self, value: Decimal | None) -> calc.Grade | None:
        return self.scale.grade(value)
