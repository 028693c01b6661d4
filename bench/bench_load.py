"""Load test: the app served by gunicorn on PostgreSQL with the district's population, 50
concurrent users for 5 minutes (locust, headless), p95 latency per endpoint, errors, and the
public check's rate limit under a client that hammers it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_programs \\
        .venv/bin/python bench/bench_load.py --users 50 --minutes 5

The database must already hold the population (see the programme benchmark's commands).
The run adds its own accounts (`lt-*`) if they are missing. gunicorn sits behind no real
proxy here, so it is told to trust 127.0.0.1 as one (SEJAHTERA_TRUSTED_PROXIES) and each
simulated citizen sends its own X-Forwarded-For, as nginx would; the rate limits count in
Redis (SEJAHTERA_REDIS_URL), shared by the workers."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402
from sejahtera.accounts.roles import Role  # noqa: E402
from sejahtera.accounts.services import UserData, create_user  # noqa: E402
from sejahtera.registry.models import Household, Person  # noqa: E402
from sejahtera.wilayah.models import Wilayah  # noqa: E402

PASSWORD = "Muatan-Uji-Kuat-7391"  # noqa: S105 - synthetic benchmark accounts only


def _account(username: str, role: str, areas: list[Wilayah]) -> None:
    if not User.objects.filter(username=username).exists():
        create_user(
            actor=None,
            data=UserData(username=username, full_name=username, role=role, areas=areas),
            password=PASSWORD,
        )


def sample(desa_count: int, per_desa: int) -> dict[str, object]:
    """Accounts and what they will look for: the most populous desa, each with a random
    sample of its persons (NIK, first name) and households."""
    rng = random.Random(7)
    busiest = list(
        Household.objects.values("desa_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("desa_id", flat=True)[: desa_count * 3]
    )
    chosen = rng.sample(busiest, desa_count)
    desa_accounts = []
    public = []
    for i, code in enumerate(chosen):
        username = f"lt-desa-{i:02d}"
        _account(username, Role.OPERATOR_DESA, [Wilayah.objects.get(code=code)])
        households = list(
            Household.objects.filter(desa_id=code).values_list("id", flat=True)[:2000]
        )
        persons = list(
            Person.objects.filter(
                memberships__household__desa_id=code, nik__isnull=False
            ).values_list("nik", "name")[:2000]
        )
        picked = rng.sample(persons, min(per_desa, len(persons)))
        desa_accounts.append(
            {
                "username": username,
                "niks": [nik for nik, _ in picked],
                "names": [name.split()[0] for _, name in picked],
                "households": rng.sample(households, min(per_desa, len(households))),
            }
        )
        public += [{"desa": code, "name": name} for _, name in picked[:20]]
    office = []
    for i in range(4):
        username = f"lt-kantor-{i}"
        _account(username, Role.KEPALA_DINAS, [])
        office.append(username)
    return {
        "password": PASSWORD,
        "public_limit": getattr(settings, "PUBLIC_CHECK_LIMIT", 10),
        "desa": desa_accounts,
        "office": office,
        "public": public,
        # The public check counts per client in the database for 10 minutes: each run's
        # simulated clients get addresses of their own, so runs do not share a window.
        "run": random.SystemRandom().randint(1, 250),
    }


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--desa", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at the PostgreSQL benchmark database")
    print(f"persons: {Person.objects.count():,}, households: {Household.objects.count():,}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("renstra", "load", stdout=io.StringIO())  # the Renstra dashboard needs the plan
    call_command("collectstatic", interactive=False, verbosity=0)  # gunicorn serves the manifest
    work = Path(tempfile.mkdtemp(prefix="sejahtera-load-"))
    sample_file = work / "sample.json"
    sample_file.write_text(json.dumps(sample(args.desa, 50)), encoding="utf-8")
    env = {
        **os.environ,
        "SEJAHTERA_2FA_ROLES": "",
        "SEJAHTERA_TRUSTED_PROXIES": "127.0.0.1",
        "SEJAHTERA_REDIS_URL": os.environ.get("SEJAHTERA_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "SEJAHTERA_LOG_LEVEL": "WARNING",
        "LOAD_SAMPLE": str(sample_file),
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "sejahtera.config.wsgi",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{args.port}",
            "--timeout=120",
        ],
        env=env,
        cwd=ROOT,
    )
    host = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(f"{host}/akun/masuk/")
        prefix = work / "locust"
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "--only-summary",
                f"--users={args.users}",
                f"--spawn-rate={max(1, args.users // 10)}",
                f"--run-time={int(args.minutes * 60)}s",
                f"--host={host}",
                f"--csv={prefix}",
            ],
            env=env,
            cwd=ROOT,
            check=False,
        )
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    report(prefix, args, elapsed)


def report(prefix: Path, args: argparse.Namespace, elapsed: float) -> None:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print()
    print(
        f"{args.users} users, {args.minutes:g} min, gunicorn {args.workers} workers, "
        f"run {elapsed:.0f} s"
    )
    print("| endpoint | requests | failures | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['Median Response Time']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        print(failures_file.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
