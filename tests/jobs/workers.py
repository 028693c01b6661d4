"""Helpers for the tests that run a real `db_worker` process: a large import file written
fast, the environment that points a child process at the test database, and starting,
watching and killing a worker."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sejahtera.common.nik import make_nik

HEADERS = [
    "no_kk",
    "kode_desa",
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "status_dtks",
    "desil",
]
FAMILY = (("kepala", "L", 0), ("pasangan", "P", 2), ("anak", "P", 30))


def write_population(path: Path, *, households: int, desa: str) -> int:
    """A synthetic list of `households` families of three in one desa, valid for the
    importer (NIK and KK carry the kecamatan, a real date and a serial). Returns rows.
    Much faster than the Faker-based generator: only what the import needs."""
    kecamatan = desa.rsplit(".", 1)[0]
    region = kecamatan.replace(".", "")
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADERS)
        for h in range(households):
            serial = h % 9999 + 1
            block = h // 9999
            issued = dt.date(2015, 1, 1) + dt.timedelta(days=block)
            kk = f"{region}{issued:%d%m%y}{serial:04d}"
            born = dt.date(1980, 1, 1) + dt.timedelta(days=block)
            desil = h % 10 + 1
            for relation, sex, years in FAMILY:
                birth = born.replace(year=born.year + years)
                nik = make_nik(kecamatan_code=kecamatan, birth_date=birth, sex=sex, serial=serial)
                writer.writerow(
                    [
                        kk,
                        desa,
                        nik,
                        f"Warga {h} {relation}",
                        birth.isoformat(),
                        sex,
                        relation,
                        "ya",
                        desil,
                    ]
                )
                rows += 1
    return rows


def database_url(connection: Any) -> str:
    """The URL of the (test) database `connection` uses, for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}/{s['NAME']}"


def worker_env(connection: Any, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(connection)
    env["SEJAHTERA_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    env["SEJAHTERA_DEBUG"] = "0"  # no autoreloader child
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`sejahtera db_worker` in its own process group (so the whole group can be killed)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sejahtera", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole process group: nothing runs a `finally`, nothing commits."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """End a worker at the end of a test, whatever state it is in."""
    if proc.poll() is None:
        kill_group(proc)


def wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, log: Path | None = None
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")
