"""The load test's pages one at a time (no concurrency), with their query count and slowest
query: where a page's own time goes, as opposed to queueing under load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench_programs \\
        .venv/bin/python bench/bench_pages.py --sample /tmp/sejahtera-load-XXXX/sample.json

The sample file is the one `bench_load.py` writes (its accounts, NIKs, names and KKs)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sample = json.loads(args.sample.read_text(encoding="utf-8"))
    desa = sample["desa"][0]
    operator = Client(HTTP_HOST="127.0.0.1")
    operator.force_login(User.objects.get(username=desa["username"]))
    head = Client(HTTP_HOST="127.0.0.1")
    head.force_login(User.objects.get(username=sample["office"][0]))
    anonymous = Client(HTTP_HOST="127.0.0.1")
    public = sample["public"][0]
    pages = [
        ("sign-in form", anonymous, "/akun/masuk/"),
        ("desa home", operator, "/"),
        ("search by NIK", operator, f"/registri/penduduk/?q={desa['niks'][0]}"),
        ("search by name", operator, f"/registri/penduduk/?q={desa['names'][0]}"),
        ("household page", operator, f"/registri/keluarga/{desa['households'][0]}/"),
        ("office home", head, "/"),
        ("Renstra dashboard", head, "/renstra/"),
        ("programme statistics", head, "/program/statistik/"),
        ("public check", anonymous, f"/cek-bansos/?desa={public['desa']}&name={public['name']}"),
    ]
    print("| page | status | ms per run | queries | slowest query |")
    print("|---|---|---|---|---|")
    for name, client, path in pages:
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
        slowest = max((float(q["time"]) for q in queries.captured_queries), default=0.0)
        shown = " / ".join(f"{t:.0f}" for t in timings)
        print(
            f"| {name} | {response.status_code} | {shown} | {len(queries.captured_queries)} | "
            f"{slowest * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
