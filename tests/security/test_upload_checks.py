"""The upload checks of common/uploads.py and common/tables.py against the attack corpus,
without a page in between: every case is refused with a message that says what the file is
(or accepted only where its content is what is asked), a bomb is refused from the zip's
directory without being decompressed, and an oversized upload never reaches the disk
beyond the cap."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sejahtera.common import tables, uploads
from tests.security.upload_corpus import (
    BY_ID,
    CORPUS,
    FORMULAS,
    GIB,
    MB,
    Case,
    Table,
    crc32_combine,
)

TABLE = Table(
    header=["no_kk", "nama", "alamat"],
    rows=[
        ["3516010101010001", "Budi Santoso", "Jl. Mawar 1"],
        ["3516010101010002", "Siti Aminah", "Jl. Melati 2"],
    ],
    text_columns=(1, 2),
)

# What a documents page (PDF/JPEG/PNG) says about each case; None: accepted.
DOCUMENT = {
    "xlsx-bom": "Isinya: arsip ZIP",
    "zip-bom": "Isinya: arsip ZIP",
    "zip-tumpang": "Isinya: arsip ZIP",
    "xml-entitas": "Isinya: arsip ZIP",
    "xlsx-sel-jauh": "Isinya: arsip ZIP",
    "xlsx-baris-banjir": "Isinya: arsip ZIP",
    "csv-utf16": "Isinya: teks UTF-16",
    "csv-utf16-tanpa-bom": "Isinya: teks UTF-16",
    "csv-1252": "Isinya: teks",
    "acak": "Isinya: data biner",
    "besar-200mb": "terlalu besar (200,0 MB); paling besar 5 MB",
    "exe": "Isinya: program Windows",
    "html": "Isinya: halaman HTML",
    "svg": "Isinya: halaman HTML",
    "heic": "foto HEIC dari ponsel",
    "pdf-sbg-jpg": None,
    "png-sbg-pdf": None,
    "xlsm": "Isinya: arsip ZIP",
    "docx": "Isinya: arsip ZIP",
    "xls-lama": "Isinya: berkas Office lama",
    "rumus": "Isinya: teks",
    "rumus-xlsx": "Isinya: arsip ZIP",
    "kosong": "kosong",
    "judul-saja": "Isinya: teks",
    "sel-panjang": "Isinya: teks",
    "nul": "Isinya: teks",
}
# What a list import (CSV/XLSX) says; None: the file is readable, its rows are refused later.
LIST = {
    "xlsx-bom": "mengembang menjadi 2.048 MB bila dibuka",
    "zip-bom": "bukan buku kerja Excel .xlsx",
    "zip-tumpang": "mengembang menjadi 1.100 MB bila dibuka",
    "xml-entitas": "deklarasi DTD/entitas XML",
    "xlsx-sel-jauh": "lebih dari 500 kolom",
    "xlsx-baris-banjir": "lebih dari 1.048.576 baris",
    "csv-utf16": "berkode teks UTF-16",
    "csv-utf16-tanpa-bom": "berkode teks UTF-16",
    "csv-1252": "tidak berkode UTF-8 (baris 2)",
    "acak": "bukan CSV atau XLSX",
    "besar-200mb": "bukan CSV atau XLSX",
    "exe": "Isinya: program Windows",
    "html": "Isinya: halaman HTML",
    "svg": "Isinya: halaman HTML",
    "heic": "Isinya: foto HEIC",
    "pdf-sbg-jpg": "Isinya: dokumen PDF",
    "png-sbg-pdf": "Isinya: gambar PNG",
    "xlsm": "berisi makro (VBA)",
    "docx": "Isinya: dokumen Word",
    "xls-lama": "Isinya: berkas Office lama",
    "rumus": None,
    "rumus-xlsx": None,
    "kosong": "kosong",
    "judul-saja": None,
    "sel-panjang": "lebih dari",
    "nul": None,  # CSV: NUL; XLSX: not well-formed XML (see below)
}


def _read_list(path: Path) -> list[list[Any]]:
    kind = uploads.check_table_file(path, name=path.name)
    reader = tables.csv_rows(path) if kind == "csv" else tables.xlsx_rows(path)
    return list(reader)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_documents_check_refuses_the_corpus(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path, TABLE, "pdf")
    expected = DOCUMENT[case.id]
    if expected is None:
        kind = uploads.check_path(path, kinds=("pdf", "jpeg", "png"))
        assert uploads.truthful_name(path.name, kind).endswith({"pdf": ".pdf", "png": ".png"}[kind])
        return
    with pytest.raises(ValidationError) as refused:
        uploads.check_path(path, kinds=("pdf", "jpeg", "png"))
    message = " ".join(refused.value.messages)
    assert expected in message and path.name in message


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_list_check_refuses_the_corpus(case: Case, ext: str, tmp_path: Path) -> None:
    path = case.build(tmp_path, TABLE, ext)
    expected = LIST[case.id]
    if case.id == "nul":
        expected = "rusak di baris 1" if ext == "xlsx" else "karakter NUL (data biner) di baris"
    if case.id == "besar-200mb" and ext == "xlsx":
        expected = "arsip ZIP-nya rusak"
    if case.id == "sel-panjang":
        expected = "lebih dari 32.767 karakter" if ext == "xlsx" else "lebih dari 131.072 karakter"
    if expected is None:
        rows = _read_list(path)
        assert rows[0] == TABLE.header
        if case.id.startswith("rumus"):
            # Read as text or as the value Excel saved (none here): never evaluated.
            cells = [c for row in rows[1:] for c in row]
            assert all(c is None or isinstance(c, str) for c in cells[1:3])
            assert any(isinstance(c, str) and uploads.formula_like(c.strip()) for c in cells)
        return
    with pytest.raises(ValidationError) as refused:
        _read_list(path)
    assert expected in " ".join(refused.value.messages)


@pytest.mark.parametrize("case_id", ["xlsx-bom", "zip-tumpang"])
def test_a_bomb_is_refused_without_decompressing_it(case_id: str, tmp_path: Path) -> None:
    path = BY_ID[case_id].build(tmp_path, TABLE, "xlsx")
    with zipfile.ZipFile(path) as archive:
        declared = sum(i.file_size for i in archive.infolist())
    assert declared > GIB and path.stat().st_size < 3 * MB
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="mengembang"):
        uploads.check_table_file(path)
    seconds = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Opening the 2 GiB part would take seconds and gigabytes; the check reads the directory.
    assert seconds < 2.0, seconds
    assert peak < 4 * MB, peak


def test_the_bomb_is_real(tmp_path: Path) -> None:
    """What the check refuses would really grow: its sheet decompresses, and the CRC the
    corpus writes (crc32_combine) is zlib's."""
    path = BY_ID["xlsx-bom"].build(tmp_path, TABLE, "xlsx")
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        head = sheet.read(8 * MB)
    assert head.startswith(b"<worksheet") and head.endswith(b" " * 1024)
    a, b = b"Sejahtera " * 1000, b"Mojokerto" * 777
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_the_row_flood_stops_at_excels_limit(tmp_path: Path) -> None:
    path = BY_ID["xlsx-baris-banjir"].build(tmp_path, TABLE, "xlsx")
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"lebih dari 1\.048\.576 baris"):
        list(tables.xlsx_rows(path))
    assert time.perf_counter() - started < 30


