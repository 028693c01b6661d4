"""The importer's fields, the column names it recognises, and streaming file readers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sejahtera.common import tables, uploads


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # lazy translation
    required: bool = False
    aliases: tuple[str, ...] = ()


# The importer's own layout: these are also the headers `generate-population --out` writes.
FIELDS: tuple[Field, ...] = (
    Field("no_kk", _("Nomor KK"), True, ("nokk", "nomorkk", "kk", "nomorkartukeluarga")),
    Field(
        "kode_desa",
        _("Kode desa/kelurahan"),
        True,
        ("kodedesa", "kddesa", "kodekelurahan", "kodewilayah", "iddesa"),
    ),
    Field("dusun", _("Dusun"), False, ("namadusun",)),
    Field("rt", _("RT"), False, ()),
    Field("rw", _("RW"), False, ()),
    Field("alamat", _("Alamat"), False, ("jalan", "alamatrumah")),
    Field("nik", _("NIK"), True, ("noktp", "nomorinduk", "nomorindukkependudukan")),
    Field("nama", _("Nama"), True, ("namalengkap", "namaart", "namaanggota")),
    Field("tempat_lahir", _("Tempat lahir"), False, ("tmplahir", "tempatlhr")),
    Field("tanggal_lahir", _("Tanggal lahir"), True, ("tgllahir", "tgllhr", "tanggallhr")),
    Field("jenis_kelamin", _("Jenis kelamin"), True, ("jk", "kelamin", "sex")),
    Field(
        "hubungan_keluarga",
        _("Hubungan dengan kepala keluarga"),
        True,
        ("hubungan", "hubkeluarga", "shdk", "statushubungan", "hubungandengankk"),
    ),
    Field("nama_ibu_kandung", _("Nama ibu kandung"), False, ("ibukandung", "namaibu")),
    Field("status_kawin", _("Status kawin"), False, ("statusperkawinan", "stskawin", "kawin")),
    Field("pendidikan", _("Pendidikan"), False, ("pendidikanterakhir", "ijazah")),
    Field("pekerjaan", _("Pekerjaan"), False, ("jenispekerjaan",)),
    Field(
        "jenis_disabilitas",
        _("Jenis disabilitas"),
        False,
        ("disabilitas", "jenisdisabilitas", "jeniscacat"),
    ),
    Field("tingkat_disabilitas", _("Tingkat disabilitas"), False, ("tingkatkecacatan",)),
    Field("status_dtks", _("Terdaftar DTKS/DTSEN"), False, ("dtks", "dtsen", "statusdtsen")),
    Field("desil", _("Desil"), False, ("desilnasional", "peringkatdesil")),
    Field("periode_data", _("Periode data (TTTT-BB)"), False, ("periode", "bulandata")),
    Field("peserta_pkh", _("Peserta PKH (keluarga)"), False, ("pkh",)),
    Field("peserta_sembako", _("Peserta Sembako/BPNT (keluarga)"), False, ("sembako", "bpnt")),
    Field("peserta_pbi_jk", _("Peserta PBI-JK (orang)"), False, ("pbi", "pbijk", "pbijkn")),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
REQUIRED = tuple(f.key for f in FIELDS if f.required)


def squash_header(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Field key → the file header that most likely holds it (exact names first, then
    known aliases). Each header is used at most once."""
    by_squashed: dict[str, str] = {}
    for header in headers:
        by_squashed.setdefault(squash_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in FIELDS:
        for candidate in (squash_header(field.key), *field.aliases):
            found = by_squashed.get(candidate)
            if found is not None and found not in used:
                mapping[field.key] = found
                used.add(found)
                break
    return mapping


class FileFormatError(Exception):
    pass


def detect_kind(path: Path, name: str = "") -> str:
    """ "xlsx" or "csv", by content (`common.uploads.table_kind`: an XLSX's zip is checked)."""
    try:
        return uploads.table_kind(path, name=name)
    except ValidationError as exc:
        raise FileFormatError(" ".join(exc.messages)) from exc


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class TableFile:
    """A CSV or XLSX file read as a header and a stream of string rows, in constant memory
    (through `common.tables`, which holds the limits)."""

    def __init__(self, path: Path, name: str = "") -> None:
        self.path = path
        self.name = name or path.name
        self.kind = detect_kind(path, self.name)

    def headers(self) -> list[str]:
        for row in self._raw_rows():
            return list(row)
        return []

    def rows(self) -> Iterator[list[str]]:
        """Data rows (after the header), as stripped strings, blank rows skipped."""
        iterator = self._raw_rows()
        next(iterator, None)
        for row in iterator:
            if any(row):
                yield row

    def count_rows(self) -> int | None:
        """Approximate number of data rows, for progress (lines for CSV)."""
        if self.kind == "csv":
            lines = 0
            with self.path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    lines += block.count(b"\n")
            return max(0, lines - 1)
        return None

    def _raw_rows(self) -> Iterator[list[str]]:
        try:
            if self.kind == "csv":
                yield from tables.csv_rows(self.path, name=self.name)
            else:
                for values in tables.xlsx_rows(self.path, name=self.name):
                    yield [_cell(v) for v in values]
        except ValidationError as exc:
            raise FileFormatError(" ".join(exc.messages)) from exc


def open_upload(path: Path, name: str = "") -> TableFile:
    """An uploaded list, refused (FileFormatError) unless it has a header row and at least
    one data row."""
    table = TableFile(path, name)
    if not any(table.headers()):
        raise FileFormatError(_("Baris pertama berkas (judul kolom) kosong."))
    if next(table.rows(), None) is None:
        raise FileFormatError(
            _("Berkas %(name)s hanya berisi judul kolom; tidak ada baris data.")
            % {"name": table.name}
        )
    return table


def preview(table: TableFile, limit: int = 5) -> list[list[str]]:
    out = []
    for row in table.rows():
        out.append(row)
        if len(out) >= limit:
            break
    return out
