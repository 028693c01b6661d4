from __future__ import annotations

import io

import pytest

from sejahtera.planning.loader import load_plan
from sejahtera.planning.models import Plan
from sejahtera.planning.reference import load as load_grades


@pytest.fixture
def grades(db: None) -> None:
    load_grades(stdout=io.StringIO())


@pytest.fixture
def seed_plan(db: None, grades: None) -> Plan:
    """The seed's Renstra, loaded from data/renstra/2025-2029 as `sejahtera renstra load` does."""
    return load_plan(actor=None).plan
