"""Indicators computed from operational records. Every app may have an `indicators.py` with
`compute(*, start, end, user=None) -> list[Result]`; the indicator page (Program Bantuan →
Indikator) lists the results of all of them for a period, with their formula, and posts a
value into the Renstra as a quarter's realisation. A result names the Renstra indicator it
reports on in `target`: {"kind": "plan", "name": <the indicator's name as in Tabel 4.3.2>}
or {"kind": "ikk", "number": <its number in Tabel 4.6>}.

An app's module may also have `counted(key, *, start, end, user) -> CountedRows | None`: who
(or what) a result of that app counted, for the page's drill-down ("Lihat yang dihitung");
a result that has one says so with `drill_down=True`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db.models import QuerySet

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
    drill_down: bool = False  # its module's `counted` lists what it counted

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


@dataclass(frozen=True)
class CountedRow:
    """One line of a drill-down: a person (or a record standing for one) as counted."""

    name: str
    desa: str
    nik: str = ""  # shown masked
    url: str = ""
    note: str = ""


class CountedRows:
    """What a result counted, as one list made of querysets in a row (e.g. registered persons,
    then case clients who are not registered), each with how to show one of its records.
    Django's Paginator asks it only for `count()` and a slice, so a page is one query per part
    it touches."""

    def __init__(self, *parts: tuple[QuerySet[Any], Callable[[Any], CountedRow]]) -> None:
        self.parts = parts
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [queryset.count() for queryset, _row in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[CountedRow]:
        for queryset, row in self.parts:
            for obj in queryset.iterator(chunk_size=500):
                yield row(obj)

    @overload
    def __getitem__(self, index: int) -> CountedRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[CountedRow]: ...
    def __getitem__(self, index: int | slice) -> CountedRow | list[CountedRow]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(self.count())
        rows: list[CountedRow] = []
        offset = 0
        for (queryset, row), size in zip(self.parts, self.counts(), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(row(obj) for obj in queryset[low:high])
            offset += size
        return rows


def drill_down(key: str, *, start: dt.date, end: dt.date, user: Any) -> CountedRows | None:
    """The drill-down of the result `key`, from the app that computes it (its `counted`)."""
    for module in app_modules("indicators"):
        rows_for = getattr(module, "counted", None)
        if rows_for is not None:
            rows = rows_for(key, start=start, end=end, user=user)
            if rows is not None:
                return rows
    return None
