"""Checking uploaded files by their content, not their name, before anything is kept.

Every page and command that takes a file goes through here:

- `check_upload(upload, kinds=("pdf", "jpeg", "png"))`: a document or a photo. The size is
  checked before a byte is read, the kind from the first bytes (`sniff`); the upload is then
  renamed to the extension of what it really is, so a PDF sent as `ktp.html` is kept as
  `ktp.pdf` and never served as a page. `kinds=("xlsx",)` also checks the workbook's zip.
- `check_path(path, kinds=..., max_bytes=...)`: the same for a file a command reads.
- `store_table_upload(chunks, path=..., name=..., max_bytes=...)` and `check_table_file`: a
  list to import (CSV or XLSX). An XLSX's zip is checked before a spreadsheet library opens it
  (`check_xlsx`: declared sizes, compression ratio, macros, DTDs); a CSV is read through once
  as strict UTF-8 with no NUL byte and no overlong line. `common/tables.py` reads the rows.
- `formula_like(text)`: a cell a spreadsheet would run as a formula (the exports' rule);
  every importer refuses such cells, row by row, and stores none of them.

`CappedUploadHandler` (settings.FILE_UPLOAD_HANDLERS) writes at most `upload_cap()` bytes of
an uploaded file to disk (20 MB, or the import limit on the two list-import pages) and counts
the rest, so an oversized upload is refused by its real size while neither memory nor disk
ever holds more than the cap.

Every refusal is a `ValidationError` with a message in Bahasa Indonesia that names the file
and says what to do."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 5 * 1024 * 1024
MB = 1024 * 1024

# An .xlsx is a zip of XML parts. A workbook written by Excel, LibreOffice or openpyxl has a
# few dozen parts that compress 5–20 times; a zip bomb declares gigabytes in a few kilobytes.
XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_UNCOMPRESSED = 1024 * MB  # all parts together, as the zip declares them
XLSX_MAX_SHARED_STRINGS = 128 * MB  # read whole into memory by openpyxl
XLSX_MAX_RATIO = 100  # uncompressed ÷ compressed, for a part larger than XLSX_RATIO_FROM
XLSX_RATIO_FROM = 1 * MB
# Excel's own limits: a sheet has at most 1,048,576 rows and a cell 32,767 characters. No list
# the office imports comes near XLSX_MAX_COLUMNS columns.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 500
XLSX_MAX_CELL = 32_767
# A CSV line longer than this is not a row of a list (the csv module refuses a longer field).
CSV_MAX_LINE = 131_072

_EXTENSIONS = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "xlsx": (".xlsx",),
    "csv": (".csv", ".txt"),
}
_KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "xlsx": "XLSX", "csv": "CSV"}


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say it is: a kind and the same in words."""

    kind: str
    label: Any  # lazy translation


