"""Turning a `Sheet` into what people open: cells for a page, an .xlsx laid out like the
official form (merged headers, rupiah formatting, frozen panes), a PDF, and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sejahtera.common.exports import safe_cell
from sejahtera.common.formatting import number
from sejahtera.planning.sheets import Head, Sheet

FILL = {
    "success": "C6EFCE",
    "primary": "BDD7EE",
    "info": "DDEBF7",
    "warning": "FFEB9C",
    "danger": "FFC7CE",
}


def display(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "rupiah" and isinstance(value, int):
        return number(value)
    if kind == "percent" and isinstance(value, Decimal):
        return number(value, 2)
    return str(value)


@dataclass(frozen=True)
class Cell:
    text: str
    css: str


def page_rows(sheet: Sheet) -> list[tuple[str, list[Cell]]]:
    out = []
    for row in sheet.rows:
        cells = []
        for i, (value, kind) in enumerate(zip(row.cells, sheet.kinds, strict=False)):
            css = "text-end text-nowrap" if kind in ("rupiah", "percent") else ""
            if i == sheet.code_col:
                css = "text-nowrap"
            elif kind == "text" and 0 < i < sheet.freeze_cols:
                css = "wide"
            colour = row.grade_colours.get(i)
            if colour:
                css += f" grade grade-{colour}"
            cells.append(Cell(display(value, kind), css.strip()))
        out.append((row.level, cells))
    return out


def _stamp(user: Any) -> str:
    who = user.get_username() if getattr(user, "is_authenticated", False) else "sistem"
    return f"{settings.OFFICE_NAME} · dibuat oleh {who} pada {timezone.localtime():%d-%m-%Y %H:%M}"


def to_xlsx(sheet: Sheet, *, user: Any = None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet.key.replace(".", "_")[:31]
    bold = Font(bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E2EFDA")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(row=1, column=1, value=safe_cell(sheet.title)).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=safe_cell(sheet.subtitle))
    ws.cell(row=3, column=1, value=safe_cell(_stamp(user))).font = Font(italic=True, size=8)
    top = 5
    for r, c0, head in header_grid(sheet):
        c = c0 + 1
        cell = ws.cell(row=top + r, column=c, value=safe_cell(head.text))
        cell.font = bold
        cell.alignment = centre
        cell.fill = head_fill
        for rr in range(head.rowspan):
            for cc in range(head.colspan):
                ws.cell(row=top + r + rr, column=c + cc).border = border
        if head.rowspan > 1 or head.colspan > 1:
            ws.merge_cells(
                start_row=top + r,
                start_column=c,
                end_row=top + r + head.rowspan - 1,
                end_column=c + head.colspan - 1,
            )
    first_data = top + len(sheet.header)
    for i, row in enumerate(sheet.rows):
        for j, (value, kind) in enumerate(zip(row.cells, sheet.kinds, strict=False)):
            data_cell = ws.cell(row=first_data + i, column=j + 1, value=safe_cell(value))
            data_cell.border = border
            data_cell.alignment = Alignment(vertical="top", wrap_text=kind == "text")
            if kind == "rupiah":
                data_cell.number_format = "#,##0"
            elif kind == "percent":
                data_cell.number_format = "0.00"
            colour = row.grade_colours.get(j)
            if colour in FILL:
                data_cell.fill = PatternFill("solid", fgColor=FILL[colour])
            if row.level in ("urusan", "sasaran", "program"):
                data_cell.font = bold
    for j, kind in enumerate(sheet.kinds):
        width = 16 if kind == "rupiah" else 10 if kind == "percent" else 14
        if j < sheet.freeze_cols:
            width = 40 if j else 14
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_cols + 1)}{first_data}"
    note_row = first_data + len(sheet.rows) + 1
    for k, note in enumerate(sheet.notes):
        ws.cell(row=note_row + k, column=1, value=safe_cell(note)).font = Font(size=8)
    ws.print_title_rows = f"{top}:{first_data - 1}"
    ws.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_widths(sheet: Sheet) -> list[str]:
    """Relative widths for the printed table: names wide, figures narrow."""
    weights = []
    for i, kind in enumerate(sheet.kinds):
        if i == sheet.code_col:
            weights.append(2.6)
        elif kind == "text" and 0 < i < sheet.freeze_cols:
            weights.append(3.2)
        elif kind == "rupiah":
            weights.append(2.0)
        elif kind == "percent":
            weights.append(1.1)
        else:
            weights.append(1.4)
    total = sum(weights)
    return [f"{w / total * 100:.2f}%" for w in weights]


def to_pdf(sheet: Sheet, *, user: Any = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "planning/sheet_pdf.html",
        {
            "sheet": sheet,
            "rows": page_rows(sheet),
            # Shown in a CSS string: no quotes or backslashes.
            "stamp": _stamp(user).replace('"', "'").replace("\\", "/"),
            "page_size": "A3 landscape" if sheet.width > 16 else "A4 landscape",
            "font_size": "5pt" if sheet.width > 24 else "6.5pt",
            "widths": column_widths(sheet),
        },
    )
    return bytes(HTML(string=html).write_pdf())


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8")


def header_grid(sheet: Sheet) -> list[tuple[int, int, Head]]:
    """Each header cell with its row and first column (0-based), rowspans accounted for."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, header_row in enumerate(sheet.header):
        c = 0
        for head in header_row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, head))
            for rr in range(head.rowspan):
                for cc in range(head.colspan):
                    taken.add((r + rr, c + cc))
            c += head.colspan
    return out


def sheet_csv(sheet: Sheet) -> bytes:
    """A sheet as CSV: the header rows flattened into one line of column names."""
    names = [""] * sheet.width
    for _r, c, head in header_grid(sheet):
        for k in range(head.colspan):
            if c + k < sheet.width:
                names[c + k] = f"{names[c + k]} {head.text}".strip()
    rows = [
        [v if isinstance(v, int | Decimal) else display(v, "text") for v in row.cells]
        for row in sheet.rows
    ]
    return to_csv(names, rows)
