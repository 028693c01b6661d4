"""Foundation benchmark: loading the areas of Indonesia, and area-scoped reads.

Run against a scratch database (it migrates and loads into it):
    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/bench_foundation.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench \
        .venv/bin/python bench/bench_foundation.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402
from sejahtera.accounts.roles import Role  # noqa: E402
from sejahtera.wilayah.selectors import wilayah_for  # noqa: E402
from sejahtera.wilayah.services import load_wilayah  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    report = load_wilayah(actor=None)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = load_wilayah(actor=None)
    second = time.perf_counter() - start
    print(f"database: {connection.vendor}")
    print(
        f"wilayah load: {sum(report.added.values())} added in {first:.1f} s; "
        f"second run {sum(again.added.values())} added, {second:.1f} s"
    )
    call_command("load_reference", verbosity=0)
    desa = User.objects.filter(username="bench_desa").first() or User.objects.create(
        username="bench_desa", full_name="Bench", role=Role.OPERATOR_DESA
    )
    desa.areas.set(["35.16.01.2001"])
    office = User.objects.filter(username="bench_office").first() or User.objects.create(
        username="bench_office", full_name="Bench", role=Role.OPERATOR_DINAS
    )
    office.areas.set(["35.16"])
    for label, user in [("operator desa", desa), ("operator dinas", office)]:
        user = User.objects.get(pk=user.pk)
        p50, p95 = timed(lambda u=user: wilayah_for(u).count(), 200)
        print(f"scoped count ({label}): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        client = Client()
        client.force_login(user)
        p50, p95 = timed(lambda c=client: c.get("/wilayah/", HTTP_HOST="localhost"), 50)
        print(f"GET /wilayah/ ({label}): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        p50, p95 = timed(
            lambda c=client: c.get("/api/wilayah/?limit=50", HTTP_HOST="localhost"), 50
        )
        print(f"GET /api/wilayah/ ({label}): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
