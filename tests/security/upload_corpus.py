"""An upload attack corpus, generated at test time (nothing binary is committed).

Each `Case` builds one hostile file in a directory, named as the page under attack expects
(`ext`: "pdf", "jpg", "csv" or "xlsx"), from a `Table` that is valid for that page, so that
the only thing wrong with the file is the attack:

- zip bombs: a valid .xlsx whose sheet part declares 2 GiB (ratio ~1,000), a plain zip of
  2 GiB, and an .xlsx whose 1,100 directory entries share one stored megabyte (1.1 GiB declared,
  ratio 1 per part: only the total gives it away). The deflate data is built from one
  compressed megabyte repeated (a full flush makes every repeat byte-identical) and the CRC
  by `crc32_combine`, so a 2 GiB part costs milliseconds and 2 MB of disk;
- an XML entity bomb (billion laughs) inside a sheet, a cell at column XFD, a row at
  1,048,577; an .xlsm (macros) and a Word document and an old .xls named .xlsx;
- CSV in the wrong encoding (UTF-16 with and without BOM, Windows-1252 with accented names),
  random bytes named .csv, a 200 MB file (sparse: it costs no disk) that begins like the
  real thing;
- files whose name lies: a Windows program, an HTML page, an SVG with a script, a HEIC photo,
  a PDF named .jpg, a PNG named .pdf;
- formula injection (`=cmd|' /C calc'!A0`, `+SUM(1)`, `@foo`, `-2+3`, tab- and CR-prefixed)
  in the text columns of a CSV and of an .xlsx (as text cells and as real formula cells);
- an empty file, a header without rows, an overlong line/cell, NUL bytes.

`MultipartStream` sends a file through the test client without reading it into memory."""

from __future__ import annotations

import codecs
import csv
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

MB = 1024 * 1024
GIB = 1024 * MB

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 45 + b"\x80"
    b"\x00\x00\x00\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!"
    b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
)
HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Laporan</title></head>"
    b"<body><script>fetch('/akun/').then(r=>r.text()).then(alert)</script></body></html>\n"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
    b"<script>alert(1)</script></svg>"
)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 256
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
FORMULAS = (
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "@foo",
    "-2+3",
    "\t=1+1",
    '\r=HYPERLINK("http://contoh.invalid","klik")',
)
ACCENTED = ("José Ñúñez", "Anaïs Hernández", "Siti Zoë Maïmun")


@dataclass(frozen=True)
class Table:
    """What the attacked page accepts: a header, good rows, and the columns a person types
    words into (where the formulas go)."""

    header: list[str]
    rows: list[list[Any]]
    text_columns: tuple[int, ...]


@dataclass(frozen=True)
class Case:
    id: str
    what: str  # one line, for docs/SECURITY.md
    build: Callable[[Path, Table, str], Path]


# --- Zip, by hand ---------------------------------------------------------------------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from the CRCs of A and B and the length of B (zlib's algorithm)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeated(block_crc: int, block_len: int, times: int) -> int:
    crc, base_crc, base_len = 0, block_crc, block_len
    while times:
        if times & 1:
            crc = crc32_combine(crc, base_crc, base_len)
        base_crc = crc32_combine(base_crc, base_crc, base_len)
        base_len *= 2
        times >>= 1
    return crc


@dataclass
class _Part:
    name: str
    data: bytes  # as stored (deflated or not)
    crc: int
    size: int  # uncompressed
    method: int = zipfile.ZIP_DEFLATED
    share_with: str | None = None  # point at another part's data (overlapping entries)


def _deflated(name: str, content: bytes) -> _Part:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _Part(name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content))


