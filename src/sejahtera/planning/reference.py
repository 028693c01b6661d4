"""Reference data of the planning app: the grade scale (data/planning/predikat.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import yaml
from django.conf import settings

from sejahtera.planning.services import load_grades


def grades_file() -> Path:
    return Path(settings.DATA_DIR) / "planning" / "predikat.yaml"


def load(*, stdout: TextIO) -> None:
    data = yaml.safe_load(grades_file().read_text(encoding="utf-8"))
    count = load_grades(scale=data["scale"], source=data["source"], bands=data["bands"])
    stdout.write(f"Predikat capaian: {count} kelas ({data['scale']})\n")