def test_a_workbook_with_a_wrong_size_and_no_extension_is_read(tmp_path: Path) -> None:
    """A stored upload has no extension (openpyxl refuses such a path) and a sheet may
    declare a wrong size: the reader opens a handle and ignores the declared size."""
    path = BY_ID["rumus-xlsx"].build(tmp_path, TABLE, "xlsx")
    stored = tmp_path / "3f2a9c"
    stored.write_bytes(path.read_bytes())  # the same workbook, as an upload is stored
    rows = list(tables.xlsx_rows(stored))
    assert rows[0] == TABLE.header and len(rows) == 3


def test_windows_1252_is_refused_even_past_the_first_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "panjang.csv"
    good = "no_kk;nama;alamat\r\n" + "3516010101010001;Budi Santoso;Jl. Mawar 1\r\n" * 40_000
    path.write_bytes(good.encode() + "3516;José;Jl\r\n".encode("cp1252"))
    with pytest.raises(ValidationError, match="tidak berkode UTF-8 \\(baris 40002\\)"):
        uploads.check_table_file(path)
    with pytest.raises(ValidationError, match="tidak berkode UTF-8"):
        list(tables.csv_rows(path))


def test_utf8_with_bom_and_accents_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf8.csv"
    path.write_bytes("\ufeffno_kk,nama\r\n1,José Ñúñez\r\n".encode())
    assert uploads.check_table_file(path) == "csv"
    assert list(tables.csv_rows(path)) == [["no_kk", "nama"], ["1", "José Ñúñez"]]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_cells(text: str) -> None:
    assert uploads.formula_like(text)
    assert uploads.formula_like(text.strip())  # the importers strip cells first


@pytest.mark.parametrize("text", ["Budi", "-", "-8.18%", "+1,5", "", "Jl. A-1", "'=1+1"])
def test_plain_cells_are_not_formulas(text: str) -> None:
    assert not uploads.formula_like(text)


def test_a_file_is_renamed_to_what_it_is() -> None:
    upload = SimpleUploadedFile("laporan.html", b"%PDF-1.4 isi")
    assert uploads.check_upload(upload, kinds=("pdf", "png")) == "pdf"
    assert upload.name == "laporan.pdf"
    photo = SimpleUploadedFile("foto.JPEG", b"\xff\xd8\xff\xe0 foto")
    uploads.check_upload(photo, kinds=("jpeg",))
    assert photo.name == "foto.JPEG"


class _Request:
    def __init__(self, view_name: str) -> None:
        self.resolver_match = type("Match", (), {"view_name": view_name})()


@pytest.mark.parametrize(
    ("view_name", "cap"),
    [("services:apply", uploads.SMALL_UPLOAD_CAP), ("registry:import_start", 40 * MB)],
)
def test_the_upload_handler_keeps_at_most_the_cap(view_name: str, cap: int, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 40 * MB
    handler = uploads.CappedUploadHandler(_Request(view_name))
    handler.new_file("file", "besar.pdf", "application/pdf", 60 * MB)
    chunk = b"%PDF-" + b"\x00" * (64 * 1024 - 5)
    sent = 0
    while sent < 60 * MB:
        assert handler.receive_data_chunk(chunk, sent) is None
        sent += len(chunk)
    upload = handler.file_complete(sent)
    assert upload is not None
    try:
        on_disk = Path(upload.temporary_file_path()).stat().st_size
        assert on_disk <= cap < sent and upload.size == sent
        with pytest.raises(ValidationError, match="terlalu besar"):
            uploads.check_upload(upload, kinds=("pdf",), max_bytes=cap)
    finally:
        upload.close()


def test_sniff_tells_utf16_from_zeros() -> None:
    text = "nama;alamat\r\n".encode("utf-16-le")
    assert uploads.sniff(text).kind == "utf16"
    assert uploads.sniff(b"no_kk;nama\r\n" + b"\x00" * 4000).kind == "binary"
    assert uploads.sniff(b"\x00\x01\x02").kind == "binary"
    assert uploads.sniff(b"").kind == "empty"