def _write_zip(path: Path, parts: Iterable[_Part]) -> Path:
    offsets: dict[str, int] = {}
    directory = b""
    count = 0
    with path.open("wb") as out:
        for part in parts:
            encoded = part.name.encode()
            if part.share_with is None:
                offsets[part.name] = out.tell()
                out.write(
                    struct.pack(
                        "<4s5H3L2H",
                        b"PK\x03\x04",
                        20,
                        0,
                        part.method,
                        0,
                        0x21,
                        part.crc,
                        len(part.data),
                        part.size,
                        len(encoded),
                        0,
                    )
                    + encoded
                    + part.data
                )
            offset = offsets[part.share_with or part.name]
            directory += (
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    part.method,
                    0,
                    0x21,
                    part.crc,
                    len(part.data),
                    part.size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
            count += 1
        start = out.tell()
        out.write(directory)
        out.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
        )
    return path


def _space_run(prefix: bytes, megabytes: int, suffix: bytes) -> tuple[bytes, int, int]:
    """Deflate data, CRC and size of prefix + megabytes × 1 MiB of spaces + suffix."""
    block = b" " * MB
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = first.compress(prefix) + first.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = last.compress(suffix) + last.flush()
    crc = zlib.crc32(prefix)
    crc = crc32_combine(crc, _crc_repeated(zlib.crc32(block), MB, megabytes), megabytes * MB)
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    return head + repeat * megabytes + tail, crc, len(prefix) + megabytes * MB + len(suffix)


# --- Workbooks ------------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
_MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


REAL_FORMULAS = ("=cmd|' /C calc'!A0", "=SUM(1)", '=HYPERLINK("http://contoh.invalid","klik")')


