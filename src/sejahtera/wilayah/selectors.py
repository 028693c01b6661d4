from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from sejahtera.accounts.scoping import scope
from sejahtera.wilayah.models import Level, Wilayah, WilayahSource


def wilayah_for(user: Any) -> QuerySet[Wilayah]:
    """The areas the user may see: their own areas and everything inside them."""
    return scope(Wilayah.objects.select_related("parent"), user, "code")


def wilayah_with_counts(user: Any) -> QuerySet[Wilayah]:
    """With the number of areas directly below each one (a correlated subquery, so that a
    page of 50 rows does not join and group the whole table)."""
    children = (
        Wilayah.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return wilayah_for(user).annotate(
        n_children=Coalesce(Subquery(children, output_field=IntegerField()), Value(0))
    )


def office_area() -> Wilayah | None:
    return Wilayah.objects.filter(code=settings.OFFICE_WILAYAH_CODE).first()


def ancestors(area: Wilayah) -> list[Wilayah]:
    parts = area.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts))]
    return list(Wilayah.objects.filter(code__in=codes).order_by("level"))


def counts_by_level(user: Any) -> dict[int, int]:
    rows = wilayah_for(user).values("level").annotate(n=Count("code")).order_by()
    return {row["level"]: row["n"] for row in rows}


def current_source() -> WilayahSource | None:
    return WilayahSource.objects.first()


def kecamatan_exists(code: str) -> bool:
    """For NIK and KK checks: does this kecamatan code exist (anywhere in Indonesia)?"""
    return Wilayah.objects.filter(code=code, level=Level.KECAMATAN).exists()
