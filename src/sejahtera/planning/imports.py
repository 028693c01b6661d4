"""Quarterly realisation from an .xlsx laid out like the realisation form
(`realisation_template`): one row per code and indicator with the year, the quarter, the
indicator's value and, on a row's first indicator, the rupiah spent. Every row is checked
first; any error saves nothing and comes back with its row number."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import safe_cell
from sejahtera.common.tables import xlsx_rows
from sejahtera.common.uploads import formula_like, formula_reason, too_big_error
from sejahtera.planning import services
from sejahtera.planning.loader import name_key
from sejahtera.planning.models import Indicator, IndicatorKind, Node, Plan
from sejahtera.planning.selectors import PlanData
from sejahtera.planning.sheets import _each
from sejahtera.planning.values import normalise_code, read_number

COLUMNS = [
    ("year", _("Tahun")),
    ("quarter", _("Triwulan")),
    ("code", _("Kode")),
    ("name", _("Program/Kegiatan/Sub Kegiatan")),
    ("indicator", _("Indikator")),
    ("unit", _("Satuan")),
    ("target", _("Target tahun")),
    ("value", _("Realisasi kinerja triwulan")),
    ("pagu", _("Pagu tahun (Rp)")),
    ("amount", _("Realisasi anggaran triwulan (Rp)")),
    ("helped", _("Faktor pendorong")),
    ("hindered", _("Faktor penghambat")),
]
MAX_ROWS = 5000
MAX_BYTES = 20 * 1024 * 1024  # the form of a whole Renstra is well under 1 MB


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("Baris %(row)s, kolom %(col)s (“%(value)s”): %(reason)s") % {
            "row": self.row,
            "col": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class RealisationImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def realisation_template(data: PlanData, year: int, quarter: int) -> bytes:
    """The form to fill: every code and indicator of the plan, prefilled with the year, the
    quarter, the target and the pagu."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = f"Realisasi {year} TW{quarter}"
    ws.append([_("Formulir realisasi triwulan Renstra"), str(data.plan)])
    ws.append([_("Isi kolom realisasi; baris yang kosong dilewati. Jangan ubah kolom Kode.")])
    ws.append([])
    ws.append([label for _key, label in COLUMNS])
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2EFDA")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for node, indicators in data.rows():
        if not node.code:
            continue
        for i, ind in enumerate(_each(indicators)):
            ws.append(
                [
                    year,
                    quarter,
                    safe_cell(node.code),
                    safe_cell(node.name),
                    safe_cell(ind.name if ind else ""),
                    safe_cell(ind.unit if ind else ""),
                    safe_cell(data.target(ind, year) if ind else ""),
                    None,
                    data.pagu(node, year) if i == 0 else None,
                    None,
                    None,
                    None,
                ]
            )
    for letter, width in zip(
        "ABCDEFGHIJKL", (7, 8, 20, 40, 40, 10, 14, 14, 16, 16, 30, 30), strict=True
    ):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "E5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    number = read_number(_text(value))
    if number is None or number != int(number):
        return None
    return int(number)


@dataclass
class _Planned:
    row: int
    kind: str  # "indicator" | "spending"
    target: Indicator | Node
    year: int
    quarter: int
    value: Any
    helped: str
    hindered: str


def _read_rows(content: bytes, name: str = "") -> list[tuple[int, dict[str, Any]]]:
    """The filled rows under the header row, read through `common.tables.xlsx_rows` (the
    workbook's zip checked first, formulas never evaluated)."""
    if len(content) > MAX_BYTES:
        raise too_big_error(name or _("formulir"), len(content), MAX_BYTES)
    labels = {str(label).casefold(): key for key, label in COLUMNS}
    positions: dict[str, int] | None = None
    rows = []
    source = xlsx_rows(io.BytesIO(content), name=name or _("formulir realisasi"))
    for number, values in enumerate(source, start=1):
        if not values:  # an empty row (or one the file leaves out)
            continue
        if positions is None:
            found = {
                labels[_text(v).casefold()]: i
                for i, v in enumerate(values)
                if _text(v).casefold() in labels
            }
            if {"code", "year", "quarter"} <= found.keys():
                positions = found
            continue
        record = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(v is None or _text(v) == "" for v in record.values()):
            continue
        rows.append((number, record))
        if len(rows) > MAX_ROWS:
            source.close()
            raise ValidationError(_("Paling banyak %(n)s baris sekali impor.") % {"n": MAX_ROWS})
    if positions is None:
        raise ValidationError(
            _(
                "Baris judul kolom (Tahun, Triwulan, Kode, …) tidak ditemukan. Pakai formulir dari "
                "tombol “Unduh formulir”."
            )
        )
    return rows


