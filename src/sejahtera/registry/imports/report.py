"""What an import reports, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


class ImportFailed(Exception):
    """The import failed as a whole; `errors_csv` holds the failing rows with reasons."""

    def __init__(self, message: str, errors_csv: str | None = None) -> None:
        super().__init__(message)
        self.errors_csv = errors_csv


@dataclass
class ImportReport:
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    memberships_ended: int = 0
    memberships_started: int = 0
    participations_created: int = 0
    warnings: int = 0
    warning_samples: list[str] = field(default_factory=list)
    sha256: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, for benchmarks
    workers: int = 1  # processes that checked the rows (stage.py)
    bulk_load: bool = False  # indexes and foreign keys set aside and rebuilt (merge.py)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.households_created,
                self.households_updated,
                self.persons_created,
                self.persons_updated,
                self.memberships_ended,
                self.memberships_started,
                self.participations_created,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["message"] = _(
            "%(rows)d baris: %(hc)d keluarga baru, %(hu)d keluarga berubah, %(pc)d penduduk baru, "
            "%(pu)d penduduk berubah, %(mc)d perpindahan KK, %(pa)d kepesertaan program baru; %(w)d peringatan."
        ) % {
            "rows": self.rows,
            "hc": self.households_created,
            "hu": self.households_updated,
            "pc": self.persons_created,
            "pu": self.persons_updated,
            "mc": self.memberships_ended,
            "pa": self.participations_created,
            "w": self.warnings,
        }
        return data
