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


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy every request comes from the proxy, so
    when REMOTE_ADDR is one of `TRUSTED_PROXIES` the address is taken from X-Forwarded-For:
    the right-most entry that is not itself a trusted proxy (entries further left are
    whatever the client chose to send). Without trusted proxies the header is ignored."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if address not in trusted:
        return address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted:
            return hop[:64]
    return address


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
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
