"""Loading a transcribed Renstra (`data/renstra/<period>/*.yaml`, see FORMAT.md) as a plan
revision. Loading the same files again changes nothing; loading changed files makes a new
revision (perubahan Renstra) that supersedes the current one, which stays for history."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.planning.models import (
    Accumulation,
    Budget,
    Direction,
    Indicator,
    IndicatorKind,
    Level,
    Node,
    Plan,
    Statement,
    Target,
)
from sejahtera.planning.values import components, normalise_code, rupiah

PARENT_LEVEL = {
    Level.PROGRAM: Level.URUSAN,
    Level.KEGIATAN: Level.PROGRAM,
    Level.SUBKEGIATAN: Level.KEGIATAN,
    Level.SASARAN: Level.URUSAN,
}
# Tables kept as written (Statement rows), by file-name prefix.
STATEMENT_FILES = ("visi-misi", "t31", "t32", "t33", "t34", "t431", "t44", "t233", "t234")
_TEXT_KEYS = (
    "text",
    "name",
    "goal",
    "target",
    "strategy",
    "policy_direction",
    "renstra_policy_direction",
    "rpjmd_target",
    "priority_program",
    "outcome",
    "output",
    "phase",
)


def default_dir() -> Path:
    return Path(settings.DATA_DIR) / "renstra" / "2025-2029"


def name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _lines(row: dict[str, Any]) -> str:
    lines = row.get("lines")
    if isinstance(lines, list | tuple) and len(lines) == 2:
        return f"{lines[0]}-{lines[1]}"
    return str(lines or "")


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def digest(directory: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


@dataclass
class LoadResult:
    plan: Plan
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def _read(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise ValidationError(_("Folder Renstra %(dir)s tidak ada.") % {"dir": directory})
    docs: dict[str, Any] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            docs[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValidationError(
                _("Berkas %(file)s tidak dapat dibaca: %(error)s")
                % {"file": path.name, "error": exc}
            ) from exc
    if not any(name.startswith("t432") for name in docs):
        raise ValidationError(
            _("Folder %(dir)s tidak berisi Tabel 4.3.2 (berkas t432-*.yaml).") % {"dir": directory}
        )
    return docs


def _period(docs: dict[str, Any]) -> tuple[int, int]:
    for name, doc in docs.items():
        if name.startswith("t432"):
            start, end = str(doc["period"]).split("-")
            return int(start), int(end)
    raise ValidationError(_("Periode Renstra tidak ditemukan."))  # pragma: no cover


def guess_method(
    targets: dict[int, str], end: str, unit: str
) -> tuple[Direction, Accumulation, str]:
    """Default direction and accumulation, from the values as written; an administrator can
    change both. The reason is kept with the indicator."""
    years = sorted(targets)
    values = [components(targets[y]) for y in years]
    firsts = [v[0].number for v in values if v]
    direction = Direction.HIGHER
    note = []
    if len(firsts) >= 2 and all(b < a for a, b in pairwise(firsts)):
        direction = Direction.LOWER
        note.append(_("target turun setiap tahun: makin rendah makin baik"))
    end_parts = components(end)
    if end_parts and values and all(values):
        width = len(end_parts)
        if all(len(v) == width for v in values):
            sums = [sum((v[i].number for v in values), Decimal(0)) for i in range(width)]
            last = [c.number for c in values[-1]]
            ends = [c.number for c in end_parts]
            if ends == sums and ends != last:
                note.append(_("kondisi akhir = jumlah target tahunan: kumulatif"))
                return direction, Accumulation.SUM, "; ".join(note)
    written = " ".join([*targets.values(), end, unit])
    if "%" in written or "(" in written or unit.casefold() in {"nilai", "persen", "indeks"}:
        note.append(_("persentase/indeks: nilai terakhir"))
        return direction, Accumulation.LATEST, "; ".join(note)
    note.append(_("jumlah per tahun: tahunan"))
    return direction, Accumulation.ANNUAL, "; ".join(note)


def _walk(value: Any, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every transcribed row (a dict with `lines`) in a document, with the key it sits
    under, parents before children."""
    if isinstance(value, dict):
        if "lines" in value and kind not in {"caption", "columns"}:
            yield kind, value
        for key, child in value.items():
            if isinstance(child, list | dict) and key not in {"lines", "targets", "columns"}:
                yield from _walk(child, key)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, kind)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in row.items()
        if k not in {"lines", "seed_note"}
        and not (isinstance(v, list) and v and isinstance(v[0], dict))
    }


