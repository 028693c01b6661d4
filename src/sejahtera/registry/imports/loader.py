"""Staging and merging an import, all or nothing.

1. Rows stream from the file through `Cleaner` into a temporary staging table: on
   PostgreSQL by COPY, elsewhere by executemany in batches. Memory stays constant.
2. Checks that need the whole file (a NIK twice, a KK in two desa, two heads in one KK) are
   single SQL statements over the staging table.
3. If any row failed, nothing is written and the rows come back with their reasons.
4. Otherwise households, persons, memberships and programme participation are merged with
   one INSERT … SELECT or UPDATE … FROM each, touching only what differs, so importing the
   same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import area_codes
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import safe_cell
from sejahtera.registry.imports.layout import FIELD_KEYS, REQUIRED, FileFormatError, TableFile
from sejahtera.registry.imports.rows import STAGE_COLUMNS, Cleaner, RowError
from sejahtera.registry.models import Household, Membership, Participation, Person
from sejahtera.wilayah.models import Level, Wilayah

STAGE = "registry_import_stage"
NEW = "registry_import_new"
MAX_ERROR_ROWS = 50_000
ERROR_VALUE_CHARS = 200
BATCH = 5_000
COPY_BLOCK = 50_000
ProgressFn = Callable[..., None]

# File field → (model field, staging column) for the fields a mapping may leave out.
HOUSEHOLD_FIELDS = {
    "dusun": "dusun",
    "rt": "rt",
    "rw": "rw",
    "alamat": "street",
    "status_dtks": "in_dtks",
    "desil": "desil",
    "periode_data": "data_period",
}
PERSON_FIELDS = {
    "tempat_lahir": "birth_place",
    "nama_ibu_kandung": "mother_name",
    "status_kawin": "marital_status",
    "pendidikan": "education",
    "pekerjaan": "occupation",
    "jenis_disabilitas": "disability_type",
    "tingkat_disabilitas": "disability_severity",
}
PROGRAMMES = (
    ("peserta_pkh", "pkh", "PKH", "household"),
    ("peserta_sembako", "sembako", "SEMBAKO", "household"),
    ("peserta_pbi_jk", "pbi_jk", "PBI_JK", "person"),
)


class ImportFailed(Exception):
    """The import failed as a whole; `errors_csv` holds the failing rows with reasons."""

    def __init__(self, message: str, errors_csv: str | None = None) -> None:
        super().__init__(message)
        self.errors_csv = errors_csv


@dataclass
class ImportReport:
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    memberships_ended: int = 0
    memberships_started: int = 0
    participations_created: int = 0
    warnings: int = 0
    warning_samples: list[str] = field(default_factory=list)
    sha256: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, for benchmarks

    @property
    def changed(self) -> bool:
        return any(
            (
                self.households_created,
                self.households_updated,
                self.persons_created,
                self.persons_updated,
                self.memberships_ended,
                self.memberships_started,
                self.participations_created,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["message"] = _(
            "%(rows)d baris: %(hc)d keluarga baru, %(hu)d keluarga berubah, %(pc)d penduduk baru, "
            "%(pu)d penduduk berubah, %(mc)d perpindahan KK, %(pa)d kepesertaan program baru; %(w)d peringatan."
        ) % {
            "rows": self.rows,
            "hc": self.households_created,
            "hu": self.households_updated,
            "pc": self.persons_created,
            "pu": self.persons_updated,
            "mc": self.memberships_ended,
            "pa": self.participations_created,
            "w": self.warnings,
        }
        return data


class _ErrorSink:
    """Failing rows, written to a temporary file as they come (memory stays flat). The CSV
    is opened in a spreadsheet: a value from the file that starts like a formula is
    neutralised (`safe_cell`), and long values are cut."""

    def __init__(self) -> None:
        self.count = 0
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._file, delimiter=";")
        self._writer.writerow([_("baris"), _("kolom"), _("nilai"), _("alasan")])

    def add(self, error: RowError) -> None:
        self.count += 1
        if self.count <= MAX_ERROR_ROWS:
            value = safe_cell(str(error.value)[:ERROR_VALUE_CHARS])
            self._writer.writerow([error.row_no, error.column, value, error.reason])

    def text(self) -> str:
        if self.count > MAX_ERROR_ROWS:
            self._writer.writerow(
                ["", "", "", _("… dan %(n)d kesalahan lain.") % {"n": self.count - MAX_ERROR_ROWS}]
            )
        self._file.seek(0)
        return self._file.read()


def _area_codes(actor: Any) -> tuple[str, ...]:
    """The actor's areas; the system (a command without a user) has the office's area."""
    return area_codes(actor) if actor is not None else (settings.OFFICE_WILAYAH_CODE,)


def _in_areas(codes: tuple[str, ...]) -> Callable[[str], bool]:
    def allowed(desa: str) -> bool:
        return any(desa == c or desa.startswith(c + ".") for c in codes)

    return allowed


def _outside_sql(column: str, codes: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL that holds when `column` (a wilayah code) lies outside all of `codes`: the same
    rule as accounts.scoping.area_q, for raw SQL over the staging table."""
    inside = " OR ".join(f"{column} = %s OR {column} LIKE %s" for _code in codes) or "1 = 0"
    params = [p for code in codes for p in (code, code + ".%")]
    return f"NOT ({inside})", params


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _defaults(model: type[Model], given: set[str]) -> dict[str, Any]:
    """Column → default value for the model's concrete columns not in `given` (the INSERT
    must name every NOT NULL column: Django defaults live in Python, not in the database)."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        # get_default() gives the field's default, or "" for a text field without one.
        value = f.get_default()
        out[f.column] = None if value is None else f.get_db_prep_save(value, connection)
    return out


class _Sql:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def run(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        self.cursor.execute(sql, params)
        return max(0, self.cursor.rowcount or 0)

    def new_rows(self, select: str) -> None:
        """Materialise `select` (no parameters) as the temporary table NEW. Inserts read from
        it rather than running NOT EXISTS over the table they fill: PostgreSQL would rescan
        the rows the statement itself adds, once per row (quadratic on a large import)."""
        self.run(f"DROP TABLE IF EXISTS {NEW}")
        self.run(f"CREATE TEMPORARY TABLE {NEW} AS {select}")

    def rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())


def _stage(
    sql: _Sql, table: TableFile, cleaner: Cleaner, sink: _ErrorSink, progress: ProgressFn | None
) -> int:
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
    sql.run(f"DROP TABLE IF EXISTS {STAGE}")
    sql.run(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
    names = ", ".join(name for name, _kind in STAGE_COLUMNS)
    total = table.count_rows()
    rows = 0
    every = settings.IMPORT_PROGRESS_ROWS or (
        COPY_BLOCK if connection.vendor == "postgresql" else 20_000
    )
    if connection.vendor == "postgresql":
        # One COPY per block of rows: progress is written between blocks (a query on this
        # connection while a COPY is open would wait for the COPY forever).
        raw = sql.cursor.cursor  # the psycopg cursor under Django's wrapper
        numbered = enumerate(table.rows(), start=2)
        while True:
            block = list(islice(numbered, every))
            if not block:
                break
            with raw.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
                for row_no, row in block:
                    staged, errors = cleaner.clean(row_no, row)
                    if staged is not None:
                        copy.write_row(staged)
                    for error in errors:
                        sink.add(error)
            rows += len(block)
            if progress:
                progress(rows, total, _("%(n)d baris diperiksa") % {"n": rows})
    else:
        placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
        insert = f"INSERT INTO {STAGE} ({names}) VALUES ({placeholders})"
        batch: list[tuple[Any, ...]] = []
        for row_no, row in enumerate(table.rows(), start=2):
            rows += 1
            staged, errors = cleaner.clean(row_no, row)
            if staged is not None:
                batch.append(
                    tuple(
                        connection.ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v
                        for v in staged
                    )
                )
            for error in errors:
                sink.add(error)
            if len(batch) >= BATCH:
                sql.cursor.executemany(insert, batch)
                batch = []
            if progress and rows % every == 0:
                progress(rows, total, _("%(n)d baris diperiksa") % {"n": rows})
        if batch:
            sql.cursor.executemany(insert, batch)
    sql.run(f"CREATE INDEX {STAGE}_nik ON {STAGE} (nik)")
    sql.run(f"CREATE INDEX {STAGE}_kk ON {STAGE} (kk, row_no)")
    _analyze(sql, STAGE)
    return rows


def _analyze(sql: _Sql, table: str) -> None:
    """Fresh planner statistics (PostgreSQL never auto-analyzes a temporary table, and a
    registry table that just grew from empty would otherwise be planned as empty; SQLite
    never gathers statistics by itself)."""
    sql.run(f"ANALYZE {table}")


def _whole_file_checks(sql: _Sql, sink: _ErrorSink, codes: tuple[str, ...]) -> None:
    for row_no, nik, first in sql.rows(
        f"SELECT s.row_no, s.nik, f.first_row FROM {STAGE} s JOIN "
        f"(SELECT nik, MIN(row_no) AS first_row FROM {STAGE} GROUP BY nik HAVING COUNT(*) > 1) f "
        f"ON f.nik = s.nik WHERE s.row_no <> f.first_row ORDER BY s.row_no"
    ):
        sink.add(RowError(row_no, "nik", nik, _("NIK sama dengan baris %(row)d.") % {"row": first}))
    for row_no, kk, desa in sql.rows(
        f"SELECT s.row_no, s.kk, s.desa FROM {STAGE} s WHERE s.kk IN "
        f"(SELECT kk FROM {STAGE} GROUP BY kk HAVING COUNT(DISTINCT desa) > 1) ORDER BY s.row_no"
    ):
        sink.add(
            RowError(
                row_no,
                "kode_desa",
                desa,
                _("Anggota KK %(kk)s tercatat di lebih dari satu desa.") % {"kk": kk},
            )
        )
    for row_no, kk in sql.rows(
        f"SELECT s.row_no, s.kk FROM {STAGE} s WHERE s.relation = 'kepala' AND s.kk IN "
        f"(SELECT kk FROM {STAGE} WHERE relation = 'kepala' GROUP BY kk HAVING COUNT(*) > 1) ORDER BY s.row_no"
    ):
        sink.add(
            RowError(
                row_no,
                "hubungan_keluarga",
                "kepala",
                _("KK %(kk)s punya lebih dari satu kepala keluarga.") % {"kk": kk},
            )
        )
    # A row may only touch records of the user's areas: a NIK or KK already registered in a
    # desa outside them is not theirs to move or change.
    outside, params = _outside_sql("p.desa_id", codes)
    for row_no, nik, desa in sql.rows(
        f"SELECT s.row_no, s.nik, p.desa_id FROM {STAGE} s "
        f"JOIN {Person._meta.db_table} p ON p.nik = s.nik WHERE {outside} ORDER BY s.row_no",
        params,
    ):
        sink.add(
            RowError(
                row_no,
                "nik",
                nik,
                _("NIK ini terdaftar di desa %(desa)s, di luar wilayah kerja Anda.")
                % {"desa": desa},
            )
        )
    outside, params = _outside_sql("h.desa_id", codes)
    for row_no, kk, desa in sql.rows(
        f"SELECT s.row_no, s.kk, h.desa_id FROM {STAGE} s "
        f"JOIN {Household._meta.db_table} h ON h.kk_number = s.kk WHERE {outside} ORDER BY s.row_no",
        params,
    ):
        sink.add(
            RowError(
                row_no,
                "no_kk",
                kk,
                _("Nomor KK ini terdaftar di desa %(desa)s, di luar wilayah kerja Anda.")
                % {"desa": desa},
            )
        )


def _merge(sql: _Sql, mapped: set[str], report: ImportReport, today: dt.date) -> None:
    if connection.vendor == "postgresql":
        # The sorts and hash joins over a district's file fit in memory (for this transaction).
        sql.run("SET LOCAL work_mem = '128MB'")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value(today)
    hh_table = Household._meta.db_table
    person_table = Person._meta.db_table
    member_table = Membership._meta.db_table
    part_table = Participation._meta.db_table
    # One staging row per KK carries the household's fields: the head's row, else its first.
    first = f"(SELECT s.* FROM {STAGE} s JOIN (SELECT kk, COALESCE(MIN(CASE WHEN relation = 'kepala' THEN row_no END), MIN(row_no)) AS r FROM {STAGE} GROUP BY kk) f ON s.row_no = f.r)"

    hh_model_cols = {"desa_id": "desa"} | {c: c for k, c in HOUSEHOLD_FIELDS.items() if k in mapped}
    defaults = _defaults(Household, {"kk_number", "created_at", "updated_at", *hh_model_cols})
    cols = ["kk_number", *hh_model_cols, "created_at", "updated_at", *defaults]
    select = [
        "s.kk",
        *(f"s.{c}" for c in hh_model_cols.values()),
        "%s",
        "%s",
        *(["%s"] * len(defaults)),
    ]
    sql.new_rows(
        f"SELECT DISTINCT s.kk AS kk FROM {STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {hh_table} h WHERE h.kk_number = s.kk)"
    )
    # Rows go in in the order of the tables' indexes on the desa (and name), so each index
    # grows at a few places instead of at random pages (the person insert at 1.1 million rows
    # spent most of its time there).
    report.households_created = sql.run(
        f"INSERT INTO {hh_table} ({', '.join(cols)}) SELECT {', '.join(select)} FROM {first} s "
        f"JOIN {NEW} n ON n.kk = s.kk ORDER BY s.desa, s.kk",
        [now, now, *defaults.values()],
    )
    _analyze(sql, hh_table)
    differs = " OR ".join(
        f"{hh_table}.{m} IS DISTINCT FROM s.{c}" for m, c in hh_model_cols.items()
    )
    sets = ", ".join(f"{m} = s.{c}" for m, c in hh_model_cols.items())
    report.households_updated = sql.run(
        f"UPDATE {hh_table} SET {sets}, updated_at = %s FROM {first} s "
        f"WHERE {hh_table}.kk_number = s.kk AND created_at <> %s AND ({differs})",
        [now, now],
    )

    p_cols = {
        "name": "name",
        "name_key": "name_key",
        "birth_date": "birth_date",
        "sex": "sex",
        "desa_id": "desa",
    }
    p_cols |= {c: c for k, c in PERSON_FIELDS.items() if k in mapped}
    defaults = _defaults(Person, {"nik", "created_at", "updated_at", *p_cols})
    cols = ["nik", *p_cols, "created_at", "updated_at", *defaults]
    select = ["s.nik", *(f"s.{c}" for c in p_cols.values()), "%s", "%s", *(["%s"] * len(defaults))]
    sql.new_rows(
        f"SELECT s.nik AS nik FROM {STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {person_table} p WHERE p.nik = s.nik)"
    )
    report.persons_created = sql.run(
        f"INSERT INTO {person_table} ({', '.join(cols)}) SELECT {', '.join(select)} FROM {STAGE} s "
        f"JOIN {NEW} n ON n.nik = s.nik ORDER BY s.desa, s.name",
        [now, now, *defaults.values()],
    )
    _analyze(sql, person_table)
    differs = " OR ".join(f"{person_table}.{m} IS DISTINCT FROM s.{c}" for m, c in p_cols.items())
    sets = ", ".join(f"{m} = s.{c}" for m, c in p_cols.items())
    report.persons_updated = sql.run(
        f"UPDATE {person_table} SET {sets}, updated_at = %s FROM {STAGE} s "
        f"WHERE {person_table}.nik = s.nik AND created_at <> %s AND ({differs})",
        [now, now],
    )

    links = (
        f"SELECT p.id AS person_id, h.id AS household_id, s.relation FROM {STAGE} s "
        f"JOIN {person_table} p ON p.nik = s.nik JOIN {hh_table} h ON h.kk_number = s.kk"
    )
    # A join, not a correlated EXISTS over the links (12.9 s → a hash join on a re-import of
    # 1.1 million rows); a NIK is in the file once (whole-file check), so one link per person.
    report.memberships_ended = sql.run(
        f"UPDATE {member_table} SET end_date = %s, end_reason = %s FROM ({links}) l "
        f"WHERE {member_table}.end_date IS NULL AND l.person_id = {member_table}.person_id "
        f"AND (l.household_id <> {member_table}.household_id OR l.relation <> {member_table}.relation)",
        [day, _("Impor daftar: pindah KK atau berubah hubungan keluarga")],
    )
    sql.new_rows(
        f"SELECT l.person_id, l.household_id, l.relation FROM ({links}) l WHERE NOT EXISTS "
        f"(SELECT 1 FROM {member_table} m WHERE m.person_id = l.person_id AND m.end_date IS NULL)"
    )
    report.memberships_started = sql.run(
        f"INSERT INTO {member_table} (person_id, household_id, relation, start_date, end_date, end_reason) "
        f"SELECT person_id, household_id, relation, %s, NULL, '' FROM {NEW} ORDER BY person_id",
        [day],
    )

    for key, column, programme, subject in PROGRAMMES:
        if key not in mapped:
            continue
        # `programme` and `column` are constants of this module, never user input.
        if subject == "household":
            sql.new_rows(
                f"SELECT DISTINCT h.id AS household_id, s.period_start FROM {STAGE} s "
                f"JOIN {hh_table} h ON h.kk_number = s.kk WHERE s.{column} "
                f"AND NOT EXISTS (SELECT 1 FROM {part_table} x WHERE x.programme = '{programme}' "
                f"AND x.household_id = h.id AND x.period_start = s.period_start)"
            )
            target = "NULL, household_id"
        else:
            sql.new_rows(
                f"SELECT DISTINCT p.id AS person_id, s.period_start FROM {STAGE} s "
                f"JOIN {person_table} p ON p.nik = s.nik WHERE s.{column} "
                f"AND NOT EXISTS (SELECT 1 FROM {part_table} x WHERE x.programme = '{programme}' "
                f"AND x.person_id = p.id AND x.period_start = s.period_start)"
            )
            target = "person_id, NULL"
        report.participations_created += sql.run(
            f"INSERT INTO {part_table} (programme, person_id, household_id, period_start, period_end, source) "
            f"SELECT %s, {target}, period_start, NULL, %s FROM {NEW}",
            [programme, _("impor daftar")],
        )
    sql.run(f"DROP TABLE IF EXISTS {NEW}")


def check_mapping(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Problems with a column mapping (field → header), in words; empty when usable."""
    problems = []
    for key in REQUIRED:
        if not mapping.get(key):
            problems.append(_("Kolom untuk %(field)s wajib dipilih.") % {"field": key})
    used: dict[str, str] = {}
    for key, header in mapping.items():
        if not header:
            continue
        if key not in FIELD_KEYS:
            problems.append(_("Kolom tujuan %(field)s tidak dikenal.") % {"field": key})
        elif header not in headers:
            problems.append(_("Kolom %(header)s tidak ada di berkas.") % {"header": header})
        elif header in used:
            problems.append(
                _("Kolom %(header)s dipakai untuk %(a)s dan %(b)s.")
                % {"header": header, "a": used[header], "b": key}
            )
        else:
            used[header] = key
    return problems


