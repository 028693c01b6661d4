"""Loading the official areas from a data package (see data/wilayah/README.md)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.wilayah.models import Level, Wilayah, WilayahSource

FILES = [
    ("provinces.csv", Level.PROVINSI, None),
    ("regencies.csv", Level.KABUPATEN, "province_code"),
    ("districts.csv", Level.KECAMATAN, "regency_code"),
    ("villages.csv", Level.DESA, "district_code"),
]
LEVEL_KEYS = {
    Level.PROVINSI: "provinsi",
    Level.KABUPATEN: "kabupaten",
    Level.KECAMATAN: "kecamatan",
    Level.DESA: "desa",
}

ProgressFn = Callable[[int, int | None, str], None]


class WilayahDataError(Exception):
    pass


@dataclass
class LoadReport:
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unlisted: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    version: str = ""

    @property
    def changed_anything(self) -> bool:
        return any(self.added.values()) or any(self.changed.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unlisted": self.unlisted[:200],
            "unlisted_count": len(self.unlisted),
            "counts": self.counts,
            "version": self.version,
        }


def default_source_dir() -> Path:
    return Path(settings.DATA_DIR) / "wilayah"


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "SOURCE.json"
    if not path.exists():
        raise WilayahDataError(_("Berkas SOURCE.json tidak ada di %(dir)s.") % {"dir": directory})
    return json.loads(path.read_text(encoding="utf-8"))


def _read_rows(
    directory: Path, manifest: dict[str, Any]
) -> tuple[list[tuple[str, str, int, str | None]], str]:
    rows: list[tuple[str, str, int, str | None]] = []
    digest_all = hashlib.sha256()
    for filename, level, parent_col in FILES:
        path = directory / filename
        if not path.exists():
            raise WilayahDataError(_("Berkas %(file)s tidak ada.") % {"file": path})
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        expected = manifest.get("files", {}).get(filename)
        if expected and expected != digest:
            raise WilayahDataError(
                _("Sidik berkas %(file)s tidak cocok dengan SOURCE.json.") % {"file": filename}
            )
        digest_all.update(digest.encode())
        reader = csv.DictReader(data.decode("utf-8-sig").splitlines())
        for line_no, row in enumerate(reader, start=2):
            code = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            parent = (row.get(parent_col) or "").strip() if parent_col else None
            if not code or not name or (parent_col and not parent):
                raise WilayahDataError(
                    _("Baris %(line)d berkas %(file)s tidak lengkap.")
                    % {"line": line_no, "file": filename}
                )
            rows.append((code, name, int(level), parent))
    return rows, digest_all.hexdigest()


def load_wilayah(
    *, actor: Any, source_dir: Path | None = None, progress: ProgressFn | None = None
) -> LoadReport:
    """Bring the areas table in line with the data package: add new areas, update renamed
    or moved ones, and report (never delete) areas the package no longer lists. Running it
    twice on the same data changes nothing. `actor` None means the system (a command)."""
    if actor is not None:
        require(actor, Cap.MANAGE_REFERENCE)
    directory = source_dir or default_source_dir()
    manifest = _read_manifest(directory)
    report = (lambda d, t, m: progress(d, t, m)) if progress else (lambda d, t, m: None)
    report(0, 4, _("Membaca berkas data"))
    rows, checksum = _read_rows(directory, manifest)
    codes = {r[0] for r in rows}
    for code, _name, _level, parent in rows:
        if parent is not None and parent not in codes:
            raise WilayahDataError(
                _("Wilayah %(code)s menunjuk induk %(parent)s yang tidak ada.")
                % {"code": code, "parent": parent}
            )
    existing = {
        w[0]: w[1:] for w in Wilayah.objects.values_list("code", "name", "level", "parent_id")
    }
    result = LoadReport(version=str(manifest.get("version", "")))
    with transaction.atomic():
        for step, (_filename, level, _col) in enumerate(FILES, start=1):
            key = LEVEL_KEYS[level]
            level_rows = [r for r in rows if r[2] == level]
            new = [
                Wilayah(
                    code=code,
                    name=name,
                    level=level,
                    parent_id=parent,
                    is_kelurahan=(level == Level.DESA and code.rsplit(".", 1)[-1].startswith("1")),
                )
                for code, name, _lvl, parent in level_rows
                if code not in existing
            ]
            changed = [
                Wilayah(code=code, name=name, level=level, parent_id=parent)
                for code, name, _lvl, parent in level_rows
                if code in existing and existing[code] != (name, level, parent)
            ]
            Wilayah.objects.bulk_create(new, batch_size=2000)
            Wilayah.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
            result.added[key] = len(new)
            result.changed[key] = len(changed)
            result.counts[key] = len(level_rows)
            report(
                step,
                4,
                _("Tingkat %(level)s: %(n)d wilayah")
                % {"level": level.label, "n": len(level_rows)},
            )
        result.unlisted = sorted(code for code in existing if code not in codes)
        last = WilayahSource.objects.first()
        if result.changed_anything or last is None or last.checksum != checksum:
            WilayahSource.objects.create(
                package=str(manifest.get("package", "")),
                version=result.version,
                regulation=str(manifest.get("regulation", "")),
                checksum=checksum,
                counts=result.counts,
            )
            audit.record(
                actor=actor,
                action=Action.IMPORT,
                object_type="wilayah.wilayah",
                object_repr=f"{manifest.get('package', '')} {result.version}",
                changes={"added": result.added, "changed": result.changed},
                extra={"unlisted": result.unlisted[:200], "counts": result.counts},
            )
    return result
