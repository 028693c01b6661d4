"""data/disasters/standar.yaml: every text is at its cited seed lines, its codes are the
models' choices, and the meal standard read from it is three a day."""

from __future__ import annotations

from pathlib import Path

import yaml

from sejahtera.disasters.models import AidKind, EventKind, Phase
from sejahtera.disasters.standards import meals_per_day
from sejahtera.planning.transcription import check, seed_path

DATA = Path(__file__).resolve().parents[2] / "data" / "disasters" / "standar.yaml"


def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def test_every_row_is_in_the_seed() -> None:
    assert check(_data(), seed_path().read_text(encoding="utf-8").splitlines()) == []


def test_the_meal_standard_is_three_a_day_as_3x1_hari() -> None:
    data = _data()
    assert data["meals"]["per_day"] == 3 and "3x1 Hari" in data["meals"]["text"]
    assert meals_per_day() == 3
    seed = seed_path().read_text(encoding="utf-8").splitlines()
    assert "3x1" in seed[4828 - 1] and "Permakanan" in seed[4828 - 1]


def test_codes_agree_with_the_models() -> None:
    data = _data()
    assert {row["id"] for row in data["kinds"]} == set(EventKind.values)
    # "selesai" is ours (see the README); the two phases of the seed are cited.
    assert {row["id"] for row in data["phases"]} == set(Phase.values) - {Phase.DONE}
    assert set(AidKind.values) <= {row["id"] for row in data["aid"]}
