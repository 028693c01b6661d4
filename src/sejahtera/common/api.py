"""Shared pieces of the HTTP API: authentication (session or personal token) with a
capability check, the error answers every operation documents (with Indonesian messages for
invalid input), bounded pagination, and turning a django-filter FilterSet into the query schema
of an endpoint so that the page, the API and the export share one filter definition."""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import FilterSet
from ninja import Field, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import ValidationError as InputError
from ninja.pagination import LimitOffsetPagination
from ninja.pagination import paginate as ninja_paginate
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import create_model

from sejahtera.accounts.permissions import can, is_read_only
from sejahtera.accounts.roles import Cap

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _authorise(request: HttpRequest, user: Any, cap: Cap) -> Any:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not can(user, Cap.USE_API) or not can(user, cap):
        raise PermissionDenied(_("Anda tidak berwenang mengakses data ini."))
    if request.method not in SAFE_METHODS and is_read_only(user):
        raise PermissionDenied(_("Peran Anda hanya boleh membaca."))
    request.user = user
    return user


class TokenAuth(HttpBearer):
    openapi_description = "Token API pribadi: `Authorization: Bearer <token>`"

    def __init__(self, cap: Cap) -> None:
        super().__init__()
        self.cap = cap

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from sejahtera.accounts.models import ApiToken

        digest = hashlib.sha256(token.encode()).hexdigest()
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True)
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        return _authorise(request, api_token.user, self.cap)


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF checked on unsafe methods."""

    param_name = "sessionid"
    openapi_description = "Sesi peramban (cookie), dengan CSRF untuk metode yang mengubah data"

    def __init__(self, cap: Cap) -> None:
        super().__init__(csrf=True)
        self.cap = cap

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _authorise(request, getattr(request, "user", None), self.cap)


def api_auth(cap: Cap) -> list[Any]:
    return [TokenAuth(cap), SessionAuth(cap)]


class InvalidItem(Schema):
    """One invalid input: its kind, where it is (`["query", "tahun"]`) and what is wrong."""

    type: str
    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    """Every error answer: one message, the messages per field, or the invalid inputs."""

    detail: str | dict[str, list[str]] | list[InvalidItem]


def error_responses(path: str, methods: list[str]) -> dict[int, type[Schema]]:
    """The error answers an operation may give: 401 without a valid token or session, 403
    without the capability, 422 for invalid input; 400 for a body that is not JSON (writing
    methods); 404 for an unknown or out-of-area record (operations with path parameters)."""
    codes = [401, 403, 422]
    if any(method not in SAFE_METHODS for method in methods):
        codes.append(400)
    if "{" in path:
        codes.append(404)
    return dict.fromkeys(sorted(codes), ErrorOut)


class CapabilityRouter(Router):
    """A router whose every operation needs an authenticated user holding `cap`, and documents
    the error answers it may give (declared responses win: `response={201: X, 404: ErrorOut}`
    for an operation that answers 404 without a path parameter)."""

    def __init__(self, cap: Cap, **kwargs: Any) -> None:
        super().__init__(auth=api_auth(cap), **kwargs)

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        response: Any = NOT_SET,
        **kwargs: Any,
    ) -> None:
        if response is not NOT_SET:
            declared = response if isinstance(response, dict) else {200: response}
            response = {**error_responses(path, methods), **declared}
        super().add_api_operation(path, methods, view_func, response=response, **kwargs)


def _invalid_messages() -> dict[str, str]:
    return {
        "missing": _("Wajib diisi."),
        "int_parsing": _("Harus bilangan bulat."),
        "int_type": _("Harus bilangan bulat."),
        "int_from_float": _("Harus bilangan bulat."),
        "float_parsing": _("Harus angka."),
        "float_type": _("Harus angka."),
        "decimal_parsing": _("Harus angka."),
        "bool_parsing": _("Harus true atau false."),
        "bool_type": _("Harus true atau false."),
        "string_type": _("Harus teks."),
        "date_parsing": _("Harus tanggal dengan bentuk TTTT-BB-HH."),
        "date_type": _("Harus tanggal dengan bentuk TTTT-BB-HH."),
        "date_from_datetime_parsing": _("Harus tanggal dengan bentuk TTTT-BB-HH."),
        "date_from_datetime_inexact": _("Harus tanggal dengan bentuk TTTT-BB-HH."),
        "datetime_parsing": _("Harus tanggal dan jam (ISO 8601)."),
        "datetime_type": _("Harus tanggal dan jam (ISO 8601)."),
        "uuid_parsing": _("Harus UUID."),
        "uuid_type": _("Harus UUID."),
        "dict_type": _("Harus objek JSON."),
        "model_type": _("Harus objek JSON."),
        "model_attributes_type": _("Harus objek JSON."),
        "list_type": _("Harus daftar."),
        "json_invalid": _("Isi permintaan bukan JSON yang sah."),
        "greater_than": _("Harus lebih dari %(gt)s."),
        "greater_than_equal": _("Harus paling kecil %(ge)s."),
        "less_than": _("Harus kurang dari %(lt)s."),
        "less_than_equal": _("Harus paling besar %(le)s."),
        "string_too_short": _("Paling sedikit %(min_length)s karakter."),
        "string_too_long": _("Paling banyak %(max_length)s karakter."),
        "string_pattern_mismatch": _("Bentuknya tidak sah."),
        "literal_error": _("Pilihan tidak dikenal."),
        "enum": _("Pilihan tidak dikenal."),
        "nul_character": _("Teks tidak boleh berisi karakter NUL (\\u0000)."),
    }


def invalid_items(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as `InvalidItem`s with an Indonesian message (its English one and any
    context that is not plain JSON left out)."""
    messages = _invalid_messages()
    items = []
    for error in errors:
        kind = str(error.get("type", ""))
        context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
        try:
            message = messages.get(kind, _("Nilai tidak sah.")) % context
        except (KeyError, TypeError, ValueError):
            message = _("Nilai tidak sah.")
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        items.append({"type": kind, "loc": loc, "msg": message})
    return items


PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    """Limit and offset with bounds (ninja's have none above), so that no value reaches the
    database as an integer it cannot hold."""

    class Input(Schema):
        limit: int = Field(
            PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Jumlah baris per halaman (1–500)"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Lewati sekian baris pertama")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)


def paginate(func: Callable[..., Any]) -> Callable[..., Any]:
    """`@paginate` with the bounded limit and offset of `Pagination`."""
    paginated: Callable[..., Any] = ninja_paginate(Pagination)(func)
    return paginated


def filter_schema(filterset_class: type[FilterSet]) -> type[Schema]:
    """A query-parameter schema with one optional field per filter of the FilterSet."""
    fields: dict[str, Any] = {}
    for name, flt in filterset_class.base_filters.items():
        fields[name] = (str | None, Field(None, description=str(flt.label or name)))
    return create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)


def apply_filters(filterset_class: type[FilterSet], filters: Any, queryset: Any) -> Any:
    """Run the list's FilterSet on the query parameters an endpoint received."""
    return filterset_class(filters.dict(exclude_none=True), queryset=queryset).qs


def _nul_places(value: Any, loc: list[str | int]) -> list[list[str | int]]:
    """Where in a parsed JSON value (or query) a text holds NUL."""
    if isinstance(value, str):
        return [loc] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.extend([[*loc, str(key)]] if "\x00" in str(key) else [])
            found.extend(_nul_places(item, [*loc, str(key)]))
        return found
    if isinstance(value, list):
        return [place for i, item in enumerate(value) for place in _nul_places(item, [*loc, i])]
    return []


def _refuse_nul(value: Any, where: str) -> None:
    places = _nul_places(value, [where])
    if places:
        raise InputError([{"type": "nul_character", "loc": place, "msg": ""} for place in places])


class NulRefusingParser(Parser):
    """The JSON body and the query string, refused (422) when a text holds NUL: no column
    can store it (PostgreSQL refuses it outright), and no person types it."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse_nul(data, "body")  # ninja turns any error here into a 400; see on_http_error
        return data

    def parse_querydict(
        self, data: Any, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, "query")
        return result