def _plan_rows(
    actor: Any, plan: Plan, rows: list[tuple[int, dict[str, Any]]], today: dt.date | None
) -> tuple[list[_Planned], list[RowError]]:
    nodes = {n.code_key: n for n in plan.nodes.exclude(code="")}
    nodes.update({n.code: n for n in plan.nodes.exclude(code="")})
    indicators: dict[int, dict[str, Indicator]] = {}
    for ind in plan.indicators.filter(kind=IndicatorKind.PLAN):
        indicators.setdefault(ind.node_id or 0, {})[name_key(ind.name)] = ind
    labels = dict(COLUMNS)
    planned: list[_Planned] = []
    errors: list[RowError] = []

    def fail(row: int, key: str, value: Any, reason: str) -> None:
        errors.append(RowError(row, str(labels[key]), _text(value)[:60], reason))

    for number, record in rows:
        formulas = [k for k, v in record.items() if isinstance(v, str) and formula_like(v.strip())]
        for key in formulas:
            fail(number, key, record[key], formula_reason())
        if formulas:
            continue
        value_text = _text(record.get("value"))
        amount_raw = record.get("amount")
        if not value_text and _text(amount_raw) == "":
            continue
        year, quarter = _int(record.get("year")), _int(record.get("quarter"))
        code = _text(record.get("code"))
        node = nodes.get(code) or nodes.get(normalise_code(code))
        before = len(errors)
        if year is None or year not in plan.years:
            fail(
                number,
                "year",
                record.get("year"),
                _("tahun harus salah satu dari %(years)s")
                % {"years": f"{plan.years[0]}–{plan.years[-1]}"},
            )
        if quarter is None or quarter not in (1, 2, 3, 4):
            fail(number, "quarter", record.get("quarter"), _("triwulan harus 1, 2, 3 atau 4"))
        if node is None:
            fail(number, "code", code, _("kode tidak ada dalam Renstra"))
        indicator = None
        if node is not None and value_text:
            indicator = indicators.get(node.pk, {}).get(name_key(_text(record.get("indicator"))))
            if indicator is None:
                fail(
                    number,
                    "indicator",
                    record.get("indicator"),
                    _("indikator ini tidak ada pada kode %(code)s") % {"code": node.code},
                )
        if value_text:
            try:
                services.parse_realisation(value_text)
            except ValidationError:
                fail(number, "value", value_text, _("bukan angka"))
        amount = None
        if _text(amount_raw) != "":
            amount = _int(amount_raw)
            if amount is None or amount < 0:
                fail(
                    number,
                    "amount",
                    amount_raw,
                    _("bukan jumlah rupiah (bilangan bulat, tidak negatif)"),
                )
        if len(errors) > before:
            continue
        assert year is not None and quarter is not None and node is not None
        helped, hindered = _text(record.get("helped")), _text(record.get("hindered"))
        if indicator is not None:
            planned.append(
                _Planned(
                    number, "indicator", indicator, year, quarter, value_text, helped, hindered
                )
            )
        if amount is not None:
            planned.append(
                _Planned(number, "spending", node, year, quarter, amount, helped, hindered)
            )
    return planned, errors


def import_realisations(
    *, actor: Any, plan: Plan, content: bytes, today: dt.date | None = None, name: str = ""
) -> int:
    """Record every filled row of the form, or none of them. Returns how many were saved.
    Check an upload's size and kind with `common.uploads.check_upload(kinds=("xlsx",),
    max_bytes=MAX_BYTES)` before reading it into `content`."""
    require(actor, Cap.PLAN_REPORT)
    rows = _read_rows(content, name)
    planned, errors = _plan_rows(actor, plan, rows, today)
    if not errors and not planned:
        raise ValidationError(_("Tidak ada baris berisi realisasi dalam berkas ini."))
    saved = 0
    if not errors:
        try:
            with transaction.atomic():
                for item in planned:
                    try:
                        if isinstance(item.target, Indicator):
                            services.record_indicator_realisation(
                                actor=actor,
                                indicator=item.target,
                                year=item.year,
                                quarter=item.quarter,
                                written=item.value,
                                helped=item.helped,
                                hindered=item.hindered,
                                today=today,
                            )
                        else:
                            services.record_spending(
                                actor=actor,
                                node=item.target,
                                year=item.year,
                                quarter=item.quarter,
                                amount=item.value,
                                helped=item.helped,
                                hindered=item.hindered,
                                today=today,
                            )
                        saved += 1
                    except (ValidationError, PermissionDenied) as exc:
                        reason = (
                            "; ".join(exc.messages)
                            if isinstance(exc, ValidationError)
                            else str(exc)
                        )
                        errors.append(
                            RowError(
                                item.row, _("Kode"), getattr(item.target, "code", "") or "", reason
                            )
                        )
                if errors:
                    raise RealisationImportFailed(errors)
                audit.record(
                    actor=actor,
                    action=Action.IMPORT,
                    object_type="planning.realisation",
                    object_repr=_("Impor realisasi: %(n)s isian") % {"n": saved},
                    extra={"rows": saved},
                )
        except RealisationImportFailed:
            raise
    if errors:
        raise RealisationImportFailed(errors)
    return saved