# Signatures at the start of a file, longest first where one is the prefix of another.
_MAGIC: tuple[tuple[bytes, str, Any], ...] = (
    (b"%PDF-", "pdf", gettext_lazy("dokumen PDF")),
    (b"\xff\xd8\xff", "jpeg", gettext_lazy("gambar JPEG")),
    (b"\x89PNG\r\n\x1a\n", "png", gettext_lazy("gambar PNG")),
    (b"GIF87a", "gif", gettext_lazy("gambar GIF")),
    (b"GIF89a", "gif", gettext_lazy("gambar GIF")),
    (b"BM", "bmp", gettext_lazy("gambar BMP")),
    (b"PK\x03\x04", "zip", gettext_lazy("arsip ZIP")),
    (b"PK\x05\x06", "zip", gettext_lazy("arsip ZIP kosong")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "ole",
        gettext_lazy("berkas Office lama (.xls/.doc) atau berkas Office berkata sandi"),
    ),
    (b"MZ", "exe", gettext_lazy("program Windows (.exe/.dll)")),
    (b"\x7fELF", "exe", gettext_lazy("program Linux")),
    (b"\x1f\x8b", "archive", gettext_lazy("arsip GZIP")),
    (b"Rar!\x1a\x07", "archive", gettext_lazy("arsip RAR")),
    (b"7z\xbc\xaf\x27\x1c", "archive", gettext_lazy("arsip 7-Zip")),
    (b"{\\rtf", "rtf", gettext_lazy("dokumen RTF")),
    (b"\x00\x00\xfe\xff", "utf32", gettext_lazy("teks UTF-32")),
    (b"\xff\xfe\x00\x00", "utf32", gettext_lazy("teks UTF-32")),
    (b"\xff\xfe", "utf16", gettext_lazy("teks UTF-16 (“Unicode Text”)")),
    (b"\xfe\xff", "utf16", gettext_lazy("teks UTF-16 (“Unicode Text”)")),
)
_MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<?xml",
    b"<!--",
)
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def sniff(head: bytes) -> Sniffed:
    """The kind of a file from its first bytes (64 are enough; 4096 find more text)."""
    if not head:
        return Sniffed("empty", gettext_lazy("berkas kosong"))
    for signature, kind, label in _MAGIC:
        if head.startswith(signature):
            return Sniffed(kind, label)
    if head[4:8] == b"ftyp":
        if head[8:12] in _HEIC_BRANDS:
            return Sniffed("heic", gettext_lazy("foto HEIC/AVIF (kamera ponsel)"))
        return Sniffed("media", gettext_lazy("berkas video/audio"))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("webp", gettext_lazy("gambar WEBP"))
    text = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if text.startswith(_MARKUP):
        return Sniffed("markup", gettext_lazy("halaman HTML/XML"))
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: of plain text, every other byte is a NUL and the
        # bytes between are not.
        pairs = head[: len(head) // 2 * 2]
        half = len(pairs) // 2
        for zeros, others in ((pairs[1::2], pairs[0::2]), (pairs[0::2], pairs[1::2])):
            if half >= 8 and zeros.count(0) > half * 0.6 and others.count(0) < half * 0.2:
                return Sniffed("utf16", gettext_lazy("teks UTF-16 (“Unicode Text”)"))
        return Sniffed("binary", gettext_lazy("data biner"))
    if any(byte < 0x20 and byte not in b"\t\n\r\x0c" for byte in head) or b"\x7f" in head:
        return Sniffed("binary", gettext_lazy("data biner"))
    return Sniffed("text", gettext_lazy("teks"))


def _mb(size: float) -> str:
    return f"{size / MB:,.1f}".replace(",", "·").replace(".", ",").replace("·", ".")


def too_big_error(name: str, size: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("Berkas %(name)s terlalu besar (%(size)s MB); paling besar %(max)s MB.")
        % {"name": name, "size": _mb(size), "max": _mb(max_bytes).removesuffix(",0")}
    )


def _not_kind(name: str, kinds: Iterable[str], found: Sniffed) -> ValidationError:
    wanted = "/".join(_KIND_NAMES.get(k, k.upper()) for k in kinds)
    message = _("Berkas %(name)s bukan %(kinds)s (diperiksa dari isinya, bukan namanya).") % {
        "name": name,
        "kinds": wanted,
    }
    if found.kind == "empty":
        return ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
    if found.kind == "heic":
        message += " " + _("Isinya foto HEIC dari ponsel: simpan atau kirim sebagai JPEG.")
    else:
        message += " " + _("Isinya: %(found)s.") % {"found": found.label}
    return ValidationError(message)


def truthful_name(name: str, kind: str) -> str:
    """`name` with the extension of `kind` (kept when it already is one of its own)."""
    path = Path(name or "berkas")
    extensions = _EXTENSIONS.get(kind)
    if not extensions or path.suffix.lower() in extensions:
        return path.name
    return f"{path.stem or 'berkas'}{extensions[0]}"


def _check_head(name: str, head: bytes, kinds: tuple[str, ...], source: IO[bytes] | Path) -> str:
    found = sniff(head)
    kind = {"zip": "xlsx", "text": "csv"}.get(found.kind, found.kind)
    if kind not in kinds:
        raise _not_kind(name, kinds, found)
    if kind == "xlsx":
        check_xlsx(source, name=name)
    return kind


def check_upload(
    upload: UploadedFile, *, kinds: tuple[str, ...], max_bytes: int = MAX_BYTES
) -> str:
    """Return the detected kind, or raise a ValidationError naming what is allowed. The
    size is checked before anything is read; the upload is renamed to its true extension."""
    name = upload.name or "berkas"
    if upload.size is not None and upload.size > max_bytes:
        raise too_big_error(name, upload.size, max_bytes)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind = _check_head(name, head, kinds, upload.file if upload.file is not None else upload)
    upload.seek(0)
    upload.name = truthful_name(name, kind)
    return kind


def check_path(path: Path, *, kinds: tuple[str, ...], max_bytes: int = MAX_BYTES) -> str:
    """`check_upload` for a file on disk (what a command is given)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise too_big_error(path.name, size, max_bytes)
    with path.open("rb") as handle:
        head = handle.read(64)
    return _check_head(path.name, head, kinds, path)


# --- Workbooks ------------------------------------------------------------------------------


def _not_workbook(name: str, found: Any) -> ValidationError:
    return ValidationError(
        _(
            "Berkas %(name)s bukan buku kerja Excel .xlsx (diperiksa dari isinya, bukan "
            "namanya). Isinya: %(found)s."
        )
        % {"name": name, "found": found}
    )


def check_xlsx(source: IO[bytes] | Path, *, name: str = "") -> None:
    """Refuse a zip that is not a plain workbook, or that would grow too large when opened,
    from its directory alone: nothing is decompressed but the first kilobyte of each XML
    part (to refuse a DTD, which Excel never writes and entity bombs need)."""
    name = name or getattr(source, "name", "") or "berkas"
    if isinstance(source, Path):
        size = source.stat().st_size
    else:
        source.seek(0, 2)
        size = source.tell()
        source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("Berkas %(name)s tidak dapat dibaca sebagai .xlsx (arsip ZIP-nya rusak).")
            % {"name": name}
        ) from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            if "word/document.xml" in names:
                raise _not_workbook(name, _("dokumen Word (.docx)"))
            if "ppt/presentation.xml" in names:
                raise _not_workbook(name, _("presentasi PowerPoint (.pptx)"))
            raise _not_workbook(name, _("arsip ZIP berisi berkas lain"))
        if len(infos) > XLSX_MAX_MEMBERS:
            raise ValidationError(
                _("Berkas %(name)s berisi %(n)s bagian; buku kerja biasa hanya puluhan.")
                % {"name": name, "n": len(infos)}
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise ValidationError(
                    _(
                        "Berkas %(name)s terkunci kata sandi; buka kuncinya di Excel lalu simpan "
                        "ulang."
                    )
                    % {"name": name}
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValidationError(
                    _("Berkas %(name)s dipadatkan dengan cara yang tidak dipakai Excel.")
                    % {"name": name}
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO:
                raise _bomb(name, info.file_size, ratio)
            if info.filename == "xl/sharedStrings.xml" and info.file_size > XLSX_MAX_SHARED_STRINGS:
                raise _bomb(name, info.file_size, ratio)
        total = sum(info.file_size for info in infos)
        if total > XLSX_MAX_UNCOMPRESSED:
            # Parts may even share their compressed data: compare with the whole file.
            raise _bomb(name, total, total / max(size, 1))
        lowered = {n.lower() for n in names}
        content_types = archive.read("[Content_Types].xml")
        if any(n.endswith("vbaproject.bin") for n in lowered) or b"macroEnabled" in content_types:
            raise ValidationError(
                _(
                    "Berkas %(name)s berisi makro (VBA). Simpan ulang dari Excel sebagai "
                    "“Buku Kerja Excel (*.xlsx)”, tanpa makro."
                )
                % {"name": name}
            )
        for info in infos:
            if info.file_size and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                with archive.open(info) as part:
                    start = part.read(1024).lower()
                if b"<!doctype" in start or b"<!entity" in start:
                    raise ValidationError(
                        _(
                            "Berkas %(name)s berisi deklarasi DTD/entitas XML yang tidak pernah "
                            "ditulis Excel; berkas ini tidak dibuka."
                        )
                        % {"name": name}
                    )


def _bomb(name: str, size: int, ratio: float) -> ValidationError:
    return ValidationError(
        _(
            "Berkas %(name)s mengembang menjadi %(size)s MB bila dibuka (%(ratio)s kali ukurannya); "
            "paling besar %(max)s MB dan %(max_ratio)s kali. Berkas ini tidak dibuka: bagi datanya "
            "menjadi beberapa berkas atau simpan sebagai CSV UTF-8."
        )
        % {
            "name": name,
            "size": f"{size // MB:,}".replace(",", "."),
            "ratio": f"{int(ratio):,}".replace(",", "."),
            "max": f"{XLSX_MAX_UNCOMPRESSED // MB:,}".replace(",", "."),
            "max_ratio": XLSX_MAX_RATIO,
        }
    )


# --- Lists (CSV or XLSX) ----------------------------------------------------------------------


def encoding_error(name: str, *, line: int | None = None, found: Any = None) -> ValidationError:
    where = _(" (baris %(line)s)") % {"line": line} if line else ""
    what = _("berkode %(found)s") % {"found": found} if found else _("tidak berkode UTF-8")
    return ValidationError(
        _(
            "Berkas %(name)s %(what)s%(where)s. Berkas CSV harus berkode UTF-8: simpan ulang dari "
            "Excel sebagai “CSV UTF-8 (Comma delimited)”, atau unggah berkas .xlsx."
        )
        % {"name": name, "what": what, "where": where}
    )


def nul_error(name: str, line: int) -> ValidationError:
    return ValidationError(
        _(
            "Berkas %(name)s berisi karakter NUL (data biner) di baris %(line)s; berkas CSV/XLSX "
            "biasa tidak memuatnya. Simpan ulang dari Excel."
        )
        % {"name": name, "line": line}
    )


def line_error(name: str, line: int) -> ValidationError:
    return ValidationError(
        _("Berkas CSV rusak di baris %(line)s: baris lebih dari %(n)s karakter (berkas %(name)s).")
        % {"line": line, "n": f"{CSV_MAX_LINE:,}".replace(",", "."), "name": name}
    )


def table_kind(path: Path, *, name: str = "") -> str:
    """ "csv" or "xlsx", by content; an XLSX's zip is checked here (cheap). Refuses anything
    else with what it is."""
    name = name or path.name
    with path.open("rb") as handle:
        head = handle.read(4096)
    found = sniff(head)
    if found.kind == "zip":
        check_xlsx(path, name=name)
        return "xlsx"
    if found.kind in ("utf16", "utf32"):
        raise encoding_error(name, found=found.label)
    if found.kind != "text":
        if found.kind == "empty":
            raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
        raise ValidationError(
            _(
                "Berkas %(name)s bukan CSV atau XLSX (diperiksa dari isinya, bukan namanya). "
                "Isinya: %(found)s."
            )
            % {"name": name, "found": found.label}
        )
    return "csv"


def check_table_file(path: Path, *, name: str = "") -> str:
    """`table_kind`, and a CSV read through once: strict UTF-8, no NUL, no overlong line."""
    name = name or path.name
    kind = table_kind(path, name=name)
    if kind == "csv":
        _check_csv_bytes(path, name)
    return kind


def _check_csv_bytes(path: Path, name: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0  # newlines before the current block
    line_length = 0  # bytes of the line running into the current block
    with path.open("rb") as handle:
        first = True
        for block in iter(lambda: handle.read(1 << 20), b""):
            if first:
                block = block.removeprefix(codecs.BOM_UTF8)
                first = False
            nul = block.find(b"\x00")
            if nul >= 0:
                raise nul_error(name, lines + block.count(b"\n", 0, nul) + 1)
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                at = max(0, min(exc.start, len(block)))
                raise encoding_error(name, line=lines + block.count(b"\n", 0, at) + 1) from exc
            pieces = block.split(b"\n")
            if line_length + len(pieces[0]) > CSV_MAX_LINE:
                raise line_error(name, lines + 1)
            for offset, piece in enumerate(pieces[1:-1], start=1):
                if len(piece) > CSV_MAX_LINE:
                    raise line_error(name, lines + offset + 1)
            if len(pieces) > 1:
                line_length = len(pieces[-1])
                if line_length > CSV_MAX_LINE:
                    raise line_error(name, lines + len(pieces))
            else:
                line_length += len(pieces[0])
            lines += len(pieces) - 1
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise encoding_error(name, line=lines + 1) from exc


def store_table_upload(chunks: Iterable[bytes], *, path: Path, name: str, max_bytes: int) -> str:
    """Write an uploaded list to `path` (never more than `max_bytes`) and check it with
    `check_table_file`; on a refusal nothing is left at `path`. Returns "csv" or "xlsx"."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise too_big_error(name, written, max_bytes)
                out.write(chunk)
        return check_table_file(path, name=name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# --- Cells ----------------------------------------------------------------------------------

FORMULA_FIRST = frozenset("=+-@\t\r\n")  # a formula-like cell starts with one of these


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula (`=cmd|…`, `+SUM(1)`, `@foo`,
    `-2+3`, tab- or CR-prefixed): the rule the exports neutralise by, so that an importer
    refuses exactly what an export would have to defuse."""
    if not isinstance(text, str) or not text or text[0] not in FORMULA_FIRST:
        return False  # the common case, without a call
    from sejahtera.common.exports import safe_cell

    return bool(safe_cell(text) != text)


def formula_reason() -> str:
    return _(
        "Diawali =, +, -, @ atau tab seperti rumus spreadsheet; tidak diimpor. Hapus tanda itu "
        "(atau tulis sebagai teks biasa)."
    )


# --- Receiving ------------------------------------------------------------------------------


# The pages that take a whole list (up to settings.IMPORT_MAX_BYTES); every other page takes
# files of at most SMALL_UPLOAD_CAP (5 MB documents and photos, the 20 MB realisation form).
LARGE_UPLOAD_VIEWS = frozenset({"registry:import_start", "linkage:outside"})
SMALL_UPLOAD_CAP = 20 * MB


def upload_cap(request: Any = None) -> int:
    """The most of one uploaded file that is kept for the page `request` goes to: the
    largest that page accepts."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in LARGE_UPLOAD_VIEWS:
        return max(int(settings.IMPORT_MAX_BYTES), SMALL_UPLOAD_CAP)
    return SMALL_UPLOAD_CAP


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that stops writing a file past `upload_cap()` bytes
    and keeps counting: the file's `size` is what was sent, so the page's own size check
    refuses it, and no more than the cap ever reaches the disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.cap = upload_cap(self.request)
        self.written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.written + len(raw_data) <= self.cap:
            self.file.write(raw_data)
            self.written += len(raw_data)
        else:
            self.written = self.cap + 1  # nothing after a dropped chunk is written either
        return None
