"""The Renstra transcription under data/renstra/ checked against the seed it came from: every
value of every row must occur in the seed lines the row cites (numbers wrapped across lines
by the PDF text are compared with whitespace removed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sejahtera.planning.transcription import check, seed_path, squash

DATA = Path(__file__).resolve().parents[2] / "data" / "renstra" / "2025-2029"
FILES = sorted(DATA.glob("*.yaml"))
SEED = seed_path().read_text(encoding="utf-8").splitlines()


def test_every_table_of_the_plan_is_transcribed() -> None:
    tables = {yaml.safe_load(f.read_text(encoding="utf-8")).get("table") for f in FILES}
    for table in (
        "2.3.3",
        "2.3.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.3.1",
        "4.3.2",
        "4.4",
        "4.6",
    ):
        assert table in {str(t) for t in tables}, table


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_transcribed_values_occur_in_their_seed_lines(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = check(data, SEED)
    assert not problems, "\n".join(str(p) for p in problems[:20])


def test_a_wrong_number_is_caught() -> None:
    row = {
        "lines": [5100, 5160],
        "pagu": {"2025": "16,117,251,140", "2026": "16,117,251,141"},
    }
    problems = check({"rows": [row]}, SEED)
    assert [p.value for p in problems] == ["16,117,251,141"]


def test_the_urusan_total_is_in_the_plan() -> None:
    rows = yaml.safe_load((DATA / "t432-1.06.01.yaml").read_text(encoding="utf-8"))["rows"]
    totals = [r["pagu"]["end"] for r in rows if r.get("pagu") and r.get("level") == "sasaran"]
    assert "121,981,063,728" in totals
    assert squash("121,981,\n\n063,728") in squash("\n".join(SEED[5040:5160]))
