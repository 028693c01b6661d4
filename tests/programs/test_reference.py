"""The programme tables under data/programs/ checked against the seed they came from, and
loaded as reference data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from sejahtera.planning.transcription import check, seed_path
from sejahtera.programs.models import Funding, Programme, RecipientRow, RuleVersion
from sejahtera.programs.reference import load

DATA = Path(__file__).resolve().parents[2] / "data" / "programs"
SEED = seed_path().read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["t242-bantuan.yaml", "t243-penerima.yaml"])
def test_transcribed_values_occur_in_their_seed_lines(name: str) -> None:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert check(data, SEED) == []


@pytest.mark.django_db
def test_loading_is_idempotent_and_complete() -> None:
    load(stdout=io.StringIO())
    load(stdout=io.StringIO())
    assert Programme.objects.count() == 24
    assert RecipientRow.objects.count() == 20
    assert RuleVersion.objects.count() == 21  # 21, 23, 24 have no person rule
    pkh = Programme.objects.get(number=1)
    assert (pkh.code, pkh.funding, pkh.criteria_written) == (
        "pkh",
        Funding.APBN,
        ["Fakir Miskin", "Masuk DTKS"],
    )
    assert pkh.history.get().counts["2022"] == "38,171"
    assert Programme.objects.get(number=24).funding == Funding.APBD_KABUPATEN