class _Builder:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.node_position = 0
        self.indicator_position: dict[str, int] = {}
        self.by_name: dict[str, Indicator] = {}
        self.counts: dict[str, int] = {}

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def indicator(
        self,
        *,
        node: Node | None,
        kind: str,
        source: str,
        row: dict[str, Any],
        number: str = "",
    ) -> Indicator:
        position = self.indicator_position.get(source, 0) + 1
        self.indicator_position[source] = position
        targets = {
            int(year): str(value)
            for year, value in (row.get("targets") or {}).items()
            if value is not None
        }
        unit = str(row.get("unit") or "")
        end = str(row.get("end") or "")
        direction, accumulation, note = guess_method(targets, end, unit)
        indicator = Indicator.objects.create(
            plan=self.plan,
            node=node,
            kind=kind,
            source=source,
            position=position,
            number=number,
            name=str(row["name"]),
            unit=unit,
            baseline=str(row.get("baseline") or ""),
            end=end,
            direction=direction,
            accumulation=accumulation,
            method_note=note,
            counterpart=None
            if kind == IndicatorKind.PLAN
            else self.by_name.get(name_key(row["name"])),
            seed_lines=_lines(row),
            seed_note=str(row.get("seed_note") or ""),
        )
        Target.objects.bulk_create(
            Target(indicator=indicator, year=year, written=value)
            for year, value in sorted(targets.items())
        )
        if kind == IndicatorKind.PLAN:
            self.by_name.setdefault(name_key(indicator.name), indicator)
        self.count(f"indikator {source}")
        return indicator

    def plan_rows(self, rows: list[dict[str, Any]]) -> None:
        latest: dict[str, Node] = {}
        for row in rows:
            self.node_position += 1
            level = Level(row["level"])
            parent_level = PARENT_LEVEL.get(level)
            parent = latest.get(parent_level) if parent_level else None
            pagu = row.get("pagu") or {}
            node = Node.objects.create(
                plan=self.plan,
                parent=parent,
                position=self.node_position,
                level=level,
                code=str(row.get("code") or ""),
                code_key=normalise_code(row.get("code"), level),
                name=str(row.get("name") or ""),
                tujuan=str(row.get("tujuan") or ""),
                sasaran=str(row.get("sasaran") or ""),
                responsible=str(row.get("responsible") or ""),
                location=str(row.get("location") or ""),
                pagu_end=rupiah(pagu.get("end")),
                pagu_end_written=str(pagu.get("end") or ""),
                seed_table="4.3.2",
                seed_lines=_lines(row),
                seed_note=str(row.get("seed_note") or ""),
            )
            latest[level] = node
            for lower in (Level.PROGRAM, Level.KEGIATAN, Level.SUBKEGIATAN):
                if PARENT_LEVEL.get(lower) == level:
                    latest.pop(lower, None)
            Budget.objects.bulk_create(
                Budget(node=node, year=int(year), amount=rupiah(value), written=str(value or ""))
                for year, value in pagu.items()
                if year != "end"
            )
            for ind in row.get("indicators") or []:
                self.indicator(node=node, kind=IndicatorKind.PLAN, source="4.3.2", row=ind)
            self.count(f"baris {level}")

    def statements(self, table: str, doc: dict[str, Any]) -> None:
        for position, (kind, row) in enumerate(_walk(doc, "dokumen"), start=1):
            text = next((_text(row[k]) for k in _TEXT_KEYS if row.get(k)), "")
            Statement.objects.create(
                plan=self.plan,
                table=table,
                position=position,
                kind=kind,
                number=str(row.get("number") or row.get("no") or ""),
                text=text,
                data=_flat(row),
                seed_lines=_lines(row),
                seed_note=str(row.get("seed_note") or ""),
            )
        self.count(f"tabel {table}")