def xlsx_bytes(table: Table, *, formulas: bool = False) -> bytes:
    """The table as an .xlsx; with `formulas`, the text columns hold formula-like text
    (odd rows) and real formula cells without a saved value (even rows)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(row)
    if formulas:
        for number, column in enumerate(table.text_columns):
            for row_index in range(2, len(table.rows) + 2):
                cell = sheet.cell(row=row_index, column=column + 1)
                if row_index % 2 == 0:
                    cell.value = REAL_FORMULAS[(row_index + number) % len(REAL_FORMULAS)]
                else:
                    cell.value = FORMULAS[(row_index + number) % len(FORMULAS)]
                    cell.data_type = "s"  # text that looks like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parts(table: Table) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(table))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _inline(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def _letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet(rows: list[str]) -> bytes:
    return _MAIN + b"<sheetData>" + "".join(rows).encode() + b"</sheetData></worksheet>"


def _header_row(table: Table, extra: str = "") -> str:
    cells = "".join(_inline(f"{_letters(i)}1", str(h)) for i, h in enumerate(table.header))
    return f'<row r="1">{cells}{extra}</row>'


def _name(directory: Path, stem: str, ext: str) -> Path:
    return directory / f"{stem}.{ext}"


# --- The cases ------------------------------------------------------------------------------


def xlsx_bomb(directory: Path, table: Table, ext: str, megabytes: int = 2048) -> Path:
    parts = _parts(table)
    data, crc, size = _space_run(
        _MAIN + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
        megabytes,
        b"x</t></is></c></row></sheetData></worksheet>",
    )
    entries = [
        _Part(SHEET, data, crc, size) if name == SHEET else _deflated(name, content)
        for name, content in parts.items()
    ]
    return _write_zip(_name(directory, "bom-xlsx", ext), entries)


def zip_bomb(directory: Path, table: Table, ext: str) -> Path:
    data, crc, size = _space_run(b"", 2048, b"")
    return _write_zip(_name(directory, "bom-zip", ext), [_Part("data.txt", data, crc, size)])


def overlap_bomb(directory: Path, table: Table, ext: str) -> Path:
    block = b"\x00" * MB
    entries = [_deflated(name, content) for name, content in _parts(table).items()]
    shared = _Part("xl/media/blok0000.bin", block, zlib.crc32(block), MB, method=zipfile.ZIP_STORED)
    entries.append(shared)
    entries += [
        _Part(
            f"xl/media/blok{n:04d}.bin",
            block,
            shared.crc,
            MB,
            method=zipfile.ZIP_STORED,
            share_with=shared.name,
        )
        for n in range(1, 1100)
    ]
    # Only the first copy is written; the others point at it.
    return _write_zip(_name(directory, "bom-tumpang", ext), entries)


def entity_bomb(directory: Path, table: Table, ext: str) -> Path:
    parts = _parts(table)
    entities = '<!ENTITY a0 "tawa">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    parts[SHEET] = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode() + _sheet(
        [f'<row r="1">{_inline("A1", "")}</row>']
    ).replace(b"<t></t>", b"<t>&a9;</t>")
    return _zip_parts(_name(directory, "entitas", ext), parts)


def far_cell(directory: Path, table: Table, ext: str) -> Path:
    parts = _parts(table)
    parts[SHEET] = _sheet([_header_row(table, _inline("XFD1", "x"))])
    return _zip_parts(_name(directory, "sel-jauh", ext), parts)


def row_flood(directory: Path, table: Table, ext: str) -> Path:
    parts = _parts(table)
    parts[SHEET] = _sheet(
        [_header_row(table), f'<row r="1048577">{_inline("A1048577", "x")}</row>']
    )
    return _zip_parts(_name(directory, "baris-banjir", ext), parts)


def macro_workbook(directory: Path, table: Table, ext: str) -> Path:
    parts = _parts(table)
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        .replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            b"</Types>",
        )
    )
    parts["xl/vbaProject.bin"] = OLE + b'Sub Workbook_Open()\r\nShell "calc.exe"\r\nEnd Sub'
    return _zip_parts(_name(directory, "makro", ext), parts)


def word_document(directory: Path, table: Table, ext: str) -> Path:
    return _zip_parts(
        _name(directory, "dokumen", ext),
        {
            "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/content-types"></Types>',
            "word/document.xml": b"<document/>",
        },
    )


def _csv(table: Table, rows: list[list[Any]] | None = None, delimiter: str = ";") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(table.rows if rows is None else rows)
    return buffer.getvalue()


def _accented(table: Table) -> list[list[Any]]:
    rows = [list(r) for r in table.rows]
    for index, row in enumerate(rows):
        for column in table.text_columns[:1]:
            row[column] = ACCENTED[index % len(ACCENTED)]
    return rows


def utf16(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "unicode-text", ext)
    path.write_bytes(codecs.BOM_UTF16_LE + _csv(table, _accented(table), "\t").encode("utf-16-le"))
    return path


def utf16_no_bom(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "utf16-tanpa-bom", ext)
    path.write_bytes(_csv(table, _accented(table)).encode("utf-16-le"))
    return path


def windows_1252(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "ansi", ext)
    path.write_bytes(_csv(table, _accented(table)).encode("cp1252"))
    return path


def random_bytes(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "acak", ext)
    path.write_bytes(random.Random(20260101).randbytes(64 * 1024))
    return path


BIG_HEADS = {"pdf": PDF, "jpg": JPEG, "png": PNG, "xlsx": b"PK\x03\x04"}


def big_file(directory: Path, table: Table, ext: str, size: int = 200 * MB) -> Path:
    """200 MB that begin like the real thing; the rest is a hole in the file (no disk)."""
    path = _name(directory, "besar", ext)
    head = BIG_HEADS.get(ext) or _csv(table).encode()
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


def _fixed(name: str, content: bytes) -> Callable[[Path, Table, str], Path]:
    """A file with this content, named `name` + the page's extension (the name lies)."""

    def build(directory: Path, table: Table, ext: str) -> Path:
        path = _name(directory, name, ext)
        path.write_bytes(content)
        return path

    return build


def _named(file_name: str, content: bytes) -> Callable[[Path, Table, str], Path]:
    """A file with this exact name, whatever the page expects."""

    def build(directory: Path, table: Table, ext: str) -> Path:
        path = directory / file_name
        path.write_bytes(content)
        return path

    return build


