from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pytest

from sejahtera.linkage import finder, records, spec
from sejahtera.registry.synthetic import Population, generate
from tests.conftest import DESA_A, DESA_A2, DESA_B

TODAY = dt.date(2026, 11, 27)


@dataclass
class Synthetic:
    population: Population
    records: list[spec.Record]
    table: pa.Table
    truth: set[tuple[int, int]]  # (lower index, higher index) of each injected duplicate


def synthetic_records(population: Population) -> list[spec.Record]:
    household_of = {p: population.households[h] for h, p, _r in population.links}
    out = []
    for index, person in enumerate(population.persons):
        household = household_of.get(index)
        out.append(
            spec.features(
                unique_id=index,
                name=person.name,
                birth_date=person.birth_date,
                sex=person.sex,
                nik=person.nik,
                mother_name=person.mother_name,
                kk_number=household.kk_number if household else None,
                desa_code=person.desa_id,
                street=household.street if household else None,
                rt=household.rt if household else None,
                rw=household.rw if household else None,
                birth_place=person.birth_place,
            )
        )
    return out


def make_synthetic(persons: int, duplicates: float, seed: int = 11) -> Synthetic:
    population = generate(
        persons=persons,
        desa_codes=[DESA_A, DESA_A2, DESA_B],
        seed=seed,
        today=TODAY,
        duplicates=duplicates,
    )
    rows = synthetic_records(population)
    truth = {(min(a, b), max(a, b)) for a, b, _kind in population.duplicates}
    return Synthetic(population, rows, records.to_table(iter(rows)), truth)


@pytest.fixture(scope="session")
def synthetic() -> Synthetic:
    """2,000 invented persons in three desa, 3 % of them registered twice with typos."""
    return make_synthetic(2000, 0.03)


@pytest.fixture(scope="session")
def trained(synthetic: Synthetic) -> dict[str, Any]:
    """A model trained (unsupervised) on `synthetic`."""
    return finder.train(synthetic.table, max_pairs=2e5, seed=3)


@dataclass
class Saved:
    population: Population
    truth_pks: set[tuple[int, int]]  # (lower pk, higher pk) of each injected duplicate


def save_synthetic(persons: int = 600, duplicates: float = 0.03, seed: int = 21) -> Saved:
    """A synthetic population stored in the test database."""
    from sejahtera.registry.synthetic import save

    population = generate(
        persons=persons,
        desa_codes=[DESA_A, DESA_A2, DESA_B],
        seed=seed,
        today=TODAY,
        duplicates=duplicates,
    )
    save(population)
    truth = set()
    for duplicate, original, _kind in population.duplicates:
        a, b = population.persons[duplicate].pk, population.persons[original].pk
        assert a is not None and b is not None
        truth.add((min(a, b), max(a, b)))
    return Saved(population, truth)


def store_model(model: dict[str, Any], version: int = 1) -> Any:
    from sejahtera.linkage.models import LinkageModel

    return LinkageModel.objects.create(
        version=version, area_code="35.16", model=model, persons=2000
    )
