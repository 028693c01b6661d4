"""The client's address behind a reverse proxy: X-Forwarded-For is believed only from a
trusted proxy, so citizens behind the office's nginx are limited one by one (not all
together as the proxy), and a client talking to the app directly cannot pick its own
address by sending the header."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from sejahtera.accounts.roles import Role
from sejahtera.common.ratelimit import client_address, client_key
from tests.accounts.factories import UserFactory
from tests.conftest import MOJOKERTO

PROXY = "10.9.9.9"


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_header_is_ignored_without_a_trusted_proxy() -> None:
    assert client_address(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=[PROXY, "10.9.9.8"])
def test_rightmost_untrusted_hop_behind_trusted_proxies() -> None:
    # The client may send its own header; the proxy appends the address it saw.
    request = _request(PROXY, "1.2.3.4, 198.51.100.7, 10.9.9.8")
    assert client_address(request) == "198.51.100.7"
    # A request from elsewhere keeps its own address whatever it claims.
    assert client_address(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    # Behind the proxy but without the header: the proxy's address.
    assert client_address(_request(PROXY)) == PROXY
    # Two citizens behind the proxy count separately.
    assert client_key(_request(PROXY, "198.51.100.7")) != client_key(
        _request(PROXY, "198.51.100.8")
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_lockout_counts_the_forwarded_address() -> None:
    user = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO], username="loket9")
    user.set_password("Kata-Sandi-Uji-2026")
    user.save()

    def login(password: str, citizen: str) -> int:
        return (
            Client()
            .post(
                "/akun/masuk/",
                {"username": "loket9", "password": password},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=citizen,
            )
            .status_code
        )

    for _ in range(5):
        login("salah-salah", "198.51.100.7")
    assert login("Kata-Sandi-Uji-2026", "198.51.100.7") == 429
    # The same user name from another address behind the same proxy is not locked.
    assert login("Kata-Sandi-Uji-2026", "198.51.100.8") == 302


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15").ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_limits_are_shared_through_redis_across_processes() -> None:
    """With SEJAHTERA_REDIS_URL every worker counts in the same place: two separate cache
    connections (as two gunicorn workers would have) see one count."""
    import uuid

    from django.core.cache.backends.redis import RedisCache

    from sejahtera.common.ratelimit import hit

    location = "redis://127.0.0.1:6379/15"
    prefix = f"t{uuid.uuid4().hex}"
    config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    request = _request("198.51.100.9")
    with override_settings(CACHES={"default": {**config, "KEY_PREFIX": prefix}}):
        outcomes = [hit(request, "uji", limit=3, window_seconds=60) for _ in range(4)]
    assert outcomes == [False, False, False, True]
    # Another worker's connection sees the same count.
    other_worker = RedisCache(location, {"KEY_PREFIX": prefix})
    assert other_worker.get(f"rl:uji:{client_key(request)}") == 4
    other_worker.delete(f"rl:uji:{client_key(request)}")
