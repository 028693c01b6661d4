"""Reference data of the heroes' cemeteries: what the seed says, from
data/cemeteries/tmp.yaml. The seed counts the cemeteries (6) but names none, so nothing is
created here: `load` reports the count beside the cemeteries registered, and the pages show
it the same way. The targets of the three indicators under programme 1.06.07 come along for
the summary page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings


@dataclass(frozen=True)
class SeedIndicator:
    key: str
    code: str
    name: str
    unit: str
    targets: dict[str, str]
    lines: tuple[int, int]


@dataclass(frozen=True)
class Reference:
    count: int  # cemeteries the seed counts as kept up each year
    count_lines: tuple[int, int]
    names: tuple[str, ...]  # cemeteries the seed names (none)
    indicators: tuple[SeedIndicator, ...]

    def indicator(self, key: str) -> SeedIndicator:
        return next(i for i in self.indicators if i.key == key)

    def target(self, key: str, year: int) -> str:
        return self.indicator(key).targets.get(str(year), "")


def data_file() -> Path:
    return Path(settings.DATA_DIR) / "cemeteries" / "tmp.yaml"


def _lines(row: dict[str, Any]) -> tuple[int, int]:
    first, last = row["lines"]
    return int(first), int(last)


@lru_cache(maxsize=4)
def _read(path: str) -> Reference:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cemeteries = data["cemeteries"]
    return Reference(
        count=int(cemeteries["count"]),
        count_lines=_lines(cemeteries),
        names=tuple(cemeteries.get("names") or ()),
        indicators=tuple(
            SeedIndicator(
                key=row["id"],
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                targets={str(k): str(v) for k, v in (row.get("targets") or {}).items()},
                lines=_lines(row),
            )
            for row in data["indicators"]
        ),
    )


def reference() -> Reference:
    return _read(str(data_file()))


def load(*, stdout: TextIO) -> None:
    from sejahtera.cemeteries.models import Cemetery

    ref = reference()
    stdout.write(
        f"Taman makam pahlawan: Renstra menghitung {ref.count} (baris {ref.count_lines[0]}-"
        f"{ref.count_lines[1]}), tanpa nama; terdaftar {Cemetery.objects.count()}\n"
    )
