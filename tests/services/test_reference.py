from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from sejahtera.planning.transcription import check, seed_path
from sejahtera.services.models import LetterType, Output, Service
from sejahtera.services.reference import load

DATA = Path(__file__).resolve().parents[2] / "data" / "services"


def test_table_241_matches_the_seed() -> None:
    data = yaml.safe_load((DATA / "t241-layanan.yaml").read_text(encoding="utf-8"))
    assert check(data, seed_path().read_text(encoding="utf-8").splitlines()) == []
    assert len(data["rows"]) == 13


@pytest.mark.django_db
def test_loading() -> None:
    load(stdout=io.StringIO())
    load(stdout=io.StringIO())
    assert Service.objects.count() == 13 and LetterType.objects.count() == 3
    assert Service.objects.get(number=1).output == Output.LETTER
    assert Service.objects.get(number=11).output == Output.AID
    assert Service.objects.get(number=5).output == Output.CASE
    assert all(s.sla_working_days is None and s.documents == [] for s in Service.objects.all())
