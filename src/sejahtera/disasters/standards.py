"""The disaster-response standards of the seed, read from data/disasters/standar.yaml (each
row cites its seed lines): three meals a day per displaced person during the emergency,
"Permakanan 3x1 Hari dalam Masa Tanggap Darurat (Pengungsian)" (seed lines 4828-4829)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


def data_path() -> Path:
    return Path(settings.DATA_DIR) / "disasters" / "standar.yaml"


@lru_cache(maxsize=1)
def standards() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(data_path().read_text(encoding="utf-8"))
    return data


def meals_per_day() -> int:
    """The most meals one person is recorded to get in a day, and what "basic needs met"
    asks for every day of displacement in the emergency."""
    return int(standards()["meals"]["per_day"])
