"""Error pages in Bahasa Indonesia. The 500 and 503 pages are rendered without context
processors or the database, since either may be what failed.

The database going away (server stopped, network cut, too many connections) is not a bug of
the page: Django raises OperationalError/InterfaceError wherever the database was first
needed (session, user, the view, saving the session). Each of these ends in `server_error`,
which answers 503 with "try again shortly" (JSON under /api/) instead of 500. Django
reconnects by itself once the database is back (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is the database being unreachable."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: it is still in sys.exc_info().
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _("Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
