"""Reading the rows of an uploaded list (CSV or XLSX) in constant memory, safely.

Every importer reads through these two generators, so the limits hold everywhere:

- `csv_rows(path)`: strict UTF-8 (a byte-order mark is allowed; UTF-16 and Windows-1252 are
  refused with what to do), the delimiter guessed from the first line (; , tab |), no line
  longer than `uploads.CSV_MAX_LINE` characters, no NUL. Cells are stripped strings.
- `xlsx_rows(source)`: the zip is checked first (`uploads.check_xlsx`), then openpyxl reads
  the first sheet read-only with cached values (formulas are never evaluated: a formula cell
  gives the value Excel saved, or nothing), from a file handle (openpyxl would refuse a
  path without an .xlsx extension). The sheet's declared size is ignored; a row wider than
  `XLSX_MAX_COLUMNS`, more than `XLSX_MAX_ROWS` rows, a cell over 32,767 characters or a NUL
  in a cell stops the reading. Values come as openpyxl gives them (str, int, float, datetime,
  None), rows as long as their last cell.

Both raise `ValidationError` with a message in Bahasa Indonesia naming the file and line."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sejahtera.common import uploads


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    return max(counts, key=lambda d: counts[d])


class _LineTooLong(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Nul(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _lines(handle: IO[str], limit: int) -> Iterator[str]:
    """The lines of a text file, none longer than `limit` characters, none with a NUL."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise _LineTooLong(number)
        if "\x00" in line:
            raise _Nul(number)
        yield line


def csv_rows(path: Path, *, name: str = "") -> Generator[list[str], None, None]:
    name = name or path.name
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise uploads.encoding_error(name, found=uploads.sniff(head).label)
    with path.open(encoding="utf-8-sig", errors="strict", newline="") as handle:
        reader: Any = None
        try:
            first = handle.readline(uploads.CSV_MAX_LINE + 1)
            handle.seek(0)
            reader = csv.reader(_lines(handle, uploads.CSV_MAX_LINE), delimiter=_delimiter(first))
            for row in reader:
                yield [c.strip() for c in row]
        except UnicodeDecodeError as exc:
            line = (reader.line_num + 1) if reader is not None else 1
            raise uploads.encoding_error(name, line=line) from exc
        except _LineTooLong as exc:
            raise uploads.line_error(name, exc.line) from exc
        except _Nul as exc:
            raise uploads.nul_error(name, exc.line) from exc
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = _("sel lebih dari %(n)s karakter") % {
                    "n": f"{csv.field_size_limit():,}".replace(",", ".")
                }
            raise ValidationError(
                _("Berkas CSV rusak di baris %(line)d: %(e)s")
                % {"line": reader.line_num if reader is not None else 1, "e": reason}
            ) from exc


def xlsx_rows(source: Path | IO[bytes], *, name: str = "") -> Generator[list[Any], None, None]:
    from openpyxl import load_workbook

    name = name or (source.name if isinstance(source, Path) else "") or "berkas"
    uploads.check_xlsx(source, name=name)
    handle = source.open("rb") if isinstance(source, Path) else source
    number = 0
    try:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # any part openpyxl cannot read
            raise ValidationError(
                _("Berkas %(name)s tidak dapat dibaca sebagai .xlsx; simpan ulang dari Excel.")
                % {"name": name}
            ) from exc
        try:
            if not workbook.worksheets:
                raise ValidationError(
                    _("Berkas %(name)s tidak berisi lembar kerja.") % {"name": name}
                )
            sheet: Any = workbook.worksheets[0]
            sheet.reset_dimensions()  # the declared size is the file's word, not a fact
            for values in sheet.iter_rows(values_only=True):
                number += 1
                if number > uploads.XLSX_MAX_ROWS:
                    raise ValidationError(
                        _("Berkas %(name)s lebih dari %(n)s baris.")
                        % {"name": name, "n": f"{uploads.XLSX_MAX_ROWS:,}".replace(",", ".")}
                    )
                if not values:  # a row the file leaves out (or an empty one)
                    yield []
                    continue
                if len(values) > uploads.XLSX_MAX_COLUMNS:
                    raise ValidationError(
                        _(
                            "Berkas %(name)s: baris %(line)s memakai lebih dari %(n)s kolom. "
                            "Hapus kolom kosong yang terisi format atau spasi di sebelah kanan."
                        )
                        % {"name": name, "line": number, "n": uploads.XLSX_MAX_COLUMNS}
                    )
                for value in values:
                    if type(value) is str and (
                        "\x00" in value or len(value) > uploads.XLSX_MAX_CELL
                    ):
                        if "\x00" in value:
                            raise uploads.nul_error(name, number)
                        raise ValidationError(
                            _("Berkas %(name)s: sel di baris %(line)s lebih dari %(n)s karakter.")
                            % {
                                "name": name,
                                "line": number,
                                "n": f"{uploads.XLSX_MAX_CELL:,}".replace(",", "."),
                            }
                        )
                yield list(values)
        except ValidationError:
            raise
        except Exception as exc:  # broken XML in a sheet (expat refuses entity expansion too)
            raise ValidationError(
                _(
                    "Berkas %(name)s rusak di baris %(line)s (isinya bukan XML yang sah); "
                    "simpan ulang dari Excel."
                )
                % {"name": name, "line": number + 1}
            ) from exc
        finally:
            workbook.close()
    finally:
        if isinstance(source, Path):
            handle.close()
