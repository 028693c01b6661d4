"""One file row → one clean staged row, or the reasons it fails. Pure Python, no queries:
the caller passes the sets of known desa and kecamatan codes and the user's areas."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _

from sejahtera.common.names import name_key
from sejahtera.common.nik import check_kk, check_nik
from sejahtera.common.uploads import FORMULA_FIRST, formula_like, formula_reason
from sejahtera.registry.choices import (
    DisabilityType,
    Education,
    MaritalStatus,
    Relation,
    Severity,
)
from sejahtera.registry.imports.layout import FIELD_KEYS, REQUIRED

# Columns of the staging table, in order (the loader creates it from this list).
STAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row_no", "integer"),
    ("kk", "varchar(16)"),
    ("desa", "varchar(13)"),
    ("dusun", "varchar(60)"),
    ("rt", "varchar(3)"),
    ("rw", "varchar(3)"),
    ("street", "varchar(200)"),
    ("nik", "varchar(16)"),
    ("name", "varchar(150)"),
    ("name_key", "varchar(150)"),
    ("birth_place", "varchar(80)"),
    ("birth_date", "date"),
    ("sex", "varchar(1)"),
    ("relation", "varchar(12)"),
    ("mother_name", "varchar(150)"),
    ("marital_status", "varchar(12)"),
    ("education", "varchar(15)"),
    ("occupation", "varchar(80)"),
    ("disability_type", "varchar(12)"),
    ("disability_severity", "varchar(8)"),
    ("in_dtks", "boolean"),
    ("desil", "smallint"),
    ("data_period", "varchar(7)"),
    ("period_start", "date"),
    ("pkh", "boolean"),
    ("sembako", "boolean"),
    ("pbi_jk", "boolean"),
)

WARNING_SAMPLES = 20  # warnings quoted in the report (all are counted)

_SQUASH = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=4096)
def _squash(text: str) -> str:
    """Lower case without anything but letters and digits (cached: a column of choices holds
    a handful of distinct values over a million rows)."""
    return _SQUASH.sub("", text.lower())


def _lookup(choices: type[TextChoices], extra: dict[str, str] | None = None) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[_squash(str(value))] = value
        table[_squash(str(label))] = value
    for key, value in (extra or {}).items():
        table[_squash(key)] = value
    table.pop("", None)
    return table


# SIKS-NG numeric codes and common spellings next to our own codes and labels.
RELATIONS = _lookup(
    Relation,
    {
        "1": "kepala",
        "kepala keluarga": "kepala",
        "kk": "kepala",
        "2": "pasangan",
        "istri": "pasangan",
        "suami": "pasangan",
        "istri/suami": "pasangan",
        "3": "anak",
        "4": "menantu",
        "5": "cucu",
        "6": "orang_tua",
        "7": "mertua",
        "8": "famili",
        "famili lain": "famili",
        "9": "pembantu",
        "10": "lainnya",
        "lainnya": "lainnya",
    },
)
SEXES = {
    "l": "L",
    "p": "P",
    "lakilaki": "L",
    "pria": "L",
    "perempuan": "P",
    "wanita": "P",
    "1": "L",
    "2": "P",
}
MARITAL = _lookup(
    MaritalStatus,
    {
        "1": "belum_kawin",
        "2": "kawin",
        "3": "cerai_hidup",
        "4": "cerai_mati",
        "cerai": "cerai_hidup",
    },
)
EDUCATION = _lookup(
    Education,
    {
        "tidak sekolah": "tidak_sekolah",
        "belum sekolah": "tidak_sekolah",
        "sltp": "smp",
        "slta": "sma",
        "smk": "sma",
        "d1": "diploma",
        "d2": "diploma",
        "d3": "diploma",
        "d4": "s1",
        "s2": "s2_s3",
        "s3": "s2_s3",
    },
)
DISABILITY = _lookup(
    DisabilityType,
    {
        "tidak ada": "",
        "tidak": "",
        "-": "",
        "tuna netra": "netra",
        "tunanetra": "netra",
        "tuna rungu": "rungu",
        "tuna wicara": "wicara",
        "tuna daksa": "fisik",
        "tunadaksa": "fisik",
        "disabilitas fisik": "fisik",
        "disabilitas mental": "mental",
        "disabilitas intelektual": "intelektual",
        "ganda": "ganda",
    },
)
SEVERITY = _lookup(Severity, {"-": ""})
TRUE = {"ya", "y", "1", "true", "x", "v", "benar", "peserta"}
FALSE = {"", "tidak", "t", "0", "false", "bukan", "-", "n", "no"}

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def _month(period: str) -> dt.date | None:
    """The first day of a period written TTTT-BB, or None if it is not written so."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        return None
    return dt.date(int(period[:4]), int(period[5:7]), 1)


