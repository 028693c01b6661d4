"""/api/makam-pahlawan/: the heroes' cemeteries with their figures for a year (the list's
filters, `tahun` default this year), and one cemetery with its maintenance works and
ceremonies of that year. Scoped to the user's areas; no personal data."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from sejahtera.accounts.roles import Cap
from sejahtera.cemeteries.filtersets import CemeteryFilterSet, parse_year
from sejahtera.cemeteries.models import Cemetery, Ceremony, MaintenanceWork
from sejahtera.cemeteries.selectors import (
    cemeteries_for,
    ceremonies_for,
    with_status,
    works_for,
    year_span,
)
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate

router: Router = CapabilityRouter(Cap.VIEW, tags=["Taman Makam Pahlawan"])
CemeteryFilters = filter_schema(CemeteryFilterSet)


class CemeteryOut(Schema):
    id: int
    name: str
    desa_code: str
    desa: str
    kecamatan: str
    address: str
    area_m2: int | None
    graves: int
    works_finished: int
    works_cost: int
    ceremonies: int
    kept_up: bool

    @staticmethod
    def resolve_desa_code(obj: Cemetery) -> str:
        return obj.desa_id

    @staticmethod
    def resolve_desa(obj: Cemetery) -> str:
        return obj.desa.name

    @staticmethod
    def resolve_kecamatan(obj: Cemetery) -> str:
        return obj.desa.parent.name if obj.desa.parent else ""

    @staticmethod
    def resolve_graves(obj: Cemetery) -> int:
        return int(obj.graves_count)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_works_finished(obj: Cemetery) -> int:
        return int(obj.works_finished)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_works_cost(obj: Cemetery) -> int:
        return int(obj.works_cost)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_ceremonies(obj: Cemetery) -> int:
        return int(obj.ceremonies_count)  # type: ignore[attr-defined]


class WorkOut(Schema):
    id: int
    kind: str
    description: str
    started_on: dt.date
    finished_on: dt.date | None
    cost: int
    contractor: str
    photos: int

    @staticmethod
    def resolve_photos(obj: MaintenanceWork) -> int:
        return len(obj.photos.all())


class CeremonyOut(Schema):
    id: int
    held_on: dt.date
    occasion: str
    attendance: int | None
    notes: str


class CemeteryDetailOut(CemeteryOut):
    year: int
    condition_notes: str
    works: list[WorkOut]
    ceremonies_held: list[CeremonyOut]

    @staticmethod
    def resolve_year(obj: Cemetery) -> int:
        return int(obj.api_year)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_works(obj: Cemetery) -> list[MaintenanceWork]:
        return list(obj.api_works)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_ceremonies_held(obj: Cemetery) -> list[Ceremony]:
        return list(obj.api_ceremonies)  # type: ignore[attr-defined]


@router.get("/taman-makam", response=list[CemeteryOut], summary="Daftar taman makam pahlawan")
@paginate
def list_cemeteries(request: HttpRequest, filters: Query[CemeteryFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(CemeteryFilterSet, filters, cemeteries_for(request.user))


@router.get(
    "/taman-makam/{cemetery_id}",
    response=CemeteryDetailOut,
    summary="Satu taman makam: angka, pekerjaan pemeliharaan dan upacara pada tahun itu",
)
def cemetery_detail(request: HttpRequest, cemetery_id: int, tahun: int | None = None) -> Cemetery:
    today = timezone.localdate()
    year = parse_year(tahun, today)
    cemetery = (
        with_status(cemeteries_for(request.user), year=year, until=today)
        .filter(pk=cemetery_id)
        .first()
    )
    if cemetery is None:
        raise Http404
    start, end = year_span(year)
    # The works going on in the year (started by its end, not finished before it) and the
    # ceremonies held in it.
    cemetery.api_works = list(  # type: ignore[attr-defined]
        works_for(request.user)
        .filter(cemetery=cemetery, started_on__lte=end)
        .exclude(finished_on__lt=start)
        .prefetch_related("photos")
        .order_by("started_on", "id")
    )
    cemetery.api_ceremonies = list(  # type: ignore[attr-defined]
        ceremonies_for(request.user)
        .filter(cemetery=cemetery, held_on__gte=start, held_on__lte=end)
        .order_by("held_on", "id")
    )
    cemetery.api_year = year  # type: ignore[attr-defined]
    return cemetery
