"""Import benchmark: the full synthetic district as one file, imported into an empty registry
on PostgreSQL with the same code path as the page and the command, next to a bare COPY of the
same file into an unindexed table, measured in the same run. Peak memory is the importing
process's maximum resident set (the import runs in a child process: `sejahtera registry
import`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_import \\
        .venv/bin/python bench/bench_import.py --persons 1100000
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from sejahtera.registry.imports.layout import FIELD_KEYS  # noqa: E402
from sejahtera.registry.models import Household, Membership, Participation, Person  # noqa: E402


def sejahtera(*args: str, measured: bool = False) -> tuple[float, str]:
    """Run a `sejahtera` command in a child process. With `measured`, through a fresh
    intermediate process whose only child is the command, which prints that child's peak
    memory (so earlier children such as the generator do not count)."""
    command = [str(ROOT / ".venv" / "bin" / "sejahtera"), *args]
    if measured:
        command = [sys.executable, __file__, "--peak-of", *command]
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own executables)
        command,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return elapsed, done.stdout.strip().splitlines()[-1]


def bare_copy(path: Path) -> float:
    columns = ", ".join(f"{k} text" for k in FIELD_KEYS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
        cursor.execute(f"CREATE TABLE bench_bare_copy ({columns})")
        start = time.perf_counter()
        with (
            cursor.cursor.copy(
                "COPY bench_bare_copy FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
            ) as copy,
            path.open("rb") as handle,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("SELECT COUNT(*) FROM bench_bare_copy")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare_copy")
    print(f"bare COPY: {rows} rows in {elapsed:.1f} s")
    return elapsed


def peak_of(command: list[str]) -> None:
    """Run `command` and print its memory at the peak: the largest resident set of any one
    process, and the sum over the process and the checkers it forks (proportional set size,
    so pages the forks share with it are counted once), sampled every 50 ms."""
    import psutil

    process = subprocess.Popen(  # noqa: S603 (our own executables)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    parent = psutil.Process(process.pid)
    peak_sum = 0.0
    while process.poll() is None:
        total = 0
        for member in [parent, *parent.children(recursive=True)]:
            try:
                total += member.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        peak_sum = max(peak_sum, total / 1048576)
        time.sleep(0.05)
    out, err = process.communicate()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    sys.stdout.write(
        out.rstrip() + f" [peak memory {peak:.0f} MB in one process, {peak_sum:.0f} MB in all]\n"
    )
    sys.stderr.write(err)
    raise SystemExit(process.returncode)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--peak-of":
        peak_of(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_100_000)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run this benchmark on PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    path = (
        args.file
        or Path(tempfile.gettempdir()) / "sejahtera-bench" / f"populasi-{args.persons}.csv"
    )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        elapsed, line = sejahtera(
            "generate-population", "--persons", str(args.persons), "--out", str(path)
        )
        print(f"generate --out: {elapsed:.0f} s: {line}")
    print(f"file: {path} ({path.stat().st_size / 1048576:.0f} MB)")
    with connection.cursor() as cursor:
        for model in (Participation, Membership, Person, Household):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
        cursor.execute("VACUUM ANALYZE")
    copy_s = bare_copy(path)
    import_s, line = sejahtera("registry", "import", str(path), measured=True)
    print(
        f"import into an empty registry: {import_s:.1f} s ({import_s / copy_s:.1f}x bare COPY): {line}"
    )
    again_s, line = sejahtera("registry", "import", str(path), measured=True)
    print(f"same file again (no changes): {again_s:.1f} s: {line}")
    update = monthly_update(path)
    update_s, line = sejahtera("registry", "import", str(update), measured=True)
    print(f"a monthly update of the same registry: {update_s:.1f} s: {line}")
    print(
        f"registry now: {Person.objects.count()} persons, {Household.objects.count()} households, "
        f"{Participation.objects.count()} participations"
    )
    write_s, index_s = write_floor()
    print(
        f"floor: the registry's four tables copied into tables of the same shape without "
        f"index, key or check: {write_s:.1f} s ({write_s / copy_s:.1f}x bare COPY); then "
        f"their primary keys and indexes: {index_s:.1f} s; together "
        f"{write_s + index_s:.1f} s ({(write_s + index_s) / copy_s:.1f}x bare COPY)"
    )


def monthly_update(path: Path) -> Path:
    """The file again as next month's list: desil and occupation changed on every 20th row,
    every 100th member (not a head) moved into the previous household of the same desa, and 20,000 new members (NIKs made from a member's, serials from 9001 not yet
    in the file)."""
    out = path.with_name(path.stem + ".pembaruan.csv")
    with path.open(encoding="utf-8", newline="") as source:
        taken = {row["nik"] for row in csv.DictReader(source, delimiter=";")}
    serials: dict[str, int] = {}
    with (
        path.open(encoding="utf-8", newline="") as source,
        out.open("w", encoding="utf-8", newline="") as target,
    ):
        reader = csv.DictReader(source, delimiter=";")
        writer = csv.DictWriter(target, fieldnames=list(reader.fieldnames or []), delimiter=";")
        writer.writeheader()
        previous: dict[str, str] | None = None
        finished: dict[str, str] = {}  # desa → the last KK read to its end
        added = 0
        for number, row in enumerate(reader):
            if number % 20 == 0:
                row["desil"] = str(int(row["desil"] or "5") % 10 + 1)
                row["pekerjaan"] = "PEDAGANG" if row["pekerjaan"] != "PEDAGANG" else "PETANI"
            if previous is not None and previous["no_kk"] != row["no_kk"]:
                finished[previous["kode_desa"]] = previous["no_kk"]
            target_kk = finished.get(row["kode_desa"], row["no_kk"])
            if (
                number % 100 == 50
                and row["hubungan_keluarga"] != "kepala"
                and target_kk != row["no_kk"]
            ):
                row["no_kk"] = target_kk
                row["hubungan_keluarga"] = "famili"
            writer.writerow(row)
            if number % 50 == 7 and added < 20_000 and row["hubungan_keluarga"] != "kepala":
                prefix = row["nik"][:12]
                serial = serials.get(prefix, 9000) + 1
                while f"{prefix}{serial:04d}" in taken:
                    serial += 1
                serials[prefix] = serial
                writer.writerow(
                    row | {"nik": f"{prefix}{serial:04d}", "hubungan_keluarga": "famili"}
                )
                added += 1
            previous = row
    return out


def write_floor() -> tuple[float, float]:
    """The least any import into this registry must write: its rows (copied from the registry
    just imported into plain tables of the same shape, logged like the registry, without
    index, key or check), then the same primary keys and indexes built in one pass each."""
    write = index = 0.0
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")  # as the import's rebuild
        for model in (Household, Person, Membership, Participation):
            table = model._meta.db_table
            floor = f"bench_floor_{table}"
            cursor.execute(f"DROP TABLE IF EXISTS {floor}")
            cursor.execute(f"CREATE TABLE {floor} (LIKE {table} INCLUDING DEFAULTS)")
            start = time.perf_counter()
            cursor.execute(f"INSERT INTO {floor} SELECT * FROM {table}")  # noqa: S608 (model tables)
            write += time.perf_counter() - start
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
            definitions = [
                definition.replace(f" ON public.{table} ", f" ON public.{floor} ").replace(
                    f"INDEX {name} ", f"INDEX bench_floor_{name} "
                )
                for name, definition in cursor.fetchall()
            ]
            start = time.perf_counter()
            for definition in definitions:
                cursor.execute(definition)
            index += time.perf_counter() - start
            cursor.execute(f"DROP TABLE {floor}")
    return write, index


if __name__ == "__main__":
    main()