def formula_rows(table: Table) -> list[list[Any]]:
    rows = [list(r) for r in table.rows]
    for index, row in enumerate(rows):
        for number, column in enumerate(table.text_columns):
            row[column] = FORMULAS[(index + number) % len(FORMULAS)]
    return rows


def formula_csv(directory: Path, table: Table, ext: str) -> Path:
    if ext == "xlsx":
        return formula_xlsx(directory, table, ext)
    path = _name(directory, "rumus", ext)
    path.write_text(_csv(table, formula_rows(table)), encoding="utf-8")
    return path


def formula_xlsx(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "rumus-xlsx", ext)
    path.write_bytes(xlsx_bytes(table, formulas=True))
    return path


def header_only(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "judul-saja", ext)
    if ext == "xlsx":
        path.write_bytes(xlsx_bytes(Table(table.header, [], ())))
    else:
        path.write_text(_csv(table, []), encoding="utf-8")
    return path


def long_cell(directory: Path, table: Table, ext: str) -> Path:
    rows = [list(r) for r in table.rows]
    column = table.text_columns[0]
    path = _name(directory, "sel-panjang", ext)
    if ext == "xlsx":
        parts = _parts(table)
        cells = "".join(
            _inline(f"{_letters(i)}2", "x" * 40_000 if i == column else str(v))
            for i, v in enumerate(rows[0])
        )
        parts[SHEET] = _sheet([_header_row(table), f'<row r="2">{cells}</row>'])
        return _zip_parts(path, parts)
    rows[0][column] = "x" * 300_000
    path.write_text(_csv(table, rows), encoding="utf-8")
    return path


def nul_bytes(directory: Path, table: Table, ext: str) -> Path:
    path = _name(directory, "nul", ext)
    if ext == "xlsx":
        parts = _parts(table)
        sheet = parts[SHEET]
        marker = b"</t></is></c></row>"
        parts[SHEET] = sheet.replace(marker, b"\x00" + marker, 1)
        return _zip_parts(path, parts)
    # Past the first 4 KB, where a look at the head would not see them.
    rows = [list(r) for r in table.rows]
    text = _csv(table, rows)
    padding = "\r\n".join(";".join(str(v) for v in rows[0]) for _ in range(1, 200))
    nul = text + padding + "\r\n" + ";".join(str(v) for v in rows[0]).replace("a", "a\x00", 1)
    path.write_text(nul + "\r\n", encoding="utf-8")
    return path


