"""The cemeteries' reference data is what the seed says, at the lines it cites: the count of
6 (no names), and the indicators under 1.06.07 named exactly as in the Renstra data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from sejahtera.cemeteries import indicators
from sejahtera.cemeteries.models import Cemetery
from sejahtera.cemeteries.reference import load, reference
from sejahtera.planning.transcription import check, seed_path
from tests.cemeteries.factories import CemeteryFactory

DATA = Path(__file__).resolve().parents[2] / "data"


def _seed() -> list[str]:
    return seed_path().read_text(encoding="utf-8").splitlines()


def test_every_row_is_at_its_seed_lines() -> None:
    data = yaml.safe_load((DATA / "cemeteries" / "tmp.yaml").read_text(encoding="utf-8"))
    assert check(data, _seed()) == []


def test_a_wrong_citation_is_caught() -> None:
    """The check can fail: the same row cited at other lines is reported."""
    data = yaml.safe_load((DATA / "cemeteries" / "tmp.yaml").read_text(encoding="utf-8"))
    data["statements"][2]["lines"] = [10, 20]
    assert [m.path for m in check(data, _seed())] == [
        "$.statements[2].heading",
        "$.statements[2].text",
    ]


def test_the_seed_counts_six_cemeteries_and_names_none() -> None:
    ref = reference()
    assert ref.count == 6 and ref.names == ()
    first, last = ref.count_lines
    lines = _seed()[first - 1 : last]
    assert any(line.strip().startswith("6 6") for line in lines)
    assert "Jumlah Taman" in lines[0]


def test_indicator_names_are_those_of_the_renstra_data() -> None:
    plan = yaml.safe_load(
        (DATA / "renstra" / "2025-2029" / "t432-1.06.05-07.yaml").read_text(encoding="utf-8")
    )
    rows = {row["code"]: row for row in plan["rows"] if (row["code"] or "").startswith("1.06.07")}
    assert set(rows) == {"1.06.07", "1.06.07.2.01", "1.06.07.2.01.0002"}
    names = {code: row["indicators"][0]["name"] for code, row in rows.items()}
    assert names["1.06.07"] == indicators.PROGRAM_NAME
    assert names["1.06.07.2.01"] == indicators.KEGIATAN_NAME
    assert names["1.06.07.2.01.0002"] == indicators.SUBKEGIATAN_NAME
    ref = reference()
    for key in ("program", "kegiatan", "subkegiatan"):
        seed = ref.indicator(key)
        row = rows[seed.code]
        assert seed.name == row["indicators"][0]["name"]
        assert seed.targets == row["indicators"][0]["targets"]
    assert ref.target("subkegiatan", 2026) == "6" and ref.target("program", 2025) == "100.00%"


@pytest.mark.django_db
def test_loading_creates_nothing_and_reports_the_count() -> None:
    out = io.StringIO()
    load(stdout=out)
    assert Cemetery.objects.count() == 0
    assert "Renstra menghitung 6" in out.getvalue() and "terdaftar 0" in out.getvalue()
    CemeteryFactory()
    out = io.StringIO()
    load(stdout=out)
    assert "terdaftar 1" in out.getvalue()
