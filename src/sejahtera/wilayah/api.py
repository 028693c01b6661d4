from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.params.functions import Path as PathParam

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate
from sejahtera.wilayah import selectors
from sejahtera.wilayah.filtersets import WilayahFilterSet
from sejahtera.wilayah.models import Wilayah

router: Router = CapabilityRouter(Cap.VIEW, tags=["wilayah"])

WilayahFilters = filter_schema(WilayahFilterSet)
# A Kemendagri code: 35, 35.16, 35.16.01, 35.16.01.2001
WilayahCode = Annotated[
    str, PathParam(pattern=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
]


class WilayahOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None
    is_kelurahan: bool

    @staticmethod
    def resolve_kind(obj: Wilayah) -> str:
        return obj.kind_label

    @staticmethod
    def resolve_parent_code(obj: Wilayah) -> str | None:
        return obj.parent_id


class CountOut(Schema):
    count: int


@router.get("/", response=list[WilayahOut], summary="Daftar wilayah dalam cakupan pengguna")
@paginate
def list_wilayah(request: HttpRequest, filters: Query[WilayahFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(WilayahFilterSet, filters, selectors.wilayah_for(request.user))


@router.get("/count", response=CountOut, summary="Jumlah wilayah dalam cakupan pengguna")
def count_wilayah(request: HttpRequest, filters: Query[WilayahFilters]) -> dict[str, int]:  # type: ignore[valid-type]
    qs = apply_filters(WilayahFilterSet, filters, selectors.wilayah_for(request.user))
    return {"count": qs.count()}


@router.get("/{code}", response=WilayahOut, summary="Satu wilayah")
def get_wilayah(request: HttpRequest, code: WilayahCode) -> object:
    return get_object_or_404(selectors.wilayah_for(request.user), code=code)
