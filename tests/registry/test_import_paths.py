"""The import's fast paths give the same result as the plain ones: rows checked in several
processes (stage.py), a first load that sets the registry's indexes and foreign keys aside
and rebuilds them (merge.py), and the COPY text the rows travel in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from sejahtera.registry.imports import merge as merge_module
from sejahtera.registry.imports import stage as stage_module
from sejahtera.registry.imports.layout import TableFile, suggest_mapping
from sejahtera.registry.imports.loader import ImportFailed, import_registry_file
from sejahtera.registry.imports.merge import REGISTRY_TABLES
from sejahtera.registry.imports.stage import copy_line
from sejahtera.registry.models import Household, Membership, Participation, Person
from sejahtera.registry.synthetic import generate, write_csv
from tests.conftest import DESA_A, DESA_B

TODAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.django_db


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (COPY, forked checkers, index rebuild)")


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def _population_file(tmp_path: Path, persons: int = 150, name: str = "populasi.csv") -> Path:
    population = generate(
        persons=persons, desa_codes=[DESA_A, DESA_B], seed=5, today=TODAY, duplicates=0.0
    )
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(population, handle)
    return path


def _import(path: Path) -> Any:
    mapping = suggest_mapping(TableFile(path).headers())
    return import_registry_file(path=path, mapping=mapping, actor=None, today=TODAY)


def _spoil(path: Path, out: Path) -> Path:
    """Bad values in several rows spread over the file (so over several blocks)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for index in range(3, len(rows), 17):
        rows[index]["nik"] = "12345"
    for index in range(5, len(rows), 23):
        rows[index]["jenis_kelamin"] = "X"
    rows[8]["nik"] = rows[2]["nik"]  # a NIK twice
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return out


def _registry() -> dict[str, Any]:
    return {
        "persons": sorted(
            Person.objects.values_list("nik", "name", "name_key", "birth_date", "sex", "desa_id")
        ),
        "households": sorted(
            Household.objects.values_list("kk_number", "desa_id", "rt", "rw", "desil", "in_dtks")
        ),
        "members": sorted(
            Membership.objects.values_list("person__nik", "household__kk_number", "relation")
        ),
        "participations": sorted(
            Participation.objects.values_list(
                "programme", "person__nik", "household__kk_number", "period_start"
            ),
            key=str,
        ),
    }


def _schema() -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [list(REGISTRY_TABLES), list(REGISTRY_TABLES)],
        )
        return set(cursor.fetchall())


def test_copy_line_escapes_what_the_copy_text_format_needs() -> None:
    plain = copy_line((1, "BUDI", None, True, False, dt.date(1985, 8, 12), 7))
    assert plain == "1\tBUDI\t\\N\tt\tf\t1985-08-12\t7\n"
    odd = copy_line(("a\tb", "baris\nbaru", "c:\\data", "cr\r", None))
    assert odd == "a\\tb\tbaris\\nbaru\tc:\\\\data\tcr\\r\t\\N\n"


def test_copy_line_round_trips_through_postgresql() -> None:
    _postgres_only()
    values = ("a\tb", "baris\nbaru", "c:\\data\\N", "\\", "", None, True, dt.date(2001, 2, 3), 4)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE copy_probe (a text, b text, c text, d text, e text, "
            "f text, g boolean, h date, i integer)"
        )
        with cursor.cursor.copy("COPY copy_probe FROM STDIN") as copy:
            copy.write(copy_line(values).encode())
        cursor.execute("SELECT * FROM copy_probe")
        assert cursor.fetchall() == [values]


def test_rows_checked_in_several_processes_fail_and_warn_exactly_as_in_one(
    tmp_path: Path, settings: Any
) -> None:
    _postgres_only()
    settings.IMPORT_PROGRESS_ROWS = 7  # many small blocks, taken in turn by the processes
    settings.IMPORT_PARALLEL_ROWS = 1
    bad = _spoil(_population_file(tmp_path), tmp_path / "rusak.csv")
    outcomes = []
    for workers in (1, 2, 3):
        settings.IMPORT_WORKERS = workers
        with pytest.raises(ImportFailed) as failed:
            _import(bad)
        outcomes.append((str(failed.value), failed.value.errors_csv))
    assert outcomes[0][1].count("\n") > 10  # the spoiled rows are there, in file order
    assert outcomes[1] == outcomes[0]
    assert outcomes[2] == outcomes[0]
    assert Person.objects.count() == 0


def test_rows_checked_in_several_processes_import_the_same_registry(
    tmp_path: Path, settings: Any
) -> None:
    _postgres_only()
    settings.IMPORT_PROGRESS_ROWS = 11
    settings.IMPORT_PARALLEL_ROWS = 1
    path = _population_file(tmp_path)
    settings.IMPORT_WORKERS = 2
    report = _import(path)
    assert report.workers == 2
    assert report.persons_created == Person.objects.count() > 100
    parallel = _registry()
    samples = (report.warnings, report.warning_samples)

    for model in (Participation, Membership, Person, Household):
        model.objects.all().delete()
    settings.IMPORT_WORKERS = 1
    report = _import(path)
    assert report.workers == 1
    assert _registry() == parallel
    assert (report.warnings, report.warning_samples) == samples


