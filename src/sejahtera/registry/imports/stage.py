"""Staging an import: every row of the file checked (`rows.Cleaner`) and written to a
temporary table, then the checks that need the whole file, as single SQL statements.

On PostgreSQL the rows go in by COPY, one COPY per block of rows with the job's progress
written between blocks; elsewhere by executemany in batches. Memory stays constant.

A large CSV file on PostgreSQL is checked by several processes (`IMPORT_WORKERS`, forked from
this one, so they share its checker without a query of their own): each reads the file and
checks every n-th block, and sends the block back as COPY text with its failing rows. This
process writes each block to the staging table as it arrives and the failing rows in file
order. The check of a row is pure Python, about 10 µs a row; a district's file spent most of
its staging time there (bench/RESULTS.md). The checkers never touch the database connection
they inherit, and leave by `os._exit` (multiprocessing's fork start), so it stays the
parent's; the importing process is the task worker or the `registry import` command, both
single-threaded, so nothing is forked while another thread holds a lock.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import multiprocessing
import os
import queue as queues
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from sejahtera.common.exports import safe_cell
from sejahtera.registry.imports.layout import FileFormatError, TableFile
from sejahtera.registry.imports.merge import STAGE, Sql, analyze
from sejahtera.registry.imports.rows import STAGE_COLUMNS, WARNING_SAMPLES, Cleaner, RowError
from sejahtera.registry.models import Household, Person

MAX_ERROR_ROWS = 50_000
ERROR_VALUE_CHARS = 200
BATCH = 5_000
COPY_BLOCK = 50_000
WAIT_SECONDS = 1.0
ProgressFn = Callable[..., None]


class ErrorSink:
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


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _plain(v: Any) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    return str(v)  # int, or a date as YYYY-MM-DD


def copy_line(values: tuple[Any, ...]) -> str:
    """One staged row as a line of PostgreSQL's COPY text format (str, int, bool, date or
    None cells). Cells are escaped only when the row holds a tab, a line break or a
    backslash of its own (rare; the check is three C calls, the escaping a Python loop)."""
    line = "\t".join([v if type(v) is str else _plain(v) for v in values])
    if (
        line.count("\t") != len(values) - 1
        or line.count("\\") != values.count(None)
        or "\n" in line
        or "\r" in line
    ):
        line = "\t".join([v.translate(_ESCAPES) if type(v) is str else _plain(v) for v in values])
    return line + "\n"


def _db_values(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A staged row as executemany parameters (dates as the backend stores them)."""
    return tuple(
        connection.ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v for v in values
    )


Numbered = Iterator[tuple[int, list[str]]]


def _check_block(
    cleaner: Cleaner, numbered: Numbered, size: int, out: Callable[[tuple[Any, ...]], Any]
) -> tuple[int, list[Any], list[RowError]]:
    """Check the next `size` rows: (rows read, `out` of each good row, failing rows). Rows
    are checked as they are read; only their staged form is kept."""
    read = 0
    staged: list[Any] = []
    errors: list[RowError] = []
    for row_no, row in islice(numbered, size):
        read += 1
        values, problems = cleaner.clean(row_no, row)
        if values is not None:
            staged.append(out(values))
        errors.extend(problems)
    return read, staged, errors


def _skip(numbered: Numbered, size: int) -> int:
    return sum(1 for _row in islice(numbered, size))


class _ParentGone(Exception):
    """The importing process died (killed with its job): a checker stops instead of waiting
    on a full queue forever."""


def _send(out: Any, message: tuple[Any, ...], parent: int) -> None:
    while True:
        try:
            out.put(message, timeout=WAIT_SECONDS)
            return
        except queues.Full:
            if os.getppid() != parent:
                out.cancel_join_thread()  # nobody will read what is still buffered
                raise _ParentGone from None


def _work(table: TableFile, cleaner: Cleaner, part: int, parts: int, size: int, out: Any) -> None:
    """A forked worker: check blocks part, part + parts, … and send each back as
    ("block", index, rows, COPY text, failing rows, new warnings, their samples)."""
    parent = os.getppid()
    try:
        numbered = enumerate(table.rows(), start=2)
        index = 0
        while True:
            if index % parts != part:
                if not _skip(numbered, size):
                    break
                index += 1
                continue
            warnings, samples = cleaner.warnings, len(cleaner.warning_samples)
            read, lines, errors = _check_block(cleaner, numbered, size, copy_line)
            if not read:
                break
            _send(
                out,
                (
                    "block",
                    index,
                    read,
                    "".join(lines).encode(),
                    errors,
                    cleaner.warnings - warnings,
                    cleaner.warning_samples[samples:],
                ),
                parent,
            )
            index += 1
        _send(out, ("done", part), parent)
    except _ParentGone:
        return
    except FileFormatError as exc:
        with contextlib.suppress(_ParentGone):
            _send(out, ("refused", str(exc)), parent)
    except BaseException:  # reported to the parent, which raises
        with contextlib.suppress(_ParentGone):
            _send(out, ("crashed", traceback.format_exc()), parent)


def _parallel_workers(table: TableFile) -> int:
    """How many processes check this file: 1 unless it is a large CSV on PostgreSQL."""
    workers = settings.IMPORT_WORKERS
    if (
        workers < 2
        or connection.vendor != "postgresql"
        or table.kind != "csv"
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # a daemon may not have children
    ):
        return 1
    return workers if (table.count_rows() or 0) >= settings.IMPORT_PARALLEL_ROWS else 1


