from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sejahtera.common import request_context
from sejahtera.common.ratelimit import client_address


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = request_context.RequestInfo(
            ip=client_address(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            path=request.path[:255],
        )
        token = request_context.set_current(info)
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language (the `set_language` cookie).
    The browser's Accept-Language is ignored: office PCs often run English browsers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
