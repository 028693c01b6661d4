"""Renstra benchmark: loading the seed plan, the consistency check, and building each report
from a plan with a full period of realisation (every indicator and every sub kegiatan, every
quarter 2025–2030, approved), as a page's data, .xlsx and PDF. The plan of one office is
small (58 rows, 96 indicators); the point is that every figure is computed per request and
that this stays well under a second for the page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_renstra \\
        .venv/bin/python bench/bench_renstra.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402
from sejahtera.accounts.reference import load as load_units  # noqa: E402
from sejahtera.accounts.roles import Role  # noqa: E402
from sejahtera.planning import checks, render, sheets  # noqa: E402
from sejahtera.planning.demo import synthetic_realisation  # noqa: E402
from sejahtera.planning.loader import load_plan  # noqa: E402
from sejahtera.planning.models import Plan, Realisation, Status  # noqa: E402
from sejahtera.planning.reference import load as load_grades  # noqa: E402
from sejahtera.planning.selectors import PlanData  # noqa: E402


def timed(label: str, fn: Callable[[], Any], repeat: int = 5) -> Any:
    runs = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    print(f"| {label} | {statistics.median(runs) * 1000:.0f} ms | {repeat} |")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    Realisation.objects.all().delete()
    Plan.objects.all().delete()
    load_grades(stdout=io.StringIO())
    print(f"database: {connection.vendor}")
    print("| step | median | runs |")
    print("|---|---|---|")
    start = time.perf_counter()
    plan = load_plan(actor=None).plan
    print(
        f"| load the seed plan (first time) | {(time.perf_counter() - start) * 1000:.0f} ms | 1 |"
    )
    timed("reload unchanged plan", lambda: load_plan(actor=None))
    count = synthetic_realisation(plan, today=dt.date(2030, 12, 31))
    Realisation.objects.update(status=Status.APPROVED)
    print(f"| (realisation rows: {count}) | | |")
    timed("consistency check (all findings)", lambda: checks.findings(plan))
    timed("PlanData (one plan with all realisation)", lambda: PlanData(plan))
    data = PlanData(plan)
    timed("Tabel 4.3.2 sheet", lambda: sheets.plan_table(data))
    timed("E.80 sheet to 2029", lambda: sheets.e80(data, 2029))
    timed("E.81 sheet 2029 TW IV", lambda: sheets.e81(data, 2029, 4))
    timed("T-C.29 sheet 2029", lambda: sheets.tc29(data, 2029))
    e80 = sheets.e80(data, 2029)
    timed("E.80 .xlsx", lambda: render.to_xlsx(e80))
    timed("E.80 PDF (WeasyPrint)", lambda: render.to_pdf(e80), repeat=3)
    client = Client()
    load_units(stdout=io.StringIO())
    user = User.objects.filter(username="bench_kadis").first() or User.objects.create_user(
        username="bench_kadis", full_name="Bench", role=Role.KEPALA_DINAS
    )
    client.force_login(user)
    for label, url in (
        ("page: dashboard", "/renstra/?tahun=2029"),
        ("page: E.80 to 2029", "/renstra/evaluasi/e80/?tahun=2029"),
        ("page: E.81 2029 TW IV", "/renstra/evaluasi/e81/?tahun=2029&tw=4"),
        ("page: consistency", "/renstra/konsistensi/"),
        ("page: realisation 2029 TW IV", "/renstra/realisasi/?tahun=2029&tw=4&unit=semua"),
    ):
        timed(label, lambda url=url: client.get(url, HTTP_HOST="localhost"))


if __name__ == "__main__":
    main()
