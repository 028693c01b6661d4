"""Counts of partners per kind, kecamatan and year, from the status history, trainings and
grants: registered and active at the end of the year, newly registered in it, trained
(passed a training that ended in it) and granted a UEP in it. One grouped query each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from sejahtera.partners.models import PartnerKind, TrainingParticipant, UepGrant
from sejahtera.partners.selectors import active_on, grants_for, partners_for, registered_on
from sejahtera.wilayah.models import Level, Wilayah

KABUPATEN_LEVEL = ""  # partners working for the whole kabupaten have no kecamatan


def trained_q(start: dt.date, end: dt.date, prefix: str = "pk") -> Exists:
    """The partner passed a training that ended in the period."""
    return Exists(
        TrainingParticipant.objects.filter(
            partner_id=OuterRef(prefix),
            passed=True,
            training__ends_on__gte=start,
            training__ends_on__lte=end,
        )
    )


def granted_q(start: dt.date, end: dt.date, prefix: str = "pk") -> Exists:
    return Exists(
        UepGrant.objects.filter(
            partner_id=OuterRef(prefix), granted_on__gte=start, granted_on__lte=end
        )
    )


def _kecamatan(field: str = "area_id", level: str = "area__level") -> Case:
    return Case(
        When(**{f"{level}__gte": Level.KECAMATAN}, then=Substr(field, 1, 8)),
        default=Value(KABUPATEN_LEVEL),
        output_field=CharField(),
    )


def _flag(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=1), default=0, output_field=IntegerField()))


@dataclass
class CountRow:
    kecamatan_code: str
    kecamatan: str
    kind: PartnerKind
    registered: int = 0
    active: int = 0
    new: int = 0
    trained: int = 0
    granted: int = 0
    grant_amount: int = 0


def counts(*, year: int, user: Any) -> list[CountRow]:
    """One row per kecamatan and kind with any partner registered by the end of `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    grouped = (
        partners_for(user)
        .annotate(
            kec=_kecamatan(),
            reg_end=registered_on(end),
            reg_before=registered_on(start - dt.timedelta(days=1)),
            active_end=active_on(end),
            trained=trained_q(start, end),
            granted=granted_q(start, end),
        )
        .filter(reg_end=True)
        .order_by()
        .values("kec", "kind_id")
        .annotate(
            n=Count("id"),
            n_active=_flag(Q(active_end=True)),
            n_new=_flag(Q(reg_before=False)),
            n_trained=_flag(Q(trained=True)),
            n_granted=_flag(Q(granted=True)),
        )
    )
    amounts = (
        grants_for(user)
        .filter(granted_on__gte=start, granted_on__lte=end)
        .annotate(kec=_kecamatan("partner__area_id", "partner__area__level"))
        .order_by()
        .values("kec", "partner__kind_id")
        .annotate(total=Sum("amount"))
    )
    by_key: dict[tuple[str, int], int] = defaultdict(int)
    for row in amounts:
        by_key[(row["kec"], row["partner__kind_id"])] += int(row["total"] or 0)
    kinds = {k.pk: k for k in PartnerKind.objects.all()}
    names = dict(
        Wilayah.objects.filter(code__in={row["kec"] for row in grouped}).values_list("code", "name")
    )
    rows = [
        CountRow(
            kecamatan_code=row["kec"],
            kecamatan=names.get(row["kec"], "") if row["kec"] else "",
            kind=kinds[row["kind_id"]],
            registered=row["n"],
            active=row["n_active"] or 0,
            new=row["n_new"] or 0,
            trained=row["n_trained"] or 0,
            granted=row["n_granted"] or 0,
            grant_amount=by_key.get((row["kec"], row["kind_id"]), 0),
        )
        for row in grouped
    ]
    rows.sort(key=lambda r: (r.kecamatan_code != KABUPATEN_LEVEL, r.kecamatan, r.kind.order))
    return rows


def _add(total: CountRow, row: CountRow) -> None:
    total.registered += row.registered
    total.active += row.active
    total.new += row.new
    total.trained += row.trained
    total.granted += row.granted
    total.grant_amount += row.grant_amount


def totals_by_kind(rows: list[CountRow]) -> list[CountRow]:
    """The rows summed over kecamatan, one per kind, in the kinds' order."""
    totals: dict[int, CountRow] = {}
    for row in rows:
        _add(totals.setdefault(row.kind.pk, CountRow("", "", row.kind)), row)
    return sorted(totals.values(), key=lambda r: r.kind.order)


def grand_total(rows: list[CountRow]) -> CountRow | None:
    """All rows summed (its `kind` is the first row's, not meaningful)."""
    if not rows:
        return None
    total = CountRow("", "", rows[0].kind)
    for row in rows:
        _add(total, row)
    return total
