from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import is_read_only

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ReadOnlyRoleMiddleware:
    """A second lock behind the services: read-only roles (the auditor) cannot send any
    request that changes data, except signing out, changing their own password and choosing
    the interface language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def allowed(self) -> frozenset[str]:
        if self._allowed is None:
            self._allowed = frozenset(
                {
                    reverse("accounts:logout"),
                    reverse("accounts:password_change"),
                    reverse("set_language"),
                }
            )
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in SAFE_METHODS
            and is_read_only(request.user)
            and request.path not in self.allowed()
        ):
            raise PermissionDenied(_("Peran Anda hanya boleh membaca; perubahan tidak diizinkan."))
        return self.get_response(request)
