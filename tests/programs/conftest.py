from __future__ import annotations

import io

import pytest

from sejahtera.programs.reference import load


@pytest.fixture
def programmes(db: None) -> None:
    """The 24 programmes of Tabel 2.4.2 with their first rules (data/programs/)."""
    load(stdout=io.StringIO())