def test_a_broken_file_is_refused_the_same_way_by_several_processes(
    tmp_path: Path, settings: Any
) -> None:
    _postgres_only()
    settings.IMPORT_PROGRESS_ROWS = 9
    settings.IMPORT_PARALLEL_ROWS = 1
    settings.IMPORT_WORKERS = 2
    path = _population_file(tmp_path, persons=40)
    broken = tmp_path / "rusak.csv"
    broken.write_bytes(path.read_bytes() + b'3516010101200001;"' + b"x" * 200_000 + b'"\n')
    with pytest.raises(ImportFailed, match="Berkas CSV rusak di baris"):
        _import(broken)
    assert Person.objects.count() == 0


def test_small_or_non_csv_files_are_checked_in_this_process(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_WORKERS = 2
    settings.IMPORT_PARALLEL_ROWS = 10_000
    report = _import(_population_file(tmp_path, persons=30))
    assert report.workers == 1


def test_a_first_load_rebuilds_the_indexes_and_keys_it_set_aside(
    tmp_path: Path, settings: Any
) -> None:
    _postgres_only()
    settings.IMPORT_BULK_ROWS = 1
    before = _schema()
    report = _import(_population_file(tmp_path))
    assert report.bulk_load
    assert _schema() == before
    bulk = _registry()
    assert len(bulk["persons"]) == report.persons_created > 100

    # The same file through the row-by-row path gives the same registry.
    for model in (Participation, Membership, Person, Household):
        model.objects.all().delete()
    settings.IMPORT_BULK_ROWS = 10**9
    report = _import(_population_file(tmp_path))
    assert not report.bulk_load
    assert _registry() == bulk

    # The unique index is back: a second person with a NIK already there is refused.
    settings.IMPORT_BULK_ROWS = 1
    with pytest.raises(Exception, match="person_nik_unique"):
        Person.objects.create(
            nik=bulk["persons"][0][0], name="X", sex="L", desa_id=bulk["persons"][0][5]
        )


def test_a_later_smaller_import_keeps_the_indexes_in_place(tmp_path: Path, settings: Any) -> None:
    _postgres_only()
    settings.IMPORT_BULK_ROWS = 1
    assert _import(_population_file(tmp_path, persons=120)).bulk_load
    other = generate(persons=20, desa_codes=[DESA_A], seed=99, today=TODAY, duplicates=0.0)
    path = tmp_path / "tambahan.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(other, handle)
    report = _import(path)
    assert report.persons_created > 0
    assert not report.bulk_load  # it adds fewer persons than the registry holds


def test_a_first_load_that_fails_leaves_the_schema_and_registry_as_they_were(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only()
    settings.IMPORT_BULK_ROWS = 1
    before = _schema()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge_module, "put_back", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(_population_file(tmp_path))
    assert _schema() == before
    assert Person.objects.count() == Household.objects.count() == 0


def test_error_file_of_parallel_checks_is_a_readable_csv(tmp_path: Path, settings: Any) -> None:
    _postgres_only()
    settings.IMPORT_PROGRESS_ROWS = 5
    settings.IMPORT_PARALLEL_ROWS = 1
    settings.IMPORT_WORKERS = 2
    bad = _spoil(_population_file(tmp_path, persons=60), tmp_path / "rusak.csv")
    with pytest.raises(ImportFailed) as failed:
        _import(bad)
    rows = list(csv.reader(io.StringIO(failed.value.errors_csv or ""), delimiter=";"))
    # The rows' own failures in file order (the whole-file checks follow them).
    numbers = [int(r[0]) for r in rows[1:] if not r[3].startswith("NIK sama")]
    assert len(numbers) > 5
    assert numbers == sorted(numbers)
    assert {r[1] for r in rows[1:]} >= {"nik", "jenis_kelamin"}


def test_a_checker_stops_when_the_importing_process_is_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stage_module, "WAIT_SECONDS", 0.05)
    out = multiprocessing.get_context("fork").Queue(maxsize=1)
    out.put(("block", 0))
    # The queue is full and nobody reads it: with its parent alive a checker waits, with its
    # parent gone (another parent pid than the one it started with) it gives up.
    with pytest.raises(stage_module._ParentGone):
        stage_module._send(out, ("block", 1), parent=-1)
    assert out.get(timeout=1) == ("block", 0)
    stage_module._send(out, ("block", 2), parent=os.getppid())
    assert out.get(timeout=1) == ("block", 2)
