"""Writing lists to .xlsx. Every export goes through `xlsx_response`, which neutralises cell
values that a spreadsheet would run as formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A signed number or a lone dash ("-8.18%", "-", "+1,5") cannot run as a formula.
_PLAIN_NUMBER = re.compile(r"^[-+]?[\d.,]*%?$")


def safe_cell(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe so it stays text."""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
            return "'" + value
        return value
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime) or value is None:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str, note: str = ""
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Data")
    sheet.freeze_panes = "A3" if note else "A2"
    if note:
        sheet.append([safe_cell(note)])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
