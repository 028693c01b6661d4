"""Reads of the cemeteries app, scoped to the user's areas by the desa of the cemetery (or
of the veteran), and the "kept up" rule.

The rule: a cemetery is kept up (terkelola dengan baik / terpenuhi pemeliharaannya) in a
year when at least KEPT_UP_MIN_FINISHED_WORKS of its maintenance works FINISHED in that year
(counted up to the reference date when the year is not over). The seed does not define the
term (data/cemeteries/tmp.yaml); change the constant to change the rule everywhere (pages,
API, indicators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope
from sejahtera.cemeteries.models import (
    Cemetery,
    Ceremony,
    Grave,
    MaintenancePhoto,
    MaintenanceWork,
    Veteran,
)

KEPT_UP_MIN_FINISHED_WORKS = 1


def rule_text() -> str:
    return _(
        "terkelola dengan baik = paling sedikit %(n)s pekerjaan pemeliharaan yang selesai "
        "(tanggal selesai) pada tahun itu"
    ) % {"n": KEPT_UP_MIN_FINISHED_WORKS}


def year_span(year: int, until: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """1 January to 31 December of `year`, cut at `until` when that falls inside it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if until is not None and start <= until < end:
        end = until
    return start, end


def cemeteries_for(user: Any) -> QuerySet[Cemetery]:
    if not can(user, Cap.VIEW):
        return Cemetery.objects.none()
    return scope(
        Cemetery.objects.select_related("desa", "desa__parent"), user, "desa__code"
    ).order_by("name", "id")


def graves_for(user: Any) -> QuerySet[Grave]:
    if not can(user, Cap.VIEW):
        return Grave.objects.none()
    return scope(Grave.objects.select_related("cemetery"), user, "cemetery__desa__code").order_by(
        "cemetery", "block", Length("number"), "number", "id"
    )  # A-2 before A-10


def works_for(user: Any) -> QuerySet[MaintenanceWork]:
    if not can(user, Cap.VIEW):
        return MaintenanceWork.objects.none()
    return scope(MaintenanceWork.objects.select_related("cemetery"), user, "cemetery__desa__code")


def photos_for(user: Any) -> QuerySet[MaintenancePhoto]:
    if not can(user, Cap.VIEW):
        return MaintenancePhoto.objects.none()
    return scope(
        MaintenancePhoto.objects.select_related("work__cemetery"),
        user,
        "work__cemetery__desa__code",
    )


def ceremonies_for(user: Any) -> QuerySet[Ceremony]:
    if not can(user, Cap.VIEW):
        return Ceremony.objects.none()
    return scope(Ceremony.objects.select_related("cemetery"), user, "cemetery__desa__code")


def veterans_for(user: Any) -> QuerySet[Veteran]:
    if not can(user, Cap.VIEW):
        return Veteran.objects.none()
    return scope(
        Veteran.objects.select_related("desa", "desa__parent"), user, "desa__code"
    ).order_by("name", "id")


def _per_cemetery(rows: QuerySet[Any], aggregate: Any) -> Coalesce:
    """A correlated subquery giving one number per cemetery (0 when it has no rows)."""
    return Coalesce(
        Subquery(
            rows.filter(cemetery=OuterRef("pk"))
            .order_by()
            .values("cemetery")
            .annotate(n=aggregate)
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def finished_between(start: dt.date, end: dt.date) -> QuerySet[MaintenanceWork]:
    return MaintenanceWork.objects.filter(finished_on__gte=start, finished_on__lte=end)


def with_status(
    queryset: QuerySet[Cemetery], *, year: int, until: dt.date | None = None
) -> QuerySet[Cemetery]:
    """Cemeteries with their figures for the year: graves, maintenance works finished and
    their cost, ceremonies held, and `kept_up` by the rule above. One query, no joins that
    multiply rows."""
    start, end = year_span(year, until)
    finished = finished_between(start, end)
    return queryset.annotate(
        graves_count=_per_cemetery(Grave.objects.all(), Count("pk")),
        works_finished=_per_cemetery(finished, Count("pk")),
        works_cost=_per_cemetery(finished, Sum("cost")),
        ceremonies_count=_per_cemetery(
            Ceremony.objects.filter(held_on__gte=start, held_on__lte=end), Count("pk")
        ),
        kept_up=Case(
            When(works_finished__gte=KEPT_UP_MIN_FINISHED_WORKS, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def kept_up_counts(
    cemeteries: QuerySet[Cemetery], *, year: int, until: dt.date | None = None
) -> tuple[int, int]:
    """(kept up, all) among `cemeteries` for the year."""
    total = cemeteries.count()
    kept = with_status(cemeteries, year=year, until=until).filter(**{"kept_up": True}).count()
    return kept, total
