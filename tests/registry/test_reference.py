"""The PPKS categories are transcribed from the seed: every text is where its line says."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from sejahtera.registry.models import PpksCategory, PpksCriterion
from sejahtera.registry.reference import load, read_categories

SEED = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "seed"
    / "renstra-dinsos-mojokerto-2025-2029.txt"
)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside the project")
def test_every_text_starts_at_its_seed_line() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    rows = read_categories()
    assert [r["number"] for r in rows] == list(range(1, 27))

    def found_at(text: str, line: int) -> bool:
        window = _words(" ".join(lines[line - 1 : line + 40]))
        # Criteria may carry a list marker in the seed ("- ", "a. "); definitions start the line.
        return _words(text)[:60] in window and window.find(_words(text)[:60]) < 40

    for row in rows:
        assert f"({row['number']})" in lines[row["seed_line"] - 1], row["code"]
        assert found_at(row["definition"], row["seed_line"]), row["code"]
        for criterion in row["criteria"]:
            assert found_at(criterion["text"], criterion["seed_line"]), criterion["text"]


@pytest.mark.django_db
def test_loaded_and_idempotent() -> None:
    assert PpksCategory.objects.count() == 26
    assert PpksCriterion.objects.count() == sum(len(r["criteria"]) for r in read_categories())
    lut = PpksCategory.objects.get(code="LANJUT_USIA_TERLANTAR")
    assert (lut.age_min, lut.age_max) == (60, None)
    prse = PpksCategory.objects.get(code="PEREMPUAN_RAWAN_SOSIAL_EKONOMI")
    assert prse.sex == "P"
    out = io.StringIO()
    load(stdout=out)
    assert "(0 berubah)" in out.getvalue()
