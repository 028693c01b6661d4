"""Indicators computed from operational records. Every app may have an `indicators.py` with
`compute(*, start, end, user=None) -> list[Result]`; the indicator page (Program Bantuan →
Indikator) lists the results of all of them for a period, with their formula, and posts a
value into the Renstra as a quarter's realisation. A result names the Renstra indicator it
reports on in `target`: {"kind": "plan", "name": <the indicator's name as in Tabel 4.3.2>}
or {"kind": "ikk", "number": <its number in Tabel 4.6>}."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sejahtera.common.plugins import app_modules


@dataclass
class Result:
    key: str
    name: str
    formula: str
    unit: str
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    missing: list[str] = field(default_factory=list)
    target: dict[str, Any] = field(default_factory=dict)  # how to find the Renstra indicator

    @property
    def written(self) -> str:
        if self.value is None:
            return ""
        if self.unit == "%":
            return f"{self.value}%"
        return str(int(self.value))


def all_results(*, start: dt.date, end: dt.date, user: Any = None) -> list[Result]:
    """The results of every app's indicators for the period, in INSTALLED_APPS order."""
    results: list[Result] = []
    for module in app_modules("indicators"):
        compute = getattr(module, "compute", None)
        if compute is not None:
            results.extend(compute(start=start, end=end, user=user))
    return results