def import_registry_file(
    *,
    path: Path,
    mapping: dict[str, str],
    actor: Any,
    file_name: str = "",
    default_period: str = "",
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import one file, all or nothing. Raises ImportFailed with the failing rows."""
    today = today or timezone.localdate()
    try:
        table = TableFile(path, file_name)
        headers = table.headers()
    except FileFormatError as exc:
        raise ImportFailed(str(exc)) from exc
    problems = check_mapping(mapping, headers)
    if problems:
        raise ImportFailed(" ".join(problems))
    index = {key: headers.index(header) for key, header in mapping.items() if header}
    cleaner = Cleaner(
        mapping=index,
        desa_codes=frozenset(
            Wilayah.objects.filter(level=Level.DESA).values_list("code", flat=True)
        ),
        kecamatan_codes=frozenset(
            Wilayah.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True)
        ),
        allowed=_in_areas(_area_codes(actor)),
        today=today,
        default_period=default_period,
    )
    report = ImportReport(sha256=_sha256(path))
    sink = _ErrorSink()
    # Staging and checking run outside the transaction so the job's progress is visible while
    # they run; the temporary table lives as long as this connection. Only the merge writes.
    with connection.cursor() as cursor:
        sql = _Sql(cursor)
        try:
            started = time.perf_counter()
            try:
                report.rows = _stage(sql, table, cleaner, sink, progress)
            except FileFormatError as exc:
                raise ImportFailed(str(exc)) from exc
            report.seconds["stage"] = round(time.perf_counter() - started, 2)
            if progress:
                progress(report.rows, report.rows, _("Memeriksa seluruh berkas"))
            _whole_file_checks(sql, sink, _area_codes(actor))
            if sink.count:
                raise ImportFailed(
                    _(
                        "%(n)d kesalahan pada %(rows)d baris; tidak ada data yang disimpan. "
                        "Unduh daftar baris yang gagal, perbaiki, lalu impor ulang."
                    )
                    % {"n": sink.count, "rows": report.rows},
                    sink.text(),
                )
            if report.rows == 0:
                raise ImportFailed(_("Berkas tidak berisi baris data."))
            if progress:
                progress(report.rows, report.rows, _("Menyimpan ke registri"))
            report.warnings = cleaner.warnings
            report.warning_samples = cleaner.warning_samples
            started = time.perf_counter()
            with transaction.atomic():
                _merge(sql, set(mapping), report, today)
                codes = area_codes(actor) if actor is not None else ()
                audit.record(
                    actor=actor,
                    action=Action.IMPORT,
                    object_type="registry.person",
                    object_repr=file_name or path.name,
                    wilayah_code=codes[0] if len(codes) == 1 else "",
                    extra={
                        k: v
                        for k, v in report.as_dict().items()
                        if k not in ("warning_samples", "message")
                    },
                )
            report.seconds["merge"] = round(time.perf_counter() - started, 2)
        finally:
            if not connection.needs_rollback:
                sql.run(f"DROP TABLE IF EXISTS {STAGE}")
    return report