@dataclass
class RowError:
    row_no: int
    column: str
    value: str
    reason: str


@dataclass
class Cleaner:
    """Turns mapped rows into staged tuples. `desa_codes`: every desa of wilayah;
    `kecamatan_codes`: every kecamatan; `allowed`: whether a desa lies in the user's areas."""

    mapping: dict[str, int]  # field key → column index in the file
    desa_codes: frozenset[str]
    kecamatan_codes: frozenset[str]
    allowed: Callable[[str], bool]
    today: dt.date = field(default_factory=dt.date.today)
    default_period: str = ""
    warnings: int = 0
    warning_samples: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Small caches: memory must stay flat whatever the file's size (a cache of 200,000
        # names and KK numbers grew each checking process by about 120 MB). Common names
        # repeat; a KK repeats on its members' rows, which a list keeps together.
        self._name_key = lru_cache(maxsize=8_192)(name_key)
        self._kk_errors = lru_cache(maxsize=4_096)(self._check_kk)
        # The mapped cells of a full-width row in one C call (rows cut short are padded).
        self._keys = tuple(self.mapping)
        self._cells = itemgetter(*self.mapping.values()) if len(self.mapping) > 1 else None
        self._blank = dict.fromkeys(FIELD_KEYS, "")
        self._required = tuple(key for key in REQUIRED if key in self.mapping)
        self._width = max(self.mapping.values(), default=-1) + 1
        # A district has a few hundred desa: each written code is checked once.
        self._desa_in_area = lru_cache(maxsize=20_000)(self._desa_and_allowed)
        self._period_start = lru_cache(maxsize=1_000)(_month)

    def _desa_and_allowed(self, raw: str) -> tuple[str | None, bool]:
        desa = self._desa(raw)
        return desa, desa is not None and self.allowed(desa)

    def _check_kk(self, kk: str) -> tuple[str, ...]:
        check = check_kk(kk, region_exists=self.kecamatan_codes.__contains__, today=self.today)
        return tuple(check.errors)

    def clean(self, row_no: int, row: list[str]) -> tuple[tuple[Any, ...] | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(column: str, value: str, reason: str) -> None:
            errors.append(RowError(row_no, column, value, reason))

        width = len(row)
        if self._cells is not None and width >= self._width:
            cells = self._cells(row)
        else:
            cells = tuple(row[i] if i < width else "" for i in self.mapping.values())
        # Every field key, "" where the mapping leaves it out.
        values = dict(self._blank)
        values.update(zip(self._keys, cells, strict=True))
        get = values.__getitem__

        # A formula-like cell starts with one of FORMULA_FIRST: one C-level scan of the
        # cells' first characters finds the rare row that needs a closer look.
        if not FORMULA_FIRST.isdisjoint([c[:1] for c in cells]):
            for key, value in values.items():
                if value and value[0] in FORMULA_FIRST and formula_like(value):
                    fail(key, value[:40], formula_reason())
            if errors:
                return None, errors

        for key in self._required:
            if not values[key]:
                fail(key, "", _("Wajib diisi."))
        if errors:
            return None, errors

        kk = get("no_kk").replace(" ", "").replace("'", "")
        for message in self._kk_errors(kk):
            fail("no_kk", kk, message)

        desa, allowed = self._desa_in_area(get("kode_desa"))
        if desa is None:
            fail(
                "kode_desa",
                get("kode_desa"),
                _("Kode desa/kelurahan tidak ada dalam data wilayah."),
            )
        elif not allowed:
            fail("kode_desa", desa, _("Desa/kelurahan ini di luar wilayah kerja Anda."))

        sex = SEXES.get(_squash(get("jenis_kelamin")))
        if sex is None:
            fail("jenis_kelamin", get("jenis_kelamin"), _("Jenis kelamin harus L atau P."))

        birth_date = self._date(get("tanggal_lahir"))
        if birth_date is None:
            fail(
                "tanggal_lahir",
                get("tanggal_lahir"),
                _("Tanggal lahir tidak dikenali (pakai TTTT-BB-HH atau HH-BB-TTTT)."),
            )
        elif birth_date > self.today:
            fail("tanggal_lahir", get("tanggal_lahir"), _("Tanggal lahir di masa depan."))

        nik = get("nik").replace(" ", "").replace("'", "")
        nik_check = check_nik(
            nik,
            birth_date=birth_date,
            sex=sex,
            region_exists=self.kecamatan_codes.__contains__,
            today=self.today,
        )
        for message in nik_check.errors:
            fail("nik", nik, message)
        if nik_check.warnings and not errors:
            self.warnings += 1
            if len(self.warning_samples) < WARNING_SAMPLES:
                self.warning_samples.append(
                    _("Baris %(row)d: %(text)s")
                    % {"row": row_no, "text": " ".join(nik_check.warnings)}
                )

        relation = RELATIONS.get(_squash(get("hubungan_keluarga")))
        if relation is None:
            fail(
                "hubungan_keluarga",
                get("hubungan_keluarga"),
                _("Hubungan keluarga tidak dikenali."),
            )

        marital = self._choice(values, "status_kawin", MARITAL, fail)
        education = self._choice(values, "pendidikan", EDUCATION, fail)
        disability = self._choice(values, "jenis_disabilitas", DISABILITY, fail)
        severity = self._choice(values, "tingkat_disabilitas", SEVERITY, fail)
        in_dtks = self._flag(values, "status_dtks", fail)
        pkh = self._flag(values, "peserta_pkh", fail)
        sembako = self._flag(values, "peserta_sembako", fail)
        pbi = self._flag(values, "peserta_pbi_jk", fail)

        desil: int | None = None
        raw_desil = get("desil")
        if raw_desil:
            try:
                desil = int(float(raw_desil.replace(",", ".")))
                if not 1 <= desil <= 10:
                    raise ValueError
            except ValueError:
                fail("desil", raw_desil, _("Desil harus angka 1 sampai 10."))

        period = get("periode_data") or self.default_period
        period_start = self._period_start(period) if period else self.today
        if period_start is None:
            fail(
                "periode_data", period, _("Periode data harus berbentuk TTTT-BB, misalnya 2025-03.")
            )

        texts = {}
        for key, limit in (
            ("dusun", 60),
            ("rt", 3),
            ("rw", 3),
            ("alamat", 200),
            ("nama", 150),
            ("tempat_lahir", 80),
            ("nama_ibu_kandung", 150),
            ("pekerjaan", 80),
        ):
            value = get(key)
            if key in ("rt", "rw") and value.isdigit():
                value = f"{int(value):03d}"
            if len(value) > limit:
                fail(
                    key,
                    value[:40],
                    _("Terlalu panjang (paling banyak %(n)d karakter).") % {"n": limit},
                )
            texts[key] = value
        if errors:
            return None, errors
        name = texts["nama"].upper()
        return (
            row_no,
            kk,
            desa,
            texts["dusun"].upper(),
            texts["rt"],
            texts["rw"],
            texts["alamat"],
            nik,
            name,
            self._name_key(name),
            texts["tempat_lahir"].upper(),
            birth_date,
            sex,
            relation,
            texts["nama_ibu_kandung"].upper(),
            marital,
            education,
            texts["pekerjaan"],
            disability,
            severity,
            bool(in_dtks),
            desil,
            period,
            period_start,
            bool(pkh),
            bool(sembako),
            bool(pbi),
        ), []

    def _desa(self, raw: str) -> str | None:
        digits = re.sub(r"\D", "", raw)
        if len(digits) != 10:
            return None
        code = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
        return code if code in self.desa_codes else None

    def _date(self, raw: str) -> dt.date | None:
        raw = raw.strip()[:10]
        if len(raw) == 10 and raw[4] == "-":
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                return None
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        return None

    def _choice(
        self,
        values: dict[str, str],
        key: str,
        table: dict[str, str],
        fail: Callable[[str, str, str], None],
    ) -> str:
        raw = values.get(key, "")
        if not raw:
            return ""
        value = table.get(_squash(raw))
        if value is None:
            fail(key, raw, _("Nilai tidak dikenali."))
            return ""
        return value

    def _flag(
        self, values: dict[str, str], key: str, fail: Callable[[str, str, str], None]
    ) -> bool:
        raw = values.get(key, "").strip().lower()
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        fail(key, raw, _("Isi dengan Ya atau Tidak."))
        return False
