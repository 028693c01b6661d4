"""Record-linkage benchmark: a synthetic district with injected duplicates (ground truth kept
by the generator) in a scratch PostgreSQL database; then

- the Splink duplicate search as the background job runs it (read the persons in one
  streamed query, train unsupervised, score the blocked pairs), timed step by step, with its
  precision and recall against the ground truth at the stored threshold (0.5);
- exact-NIK matching (the registry keeps NIKs unique, so it finds nothing by design);
- the `recordlinkage` library's standard approach (blocking, Jaro-Winkler and exact
  comparisons, the unsupervised ECM classifier), on the same records (`--rl-persons`
  limits it to the first N persons of the population, as its Python comparisons are slow);
- the one-record check (`likely_duplicates`) for the duplicates, p50/p95 and hit rate.

    createdb -h 127.0.0.1 -U postgres linkage_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linkage_bench \\
        .venv/bin/python bench/bench_linkage.py --persons 1100000

Needs the `bench` extra (`pip install -e '.[bench]'`) for recordlinkage.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from sejahtera.linkage import check, finder, records, spec  # noqa: E402
from sejahtera.linkage.models import LinkageModel  # noqa: E402
from sejahtera.registry.models import Household, Membership, Participation, Person  # noqa: E402
from sejahtera.registry.synthetic import generate, save  # noqa: E402
from sejahtera.wilayah.models import Level, Wilayah  # noqa: E402

OFFICE = "35.16"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * p) - 1)]


def ensure_population(persons: int, rate: float, truth_file: Path) -> None:
    if Person.objects.count() == persons + int(persons * rate) and truth_file.exists():
        return
    desa = list(
        Wilayah.objects.filter(level=Level.DESA, code__startswith=OFFICE + ".").values_list(
            "code", flat=True
        )
    )
    with transaction.atomic():
        for model in (Participation, Membership, Person, Household):
            model.objects.all().delete()
    start = time.perf_counter()
    population = generate(persons=persons, desa_codes=desa, seed=11, duplicates=rate)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        save(population)
    stored = time.perf_counter() - start
    with truth_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for duplicate, original, kinds in population.duplicates:
            writer.writerow(
                [population.persons[duplicate].pk, population.persons[original].pk, kinds]
            )
    print(
        f"generated {len(population.persons)} persons ({len(population.duplicates)} injected "
        f"duplicates) in {generated:.0f} s; stored in {stored:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def read_truth(truth_file: Path) -> tuple[set[tuple[int, int]], list[tuple[int, int, str]]]:
    rows = []
    with truth_file.open() as handle:
        for duplicate, original, kinds in csv.reader(handle):
            rows.append((int(duplicate), int(original), kinds))
    return {(min(a, b), max(a, b)) for a, b, _k in rows}, rows


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    hits = len(found & truth)
    return (hits / len(found) if found else float("nan"), hits / len(truth))


def bench_recordlinkage(table: Any, truth: set[tuple[int, int]], limit: int) -> dict[str, Any]:
    import recordlinkage
    from recordlinkage.index import Block

    frame = table.to_pandas().set_index("unique_id")
    if len(frame) > limit:
        # whole desa, so that a duplicate and its original (always one desa) stay together
        sizes = frame.groupby("desa").size().sort_index()
        kept = sizes[sizes.cumsum() <= limit].index
        frame = frame[frame["desa"].isin(kept)]
    ids = {int(i) for i in frame.index}
    truth = {(a, b) for a, b in truth if a in ids and b in ids}
    frame["dob"] = frame["dob"].astype(str)
    start = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.add(Block(["desa", "birth_year"]))
    indexer.add(Block("nik_prefix"))
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
    compare.exact("dob", "dob", label="dob")
    compare.string("nik", "nik", method="levenshtein", threshold=0.85, label="nik")
    compare.exact("sex", "sex", label="sex")
    compare.string("mother", "mother", method="jarowinkler", threshold=0.85, label="mother")
    compare.exact("birth_place", "birth_place", label="birth_place")
    features = compare.compute(candidates, frame)
    classifier = recordlinkage.ECMClassifier(binarize=0.5)
    matches = classifier.fit_predict(features)
    elapsed = time.perf_counter() - start
    found = {(int(min(a, b)), int(max(a, b))) for a, b in matches}
    precision, recall = scores(found, truth)
    by_sum = features[features.sum(axis=1) >= 5].index
    found_sum = {(int(min(a, b)), int(max(a, b))) for a, b in by_sum}
    precision_sum, recall_sum = scores(found_sum, truth)
    return {
        "persons": len(frame),
        "pairs compared": len(candidates),
        "seconds": elapsed,
        "ecm": (precision, recall),
        "sum>=5": (precision_sum, recall_sum),
        "truth": len(truth),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_100_000)
    parser.add_argument("--duplicates", type=float, default=0.005)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--u-pairs", type=float, default=2e6)
    parser.add_argument("--rl-persons", type=int, default=200_000)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--skip-rl", action="store_true")
    parser.add_argument(
        "--only-check", action="store_true", help="time the one-record check with the stored model"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    truth_file = Path(os.environ.get("SEJAHTERA_VAR_DIR", "var")) / (
        f"linkage-truth-{connection.settings_dict['NAME'].rsplit('/', 1)[-1]}-{args.persons}.csv"
    )
    ensure_population(args.persons, args.duplicates, truth_file)
    truth, truth_rows = read_truth(truth_file)
    total = Person.objects.count()
    print(f"database: {connection.vendor}; persons: {total}; injected duplicates: {len(truth)}")

    if args.only_check:
        stored = LinkageModel.objects.get()
        time_checks(truth_rows, args.checks)
        print("model version", stored.version)
        return
    start = time.perf_counter()
    table = records.to_table(records.registry_records(records.persons(OFFICE)))
    read = time.perf_counter() - start
    start = time.perf_counter()
    model = finder.train(table, max_pairs=args.u_pairs)
    trained = time.perf_counter() - start
    start = time.perf_counter()
    pairs = list(finder.predict(table, model, threshold=args.threshold))
    predicted = time.perf_counter() - start
    found = {(p.id_l, p.id_r) for p in pairs}
    precision, recall = scores(found, truth)
    print(f"read {len(table)} persons in one streamed query + features: {read:.1f} s")
    print(f"train (prior, u from {args.u_pairs:.0e} pairs, EM x2): {trained:.1f} s")
    print(f"predict (blocked pairs, scored, above {args.threshold}): {predicted:.1f} s")
    print(f"full search: {read + trained + predicted:.1f} s")
    print(f"Splink: {len(found)} pairs, precision {precision:.4f}, recall {recall:.4f}")
    missed: dict[str, int] = {}
    kinds = {(min(a, b), max(a, b)): k for a, b, k in truth_rows}
    for key in truth - found:
        missed[kinds[key]] = missed.get(kinds[key], 0) + 1
    print(f"missed by kind: {missed}")
    false = sorted(found - truth)[:5]
    print(f"some false pairs: {false}")

    niks = Person.objects.values_list("nik", flat=True)
    same_nik = len(niks) - len(set(niks))
    print(f"exact NIK: {same_nik} pairs (NIKs are unique in the registry), recall 0.0")

    if not args.skip_rl:
        result = bench_recordlinkage(table, truth, args.rl_persons)
        print(f"recordlinkage: {result}")

    LinkageModel.objects.all().delete()
    LinkageModel.objects.create(version=1, area_code=OFFICE, model=model, persons=total)
    time_checks(truth_rows, args.checks)
    print("levels of the model:", spec.Parameters.from_model(model).weights)


def time_checks(truth_rows: list[tuple[int, int, str]], checks: int) -> None:
    rng = random.Random(3)
    sample = rng.sample(truth_rows, min(checks, len(truth_rows)))
    persons = Person.objects.in_bulk([d for d, _o, _k in sample])
    timings, hits = [], 0
    check.likely_duplicates(name="x", birth_date=None, nik="", desa_code="35.16.01.2001")
    for duplicate, original, _kinds in sample:
        person = persons[duplicate]
        started = time.perf_counter()
        result = check.likely_duplicates(
            name=person.name,
            birth_date=person.birth_date,
            nik=person.nik,
            desa_code=person.desa_id,
            mother_name=person.mother_name,
            sex=person.sex,
            exclude=(person.pk,),
        )
        timings.append((time.perf_counter() - started) * 1000)
        hits += bool(result) and result[0][0].pk == original
    print(
        f"one-record check: p50 {statistics.median(timings):.1f} ms, p95 "
        f"{percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; original found first "
        f"for {hits}/{len(sample)}"
    )


if __name__ == "__main__":
    main()
