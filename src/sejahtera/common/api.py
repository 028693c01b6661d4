"""Shared pieces of the HTTP API: authentication (session or personal token) with a
capability check, and turning a django-filter FilterSet into the query schema of an endpoint so
that the page, the API and the export share one filter definition."""

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import FilterSet
from ninja import Field, Router, Schema
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


class CapabilityRouter(Router):
    """A router whose every operation needs an authenticated user holding `cap`."""

    def __init__(self, cap: Cap, **kwargs: Any) -> None:
        super().__init__(auth=api_auth(cap), **kwargs)


def filter_schema(filterset_class: type[FilterSet]) -> type[Schema]:
    """A query-parameter schema with one optional field per filter of the FilterSet."""
    fields: dict[str, Any] = {}
    for name, flt in filterset_class.base_filters.items():
        fields[name] = (str | None, Field(None, description=str(flt.label or name)))
    return create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)


def apply_filters(filterset_class: type[FilterSet], filters: Any, queryset: Any) -> Any:
    """Run the list's FilterSet on the query parameters an endpoint received."""
    return filterset_class(filters.dict(exclude_none=True), queryset=queryset).qs
