"""Eligibility benchmark at district scale: each programme's rule over the whole registry
(one SQL statement: the count a rule preview shows, and the full list of ids as a cycle
would take), all programmes in a row, and the explanation for single persons.

Needs a registry of 1.1 million synthetic persons in the database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_programs \\
        .venv/bin/sejahtera generate-population --persons 1100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_programs \\
        .venv/bin/python bench/bench_programs.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")
# The administrator's second factor is asked once per sign-in, not per request: off here.
os.environ.setdefault("SEJAHTERA_2FA_ROLES", "")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402
from sejahtera.accounts.roles import Role  # noqa: E402
from sejahtera.accounts.services import UserData, create_user  # noqa: E402
from sejahtera.programs.models import Programme  # noqa: E402
from sejahtera.programs.selectors import eligible, explain  # noqa: E402
from sejahtera.registry.models import Person  # noqa: E402
from sejahtera.wilayah.models import Wilayah  # noqa: E402

AS_OF = dt.date(2026, 6, 15)


def main() -> None:
    persons = Person.objects.count()
    print(f"database: {connection.vendor}, persons: {persons:,}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print("| programme | eligible | count (preview) | ids (list) |")
    print("|---|---|---|---|")
    total_start = time.perf_counter()
    slowest = 0.0
    for programme in Programme.objects.order_by("number"):
        if not programme.rules.exists():
            continue
        start = time.perf_counter()
        count = eligible(programme, as_of=AS_OF).count()
        counted = time.perf_counter() - start
        start = time.perf_counter()
        ids = list(eligible(programme, as_of=AS_OF).values_list("pk", flat=True))
        listed = time.perf_counter() - start
        slowest = max(slowest, counted, listed)
        assert len(ids) == count
        print(
            f"| {programme.number}. {programme.code} | {count:,} | {counted:.2f} s | {listed:.2f} s |"
        )
    print(f"| all programmes (count + list each) | | {time.perf_counter() - total_start:.1f} s | |")
    print(f"slowest single statement: {slowest:.2f} s")
    rng = random.Random(7)
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample = []
    while len(sample) < 200:
        person = Person.objects.filter(pk__gte=rng.randint(1, top)).order_by("pk").first()
        if person is not None:
            sample.append(person)
    programmes = list(Programme.objects.filter(rules__isnull=False).distinct())
    timings = []
    for person in sample:
        programme = rng.choice(programmes)
        start = time.perf_counter()
        explain(programme, person, as_of=AS_OF)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"explain one person (200 runs): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    preview_requests()


def preview_requests(runs: int = 10) -> None:
    """The rule editor's live count as the administrator's browser asks it: `POST
    /program/<code>/aturan/pratinjau/` with a draft (the rule in force with one more
    criterion), whole request through Django. The first request also counts the rule in
    force (kept for a few minutes afterwards); each later one counts only the draft."""
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = create_user(
            actor=None,
            data=UserData(
                username="bench-admin",
                full_name="Admin Benchmark",
                role=Role.ADMIN,
                areas=[Wilayah.objects.get(code=settings.OFFICE_WILAYAH_CODE)],
            ),
            password=secrets.token_urlsafe(16),  # signed in with force_login
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    cache.clear()
    print("| preview request (administrator, whole district) | first | p50 later | p95 later |")
    print("|---|---|---|---|")
    for code in ("permakanan-pokmas", "blt-dbhcht", "pkh-plus"):
        programme = Programme.objects.get(code=code)
        version = programme.rules.order_by("-version").first()
        assert version is not None
        timings = []
        for run in range(runs + 1):
            draft = {"all": [version.rule, {"type": "age", "min": 18 + run % 3}]}
            body = json.dumps({"rule": draft, "valid_from_year": AS_OF.year})
            start = time.perf_counter()
            response = client.post(
                f"/program/{code}/aturan/pratinjau/", body, content_type="application/json"
            )
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:300]
        later = sorted(timings[1:])
        p95 = later[max(0, int(len(later) * 0.95) - 1)]
        print(
            f"| {code} | {timings[0]:,.0f} ms | {statistics.median(later):,.0f} ms | {p95:,.0f} ms |"
        )


if __name__ == "__main__":
    main()
