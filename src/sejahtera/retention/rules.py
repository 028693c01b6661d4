"""The retention rules: data/retention.yaml (or the file SEJAHTERA_RETENTION_FILE names), a
reviewed file of the office's decisions, one entry per kind of record in kinds.py.

Why a file and not settings: a period is a decision with a reason that someone reviewed; a
file under version control keeps the number, its reason and the reviewer together, and shows
in one place what is kept how long. An office that keeps its own reviewed copy outside the
source tree points SEJAHTERA_RETENTION_FILE at it.

Every kind of kinds.py must be listed (a new kind cannot start removing data before someone
has written its period), and `what`, `age_field` and `action` must match the code, so the file
never claims something the command does not do."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from sejahtera.retention.kinds import BY_KEY, KINDS, Action, Kind

UNITS = {
    "day": "days",
    "days": "days",
    "hari": "days",
    "month": "months",
    "months": "months",
    "bulan": "months",
    "year": "years",
    "years": "years",
    "tahun": "years",
}
UNIT_WORDS = {"days": "hari", "months": "bulan", "years": "tahun"}
_PERIOD = re.compile(r"^\s*(\d{1,4})\s*([a-zA-Z]+)\s*$")


class RetentionConfigError(ValueError):
    """The retention file cannot be used; the message lists every problem in Indonesian."""


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # days | months | years

    @classmethod
    def parse(cls, text: Any) -> Period:
        found = _PERIOD.match(str(text or ""))
        if found is None or found.group(2).lower() not in UNITS:
            raise ValueError(text)
        return cls(int(found.group(1)), UNITS[found.group(2).lower()])

    def before(self, moment: dt.datetime) -> dt.datetime:
        """The moment `self` before `moment` (a month back from 31 March is 28/29 February)."""
        if self.unit == "days":
            return moment - dt.timedelta(days=self.amount)
        months = self.amount * (12 if self.unit == "years" else 1)
        index = moment.year * 12 + (moment.month - 1) - months
        year, month = divmod(index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.amount} {UNIT_WORDS[self.unit]}"


@dataclass(frozen=True)
class Rule:
    kind: Kind
    period: Period
    reason: str
    active: bool = True

    @property
    def key(self) -> str:
        return self.kind.key

    def as_dict(self) -> dict[str, Any]:
        """The rule as the audit event stores it."""
        return {
            "key": self.kind.key,
            "what": self.kind.what,
            "age_field": self.kind.age_field,
            "period": f"{self.period.amount} {self.period.unit}",
            "action": str(self.kind.action),
        }


def rules_file() -> Path:
    configured = getattr(settings, "RETENTION_FILE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "retention.yaml"


def load_rules(path: Path | None = None) -> list[Rule]:
    """The rules in the order of kinds.py; RetentionConfigError naming every problem."""
    path = path or rules_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RetentionConfigError(f"Berkas retensi {path} tidak ditemukan.") from exc
    except yaml.YAMLError as exc:
        raise RetentionConfigError(f"Berkas retensi {path} bukan YAML yang sah: {exc}") from exc
    entries = data.get("kinds") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RetentionConfigError(f"Berkas retensi {path} harus berisi daftar `kinds`.")
    problems: list[str] = []
    found: dict[str, Rule] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"Entri ke-{number} bukan pemetaan key/period/….")
            continue
        key = str(entry.get("key", ""))
        kind = BY_KEY.get(key)
        if kind is None:
            problems.append(f"Jenis `{key}` (entri ke-{number}) tidak dikenal.")
            continue
        if key in found:
            problems.append(f"Jenis `{key}` tertulis lebih dari sekali.")
            continue
        for name, expected in (
            ("what", kind.what),
            ("age_field", kind.age_field),
            ("action", str(kind.action)),
        ):
            if str(entry.get(name, "")) != expected:
                problems.append(
                    f"`{key}`: {name} tertulis {entry.get(name)!r}, padahal kode melakukan "
                    f"{expected!r}; perbaiki berkasnya (mengubah perilaku berarti mengubah kode)."
                )
        try:
            period = Period.parse(entry.get("period"))
        except ValueError:
            problems.append(
                f"`{key}`: masa simpan {entry.get('period')!r} tidak terbaca; tulis misalnya "
                "`30 days`, `12 months` atau `2 years`."
            )
            continue
        reason = str(entry.get("reason") or "").strip()
        if not reason:
            problems.append(f"`{key}`: tuliskan alasannya (reason).")
        active = entry.get("active", True)
        if not isinstance(active, bool):
            problems.append(f"`{key}`: active harus true atau false.")
            active = True
        found[key] = Rule(kind=kind, period=period, reason=reason, active=active)
    for kind in KINDS:
        if kind.key not in found and not any(f"`{kind.key}`" in p for p in problems):
            problems.append(
                f"Jenis `{kind.key}` ({kind.what}) belum ada di berkas retensi; tuliskan masa "
                "simpannya."
            )
    if problems:
        raise RetentionConfigError(f"Berkas retensi {path}: " + " ".join(problems))
    return [found[kind.key] for kind in KINDS]


__all__ = ["Action", "Period", "RetentionConfigError", "Rule", "load_rules", "rules_file"]