CORPUS: tuple[Case, ...] = (
    Case("xlsx-bom", ".xlsx yang sah dengan lembar 2 GiB (rasio ±1.000×)", xlsx_bomb),
    Case("zip-bom", "arsip ZIP 2 GiB (rasio ±1.000×)", zip_bomb),
    Case("zip-tumpang", ".xlsx dengan 1.100 bagian yang berbagi 1 MB (1,1 GiB)", overlap_bomb),
    Case("xml-entitas", "bom entitas XML (billion laughs) di lembar .xlsx", entity_bomb),
    Case("xlsx-sel-jauh", ".xlsx dengan sel di kolom XFD", far_cell),
    Case("xlsx-baris-banjir", ".xlsx dengan baris ke-1.048.577", row_flood),
    Case("csv-utf16", "CSV UTF-16 dengan BOM (“Unicode Text” Excel)", utf16),
    Case("csv-utf16-tanpa-bom", "CSV UTF-16 tanpa BOM", utf16_no_bom),
    Case("csv-1252", "CSV Windows-1252 dengan nama beraksen", windows_1252),
    Case("acak", "64 KB data acak bernama .csv/.pdf/…", random_bytes),
    Case("besar-200mb", "200 MB yang diawali tanda berkas yang benar", big_file),
    Case(
        "exe", "program Windows (.exe) bernama seperti berkas yang diminta", _fixed("program", EXE)
    ),
    Case(
        "html",
        "halaman HTML dengan skrip bernama seperti berkas yang diminta",
        _fixed("halaman", HTML),
    ),
    Case("svg", "SVG dengan skrip bernama seperti berkas yang diminta", _fixed("gambar", SVG)),
    Case("heic", "foto HEIC ponsel bernama .jpg", _named("foto.jpg", HEIC)),
    Case("pdf-sbg-jpg", "PDF bernama .jpg", _named("pindaian.jpg", PDF)),
    Case("png-sbg-pdf", "PNG bernama .pdf", _named("ktp.pdf", PNG)),
    Case("xlsm", "buku kerja dengan makro VBA bernama .xlsx", macro_workbook),
    Case("docx", "dokumen Word bernama .xlsx", word_document),
    Case("xls-lama", "berkas Office lama/berkata sandi (OLE2) bernama .xlsx", _fixed("lama", OLE)),
    Case(
        "rumus", "sel berisi rumus (=cmd|…, +SUM(1), @foo, -2+3, tab/CR) di kolom teks", formula_csv
    ),
    Case("rumus-xlsx", "rumus sebagai teks dan sebagai sel rumus di .xlsx", formula_xlsx),
    Case("kosong", "berkas kosong (0 byte)", _fixed("kosong", b"")),
    Case("judul-saja", "hanya baris judul kolom", header_only),
    Case("sel-panjang", "sel 300.000 karakter (CSV) / 40.000 karakter (.xlsx)", long_cell),
    Case("nul", "byte NUL setelah 4 KB pertama", nul_bytes),
)
BY_ID = {case.id: case for case in CORPUS}


# --- Sending without reading into memory ------------------------------------------------------


class MultipartStream:
    """A multipart/form-data body read piece by piece: form fields as bytes, files straight
    from disk (a 200 MB sparse file is never in memory)."""

    BOUNDARY = "----SejahteraKorpusUnggah7MA4YWxkTrZu0gW"

    def __init__(self, fields: dict[str, Any], files: dict[str, list[Path]]) -> None:
        dash = f"--{self.BOUNDARY}\r\n".encode()
        self.pieces: list[bytes | Path] = []
        for name, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                self.pieces.append(
                    dash
                    + f'Content-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
                )
        for name, paths in files.items():
            for path in paths:
                self.pieces.append(
                    dash
                    + (
                        f'Content-Disposition: form-data; name="{name}"; '
                        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                    ).encode()
                )
                self.pieces.append(path)
                self.pieces.append(b"\r\n")
        self.pieces.append(f"--{self.BOUNDARY}--\r\n".encode())
        self.length = sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in self.pieces)
        self._index = 0
        self._offset = 0
        self._handle: Any = None

    def readline(self, size: int = -1) -> bytes:
        """Not used by the multipart parser; here because a WSGI input must have it."""
        line = bytearray()
        while size < 0 or len(line) < size:
            byte = self.read(1)
            if not byte:
                break
            line += byte
            if byte == b"\n":
                break
        return bytes(line)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.BOUNDARY}"

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while self._index < len(self.pieces) and (size < 0 or len(out) < size):
            piece = self.pieces[self._index]
            want = -1 if size < 0 else size - len(out)
            if isinstance(piece, Path):
                if self._handle is None:
                    self._handle = piece.open("rb")
                chunk = self._handle.read(want if want >= 0 else -1)
                if not chunk:
                    self._handle.close()
                    self._handle = None
                    self._index += 1
                    continue
                out += chunk
            else:
                end = len(piece) if want < 0 else min(len(piece), self._offset + want)
                out += piece[self._offset : end]
                self._offset = end
                if self._offset >= len(piece):
                    self._index += 1
                    self._offset = 0
        return bytes(out)


def post_streaming(
    client: Any, url: str, fields: dict[str, Any], files: dict[str, list[Path]]
) -> Any:
    """POST a multipart form through the test client, streaming the files from disk."""
    body = MultipartStream(fields, files)
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE=body.content_type,
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )
