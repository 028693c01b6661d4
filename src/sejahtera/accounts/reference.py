from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from django.conf import settings

from sejahtera.accounts.services import load_units


def units_file() -> Path:
    return Path(settings.DATA_DIR) / "organisation" / "units.csv"


def load(*, stdout: TextIO) -> None:
    with units_file().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    changed = load_units(rows=rows)
    stdout.write(f"Unit kerja: {len(rows)} ({changed} berubah)\n")
