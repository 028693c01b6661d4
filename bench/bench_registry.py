"""Registry benchmark: a synthetic district in a scratch PostgreSQL database, then searches as
a village operator would make them (by NIK, and by name within the desa), through the same
selector and FilterSet as the page and the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sejahtera_bench \\
        .venv/bin/python bench/bench_registry.py --persons 1100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from sejahtera.accounts.models import User  # noqa: E402
from sejahtera.accounts.roles import Role  # noqa: E402
from sejahtera.registry.filtersets import PersonFilterSet  # noqa: E402
from sejahtera.registry.models import Household, Membership, Person  # noqa: E402
from sejahtera.registry.selectors import persons_for  # noqa: E402
from sejahtera.registry.synthetic import generate, save  # noqa: E402
from sejahtera.wilayah.models import Level, Wilayah  # noqa: E402


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * p) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    desa = list(
        Wilayah.objects.filter(level=Level.DESA, code__startswith="35.16.").values_list(
            "code", flat=True
        )
    )
    if Person.objects.count() < args.persons:
        with transaction.atomic():
            Membership.objects.all().delete()
            Person.objects.all().delete()
            Household.objects.all().delete()
        start = time.perf_counter()
        population = generate(persons=args.persons, desa_codes=desa, seed=11)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        with transaction.atomic():
            save(population)
        stored = time.perf_counter() - start
        print(
            f"generated {len(population.persons)} persons / {len(population.households)} households in {generated:.0f} s; stored (bulk_create) in {stored:.0f} s"
        )
        del population
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; persons: {Person.objects.count()}, households: {Household.objects.count()}"
    )
    rng = random.Random(5)
    target = rng.choice(desa)
    operator, _ = User.objects.get_or_create(
        username="bench_op", defaults={"full_name": "Bench", "role": Role.OPERATOR_DESA}
    )
    operator.areas.set([target])
    operator = User.objects.get(pk=operator.pk)
    in_desa = list(Person.objects.filter(desa_id=target).values_list("nik", "name")[:2000])
    for label, make_query in [
        ("NIK", lambda: rng.choice(in_desa)[0]),
        ("name within desa", lambda: rng.choice(in_desa)[1].split()[0][:5]),
    ]:
        samples = []
        for _ in range(args.runs):
            query = make_query()
            start = time.perf_counter()
            qs = PersonFilterSet({"q": query}, queryset=persons_for(operator)).qs
            count = qs.count()
            list(qs.order_by("name")[:50])
            samples.append((time.perf_counter() - start) * 1000)
            assert count >= 1
        print(
            f"search by {label} (operator of desa {target}, count + first page): p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms"
        )


if __name__ == "__main__":
    main()