def _copy(sql: Sql, names: str, data: bytes, seconds: dict[str, float]) -> None:
    """One block into the staging table; `seconds["copy"]` adds up the time spent here."""
    started = time.perf_counter()
    raw = sql.cursor.cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
        copy.write(data)
    seconds["copy"] = seconds.get("copy", 0.0) + time.perf_counter() - started


def _stage_parallel(
    sql: Sql,
    table: TableFile,
    cleaner: Cleaner,
    sink: ErrorSink,
    progress: ProgressFn | None,
    workers: int,
    size: int,
    seconds: dict[str, float],
) -> int:
    names = ", ".join(name for name, _kind in STAGE_COLUMNS)
    total = table.count_rows()
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=2 * workers)
    processes = [
        context.Process(target=_work, args=(table, cleaner, part, workers, size, out), daemon=True)
        for part in range(workers)
    ]
    for process in processes:
        process.start()
    rows = 0
    done = 0
    waiting: dict[int, tuple[list[RowError], int, list[str]]] = {}
    next_index = 0
    try:
        while done < workers:
            try:
                message = out.get(timeout=WAIT_SECONDS)
            except queues.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("import worker died") from None
                continue
            kind = message[0]
            if kind == "done":
                done += 1
                continue
            if kind == "refused":
                raise FileFormatError(message[1])
            if kind == "crashed":
                raise RuntimeError(f"import worker failed:\n{message[1]}")
            _kind, index, count, data, errors, warnings, samples = message
            _copy(sql, names, data, seconds)
            rows += count
            # Failing rows and warnings are kept in file order.
            waiting[index] = (errors, warnings, samples)
            while next_index in waiting:
                errors, warnings, samples = waiting.pop(next_index)
                for error in errors:
                    sink.add(error)
                cleaner.warnings += warnings
                room = WARNING_SAMPLES - len(cleaner.warning_samples)
                cleaner.warning_samples.extend(samples[: max(0, room)])
                next_index += 1
            if progress:
                progress(rows, total, _("%(n)d baris diperiksa") % {"n": rows})
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        out.close()
    return rows


def stage(
    sql: Sql,
    table: TableFile,
    cleaner: Cleaner,
    sink: ErrorSink,
    progress: ProgressFn | None,
    seconds: dict[str, float],
) -> tuple[int, int]:
    """Check every row into the staging table; return the number of data rows and of the
    processes that checked them. `seconds["copy"]` gets the time spent in COPY."""
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
    sql.run(f"DROP TABLE IF EXISTS {STAGE}")
    sql.run(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
    names = ", ".join(name for name, _kind in STAGE_COLUMNS)
    total = table.count_rows()
    every = settings.IMPORT_PROGRESS_ROWS or (
        COPY_BLOCK if connection.vendor == "postgresql" else 20_000
    )
    workers = _parallel_workers(table)
    if workers > 1:
        rows = _stage_parallel(sql, table, cleaner, sink, progress, workers, every, seconds)
    else:
        rows = 0
        numbered = enumerate(table.rows(), start=2)
        postgres = connection.vendor == "postgresql"
        insert = "INSERT INTO {} ({}) VALUES ({})".format(
            STAGE, names, ", ".join(["%s"] * len(STAGE_COLUMNS))
        )
        while True:
            read, staged, errors = _check_block(
                cleaner, numbered, every, copy_line if postgres else _db_values
            )
            if not read:
                break
            if postgres:
                # One COPY per block: progress is written between blocks (a query on
                # this connection while a COPY is open would wait for the COPY forever).
                _copy(sql, names, "".join(staged).encode(), seconds)
            else:
                for start in range(0, len(staged), BATCH):
                    sql.cursor.executemany(insert, staged[start : start + BATCH])
            for error in errors:
                sink.add(error)
            rows += read
            if progress:
                progress(rows, total, _("%(n)d baris diperiksa") % {"n": rows})
    sql.run(f"CREATE INDEX {STAGE}_nik ON {STAGE} (nik)")
    sql.run(f"CREATE INDEX {STAGE}_kk ON {STAGE} (kk, row_no)")
    analyze(sql, STAGE)
    return rows, workers


def _outside_sql(column: str, codes: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL that holds when `column` (a wilayah code) lies outside all of `codes`: the same
    rule as accounts.scoping.area_q, for raw SQL over the staging table."""
    inside = " OR ".join(f"{column} = %s OR {column} LIKE %s" for _code in codes) or "1 = 0"
    params = [p for code in codes for p in (code, code + ".%")]
    return f"NOT ({inside})", params


def whole_file_checks(sql: Sql, sink: ErrorSink, codes: tuple[str, ...]) -> None:
    """A NIK twice, a KK in two desa or with two heads, and records of other areas."""
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
    for table, key, staged, column, reason in (
        (
            Person._meta.db_table,
            "nik",
            "nik",
            "nik",
            _("NIK ini terdaftar di desa %(desa)s, di luar wilayah kerja Anda."),
        ),
        (
            Household._meta.db_table,
            "kk_number",
            "kk",
            "no_kk",
            _("Nomor KK ini terdaftar di desa %(desa)s, di luar wilayah kerja Anda."),
        ),
    ):
        outside, params = _outside_sql("r.desa_id", codes)
        for row_no, number, desa in sql.rows(
            f"SELECT s.row_no, s.{staged}, r.desa_id FROM {STAGE} s "
            f"JOIN {table} r ON r.{key} = s.{staged} WHERE {outside} ORDER BY s.row_no",
            params,
        ):
            sink.add(RowError(row_no, column, number, reason % {"desa": desa}))