def units_file() -> Path:
    return Path(settings.DATA_DIR) / "organisation" / "renstra-units.csv"


def _assign_units(plan: Plan) -> int:
    """Which unit reports on which programme or kegiatan (data/organisation/renstra-units.csv,
    each row with the seed lines of that unit's tasks); children inherit."""
    path = units_file()
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    units = {u.code: u for u in Unit.objects.all()}
    count = 0
    for row in rows:
        unit = units.get(row["unit"])
        if unit is None:
            continue
        count += plan.nodes.filter(code_key=normalise_code(row["code"])).update(unit=unit)
    return count


def _table_of(doc: dict[str, Any]) -> str:
    return str(doc.get("table") or "")


@transaction.atomic
def load_plan(*, actor: Any, directory: Path | None = None, note: str = "") -> LoadResult:
    """Load the transcribed plan in `directory` as the office's current Renstra."""
    require(actor, Cap.PLAN_MANAGE)
    directory = directory or default_dir()
    office = settings.OFFICE_NAME
    sha = digest(directory) if directory.is_dir() else ""
    unchanged = Plan.objects.filter(office=office, is_current=True, source_sha256=sha).first()
    if sha and unchanged is not None:
        return LoadResult(plan=unchanged, created=False)
    docs = _read(directory)
    start, end = _period(docs)
    current = (
        Plan.objects.select_for_update()
        .filter(office=office, period_start=start, is_current=True)
        .first()
    )
    t432 = [doc for name, doc in docs.items() if name.startswith("t432")]
    years = sorted(
        {
            int(y)
            for doc in t432
            for row in doc["rows"]
            for ind in row.get("indicators") or []
            for y in (ind.get("targets") or {})
        }
    )
    vision = docs.get("visi-misi", {}).get("vision", {})
    revision = 0
    if current is not None:
        revision = current.revision + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    plan = Plan.objects.create(
        office=office,
        period_start=start,
        period_end=end,
        last_target_year=max(years) if years else end,
        revision=revision,
        title=_("Renstra %(office)s %(start)s–%(end)s")
        % {"office": office, "start": start, "end": end},
        vision=_text(vision),
        source=str(directory),
        source_sha256=sha,
        is_current=True,
        supersedes=current,
        note=note,
    )
    builder = _Builder(plan)
    for doc in t432:
        builder.plan_rows(doc["rows"])
    if "t41-iku" in docs:
        iku = docs["t41-iku"]
        for key, source in (("section_4_5", "4.1 (4.5)"), ("bab4", "4.1 (BAB IV)")):
            for row in iku.get(key, {}).get("rows", []):
                builder.indicator(
                    node=None,
                    kind=IndicatorKind.IKU,
                    source=source,
                    row=row,
                    number=str(row.get("number") or ""),
                )
    if "t46-ikk" in docs:
        for row in docs["t46-ikk"]["rows"]:
            builder.indicator(
                node=None,
                kind=IndicatorKind.IKK,
                source="4.6",
                row=row,
                number=str(row.get("number") or ""),
            )
    if "t31-tujuan-sasaran" in docs:
        for row in docs["t31-tujuan-sasaran"]["rows"]:
            for ind in row.get("indicators") or []:
                builder.indicator(node=None, kind=IndicatorKind.GOAL, source="3.1", row=ind)
    for name, doc in docs.items():
        if name.startswith(STATEMENT_FILES):
            builder.statements(_table_of(doc) or name, doc)
    builder.counts["unit pelapor"] = _assign_units(plan)
    audit.record(
        actor=actor,
        action=Action.IMPORT,
        object_type="planning.plan",
        object_id=str(plan.pk),
        object_repr=str(plan),
        extra={"source": str(directory), "sha256": sha, "revision": revision, **builder.counts},
    )
    return LoadResult(plan=plan, created=True, counts=builder.counts)
