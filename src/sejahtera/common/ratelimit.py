"""A limit on how often one client may use a public page: a counter per client and window
in the cache (Redis or the local cache). Over the limit the page answers 429 with a message
in Bahasa Indonesia. The client is a salted hash of its address, never the address itself."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(settings.SECRET_KEY.encode() + address.encode()).hexdigest()[:32]


def hit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one use; True when the client is over the limit for this window."""
    key = f"rl:{scope}:{client_key(request)}"
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit


def limited(
    scope: str, *, limit: int, window_seconds: int, methods: tuple[str, ...] = ("GET", "POST")
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a public view: at most `limit` requests per client per window (an
    installation may change them in settings.PUBLIC_RATE_LIMITS: {scope: (limit, seconds)})."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            most, window = getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(
                scope, (limit, window_seconds)
            )
            if request.method in methods and hit(request, scope, limit=most, window_seconds=window):
                response = render(
                    request,
                    "common/limited.html",
                    {
                        "message": _(
                            "Terlalu banyak permintaan dari perangkat ini. Coba lagi dalam "
                            "%(minutes)s menit."
                        )
                        % {"minutes": max(1, window // 60)}
                    },
                    status=429,
                )
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
