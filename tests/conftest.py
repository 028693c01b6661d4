from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.reference import load as load_units
from sejahtera.wilayah.models import Wilayah
from sejahtera.wilayah.services import load_wilayah

MOJOKERTO = "35.16"
# Two kecamatan of Mojokerto and a desa in each (codes from the official data).
KEC_A = "35.16.01"  # Jatirejo
DESA_A = "35.16.01.2001"  # Tawangrejo
DESA_A2 = "35.16.01.2002"  # Rejosari
KEC_B = "35.16.02"  # Gondang
DESA_B = "35.16.02.2001"  # Gumeng


def _load_reference_data() -> None:
    from sejahtera.registry.reference import load as load_ppks

    if not Wilayah.objects.filter(code=MOJOKERTO).exists():
        load_wilayah(actor=None)
    load_units(stdout=io.StringIO())
    load_ppks(stdout=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def reference_data(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> None:
    """The real areas of Indonesia and the office's units are reference data every test may
    rely on; they are committed into the test database once per session (when a test of the
    session uses the database at all: pytest-django creates none otherwise)."""
    from pytest_django.fixtures import _get_databases_for_setup

    if "default" not in _get_databases_for_setup(request.session.items)[0]:
        return
    with django_db_blocker.unblock():
        _load_reference_data()


# The 91,599 areas of Indonesia are read-only reference data: the flush that ends a
# transactional test leaves their table alone, instead of emptying it and loading the file
# again after every such test (that reload took 6 to 10 s each time). A test that changes
# areas must put them back itself.
KEPT_TABLES = frozenset({"wilayah_wilayah"})


def _flush_without_areas(
    style: Any, connection: Any, reset_sequences: bool = True, allow_cascade: bool = False
) -> list[str]:
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in KEPT_TABLES
    ]
    return connection.ops.sql_flush(
        style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )


def pytest_configure(config: pytest.Config) -> None:
    from django.core.management.commands import flush

    flush.sql_flush = _flush_without_areas  # type: ignore[assignment]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test (and every live-server test) ends by flushing the database; put
    the reference data back for the tests after it."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    # After the last test the session's database is already gone: nothing to restore.
    if nextitem is None:
        return
    if transactional or "live_server" in getattr(item, "fixturenames", ()):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_reference_data()


@pytest.fixture(autouse=True)
def test_settings(settings: Any) -> Iterator[None]:
    """Tasks run in-process unless a test asks for the database backend; static files come
    from the source tree, whatever a demo run left in var/static."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The second factor required of administrators is tested on its own
    # (tests/accounts/test_second_factor.py); elsewhere tests sign in with force_login.
    settings.OTP_REQUIRED_ROLES = []
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield


@pytest.fixture
def make_user(db: Any) -> Any:
    from tests.accounts.factories import UserFactory

    def make(role: str, areas: list[str] | None = None, **kwargs: Any) -> Any:
        return UserFactory(role=role, area_codes=areas or [MOJOKERTO], **kwargs)

    return make


@pytest.fixture
def login(client: Client) -> Any:
    def do(user: Any) -> Client:
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (rate-limit counters, the home page's totals)."""
    from django.core.cache import cache

    cache.clear()
    yield
