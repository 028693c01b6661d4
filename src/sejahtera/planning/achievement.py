"""Achievement (capaian) of indicators and absorption of budgets, computed from targets and
approved-or-entered realisation. Nothing here is stored: every figure is derived.

- Higher is better: `R / T × 100`; lower is better: `(2T − R) / T × 100`.
- A value with several components (`72 Orang, 90 Lembaga`) is compared component by
  component (by label, else by position); the achievement is their mean.
- Quarterly values add up to the year for `annual` and `sum` indicators; a `latest`
  indicator's year is its latest reported quarter. Over the period, a `sum` indicator adds
  its years (and its targets); `annual` and `latest` take the latest year.
- Budget absorption: `spent / pagu × 100`.
Above 100 % is shown as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sejahtera.planning.models import Accumulation, Direction, GradeBand, Realisation
from sejahtera.planning.values import Component, components

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def ratio(target: Decimal | None, real: Decimal | None, direction: str) -> Decimal | None:
    if target is None or real is None or target == 0:
        return None
    if direction == Direction.LOWER:
        value = (2 * target - real) / target * HUNDRED
    else:
        value = real / target * HUNDRED
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _match(target: Sequence[Component], real: Sequence[Component]) -> list[tuple[Decimal, Decimal]]:
    if not target or not real:
        return []
    labels = {c.label.casefold(): c for c in real if c.label}
    pairs = []
    for i, t in enumerate(target):
        r = labels.get(t.label.casefold()) if t.label else None
        if r is None and i < len(real):
            r = real[i]
        if r is not None:
            pairs.append((t.number, r.number))
    return pairs


def achievement(
    target: Sequence[Component], real: Sequence[Component], direction: str
) -> Decimal | None:
    values = [v for t, r in _match(target, real) if (v := ratio(t, r, direction)) is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def add(values: Iterable[Sequence[Component]]) -> list[Component]:
    """Component-wise sum of several values of the same shape (the first fixes the labels)."""
    values = [v for v in values if v]
    if not values:
        return []
    width = len(values[0])
    totals = [Decimal(0)] * width
    for value in values:
        for i in range(min(width, len(value))):
            totals[i] += value[i].number
    return [Component(totals[i], values[0][i].label) for i in range(width)]


def year_value(accumulation: str, quarters: dict[int, str]) -> list[Component]:
    """The year's realisation from its quarters' written values (quarter → text)."""
    reported = {q: components(text) for q, text in quarters.items() if components(text)}
    if not reported:
        return []
    if accumulation == Accumulation.LATEST:
        return reported[max(reported)]
    return add(reported[q] for q in sorted(reported))


def period_value(accumulation: str, years: dict[int, list[Component]]) -> list[Component]:
    """The realisation over the period so far, from each year's value."""
    reported = {y: v for y, v in years.items() if v}
    if not reported:
        return []
    if accumulation == Accumulation.SUM:
        return add(reported[y] for y in sorted(reported))
    return reported[max(reported)]


def period_target(accumulation: str, targets: dict[int, str], up_to: int) -> list[Component]:
    """The target the period's realisation up to `up_to` is compared with."""
    parts = {y: components(t) for y, t in targets.items() if y <= up_to and components(t)}
    if not parts:
        return []
    if accumulation == Accumulation.SUM:
        return add(parts[y] for y in sorted(parts))
    return parts[max(parts)]


def absorption(spent: int | None, pagu: int | None) -> Decimal | None:
    if spent is None or not pagu:
        return None
    return (Decimal(spent) / Decimal(pagu) * HUNDRED).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Grade:
    label: str
    colour: str


class GradeScale:
    """The grade bands, highest first; `grade(x)` is the first band whose minimum ≤ x."""

    def __init__(self, bands: Sequence[tuple[Decimal | None, str, str]]) -> None:
        floor = Decimal("-Infinity")
        self.bands = sorted(
            ((floor if m is None else m, label, colour) for m, label, colour in bands),
            key=lambda b: b[0],
            reverse=True,
        )

    @classmethod
    def current(cls, scale: str = "permendagri-86-2017") -> GradeScale:
        rows = GradeBand.objects.filter(scale=scale).values_list("minimum", "label", "colour")
        return cls(list(rows))

    def grade(self, value: Decimal | None) -> Grade | None:
        if value is None:
            return None
        for minimum, label, colour in self.bands:
            if value >= minimum:
                return Grade(label, colour)
        return None


def realisation_table(
    realisations: Iterable[Realisation],
) -> tuple[dict[int, dict[int, dict[int, str]]], dict[int, dict[int, dict[int, int]]]]:
    """Index realisation rows: indicator → year → quarter → text; node → year → quarter → Rp."""
    values: dict[int, dict[int, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    spent: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in realisations:
        if r.indicator_id is not None:
            values[r.indicator_id][r.year][r.quarter] = r.written
        elif r.node_id is not None and r.amount is not None:
            spent[r.node_id][r.year][r.quarter] = r.amount
    return values, spent


def quarters_up_to(quarters: dict[int, Any], quarter: int) -> dict[int, Any]:
    return {q: v for q, v in quarters.items() if q <= quarter}
