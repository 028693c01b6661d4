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


# Apps a transactional test may flush: everything but the areas, which are loaded once.
FLUSHABLE_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django_tasks_db", "sejahtera.accounts", "sejahtera.audit", "sejahtera.jobs",
]


@pytest.fixture(scope="session", autouse=True)
def reference_data(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The real areas of Indonesia and the office's units are reference data every test may
    rely on; they are committed into the test database once per session."""
    with django_db_blocker.unblock():
        if not Wilayah.objects.filter(code=MOJOKERTO).exists():
            load_wilayah(actor=None)
        load_units(stdout=io.StringIO())


@pytest.fixture(autouse=True)
def units_present(request: Any) -> None:
    """A transactional test (marked with available_apps=FLUSHABLE_APPS) flushes the units
    with the accounts tables; put them back for the tests after it."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from sejahtera.accounts.models import Unit

    if not Unit.objects.exists():
        load_units(stdout=io.StringIO())


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> Iterator[None]:
    """Tasks run in-process unless a test asks for the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
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
