from __future__ import annotations

import io

import pytest

from sejahtera.programs.reference import load


@pytest.fixture
def programmes(db: None) -> None:
    """The 24 programmes of Tabel 2.4.2 with their first rules (data/programs/)."""
    load(stdout=io.StringIO())


@pytest.fixture
def seed_plan(db: None) -> object:
    """The seed's Renstra with its grade scale (as tests/planning/conftest.py)."""
    from sejahtera.planning.loader import load_plan
    from sejahtera.planning.reference import load as load_grades

    load_grades(stdout=io.StringIO())
    return load_plan(actor=None).plan
