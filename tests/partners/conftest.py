from __future__ import annotations

import io

import pytest

from sejahtera.partners.models import PartnerKind
from sejahtera.partners.reference import load


@pytest.fixture
def kinds(db: None) -> dict[str, PartnerKind]:
    """The 13 kinds of PSKS, loaded from data/partners/psks.yaml."""
    load(stdout=io.StringIO())
    return {k.code: k for k in PartnerKind.objects.all()}
