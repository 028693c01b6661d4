"""Reference data of the partners app: the 13 kinds of PSKS of seed section 2.5 and the
conditions of the UEP grants (Tabel 2.4.2 rows 23-24), from data/partners/psks.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings
from django.db import transaction

from sejahtera.partners.models import PartnerKind


def data_file() -> Path:
    return Path(settings.DATA_DIR) / "partners" / "psks.yaml"


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(data_file().read_text(encoding="utf-8"))
    return data


def _lines(row: dict[str, Any]) -> str:
    first, last = row["lines"]
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class Condition:
    """One condition of a UEP grant as the seed writes it, and the check implementing it."""

    ref: str
    text: str
    lines: str


def uep_conditions(kind_code: str) -> list[Condition]:
    """The seed's conditions of a UEP grant to partners of the kind (empty: no UEP)."""
    for spec in _data()["uep"]:
        if spec["kind"] == kind_code:
            return [Condition(c["ref"], c["text"], _lines(c)) for c in spec["conditions"]]
    return []


def uep_kinds() -> list[str]:
    return [spec["kind"] for spec in _data()["uep"]]


@transaction.atomic
def load(*, stdout: TextIO) -> None:
    kinds = _data()["kinds"]
    for order, row in enumerate(kinds, start=1):
        PartnerKind.objects.update_or_create(
            code=row["id"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short") or "",
                "institution": bool(row["institution"]),
                "definition": row.get("definition") or "",
                "order": order,
                "seed_lines": _lines(row),
            },
        )
    stdout.write(f"Jenis PSKS: {len(kinds)}\n")
