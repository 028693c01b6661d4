"""Reference data of the registry: the 26 PPKS categories (data/registry/ppks_categories.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings

from sejahtera.registry.services import load_ppks_categories


def categories_file() -> Path:
    return Path(settings.DATA_DIR) / "registry" / "ppks_categories.yaml"


def read_categories() -> list[dict[str, Any]]:
    with categories_file().open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = yaml.safe_load(handle)
    return rows


def load(*, stdout: TextIO) -> None:
    rows = read_categories()
    changed = load_ppks_categories(rows=rows)
    stdout.write(f"Kategori PPKS: {len(rows)} ({changed} berubah)\n")
