"""A synthetic population shaped like a district, for the demo, tests and benchmarks.
Every person is invented (Faker's id_ID locale); NIKs and KK numbers are consistent with the
desa's kecamatan, the birth date and the sex, and unique.

Not yet here (registry issue): PPKS prevalence, national-programme participation at the
scale of Tabel 2.4.3, injected duplicates with their ground truth, and `--out FILE.csv` in
the importer's layout."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from faker import Faker

from sejahtera.common.names import name_key
from sejahtera.common.nik import make_nik
from sejahtera.registry.choices import Relation
from sejahtera.registry.models import Household, Membership, Person

# Household sizes (share of households), mean about 3.1 persons as in Mojokerto
# (1.1 million people in ~350,000 households).
SIZES = {1: 0.13, 2: 0.23, 3: 0.27, 4: 0.21, 5: 0.10, 6: 0.04, 7: 0.02}


@dataclass
class Population:
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    # (household index, person index, relation)
    links: list[tuple[int, int, str]] = field(default_factory=list)


def _birth_date(rng: random.Random, age: int, today: dt.date) -> dt.date:
    start = dt.date(today.year - age - 1, today.month, min(today.day, 28)) + dt.timedelta(days=1)
    return start + dt.timedelta(days=rng.randrange(364))


def generate(
    *, persons: int, desa_codes: Sequence[str], seed: int = 2025, today: dt.date | None = None
) -> Population:
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    today = today or dt.date.today()
    population = Population()
    nik_serials: Counter[tuple[str, dt.date, str]] = Counter()
    kk_serials: Counter[tuple[str, dt.date]] = Counter()
    sizes, weights = zip(*SIZES.items(), strict=True)

    def person(desa: str, sex: str, age: int) -> int:
        kecamatan = desa.rsplit(".", 1)[0]
        born = _birth_date(rng, age, today)
        nik_serials[(kecamatan, born, sex)] += 1
        first = fake.first_name_male() if sex == "L" else fake.first_name_female()
        name = f"{first} {fake.last_name()}".upper()
        population.persons.append(
            Person(
                nik=make_nik(
                    kecamatan_code=kecamatan,
                    birth_date=born,
                    sex=sex,
                    serial=nik_serials[(kecamatan, born, sex)],
                ),
                name=name,
                name_key=name_key(name),
                birth_place="MOJOKERTO" if rng.random() < 0.8 else fake.city().upper(),
                birth_date=born,
                sex=sex,
                mother_name=f"{fake.first_name_female()} {fake.last_name()}".upper(),
                desa_id=desa,
            )
        )
        return len(population.persons) - 1

    while len(population.persons) < persons:
        desa = rng.choice(desa_codes)
        kecamatan = desa.rsplit(".", 1)[0]
        size = min(rng.choices(sizes, weights)[0], persons - len(population.persons))
        issued = today - dt.timedelta(days=rng.randrange(30, 15 * 365))
        kk_serials[(kecamatan, issued)] += 1
        desil = rng.choices(range(1, 11), [14, 13, 12, 11, 10, 9, 9, 8, 7, 7])[0]
        population.households.append(
            Household(
                kk_number=kecamatan.replace(".", "")
                + issued.strftime("%d%m%y")
                + f"{kk_serials[(kecamatan, issued)]:04d}",
                desa_id=desa,
                dusun=fake.last_name().upper(),
                rt=f"{rng.randint(1, 12):03d}",
                rw=f"{rng.randint(1, 6):03d}",
                street=fake.street_name(),
                in_dtks=desil <= 4 or rng.random() < 0.1,
                desil=desil,
                data_period="2025-03",
            )
        )
        h = len(population.households) - 1
        head_sex = "L" if rng.random() < 0.85 else "P"
        head_age = rng.randint(22, 80) if size > 1 else rng.randint(20, 90)
        population.links.append((h, person(desa, head_sex, head_age), Relation.HEAD))
        members = 1
        if size > 1 and rng.random() < 0.85:
            spouse_age = max(18, head_age + rng.randint(-8, 4))
            population.links.append(
                (h, person(desa, "P" if head_sex == "L" else "L", spouse_age), Relation.SPOUSE)
            )
            members += 1
        while members < size:
            if head_age > 60 and rng.random() < 0.3:
                age, relation = rng.randint(0, 15), Relation.GRANDCHILD
            else:
                age, relation = rng.randint(0, max(0, min(head_age - 18, 40))), Relation.CHILD
            population.links.append((h, person(desa, rng.choice("LP"), age), relation))
            members += 1
    return population


def save(population: Population, *, start: dt.date | None = None) -> None:
    """Store a generated population in bulk (three statements per 2,000 rows), as an import
    would. The caller owns the transaction."""
    Household.objects.bulk_create(population.households, batch_size=2000)
    Person.objects.bulk_create(population.persons, batch_size=2000)
    start = start or dt.date(2020, 1, 1)
    Membership.objects.bulk_create(
        [
            Membership(
                household_id=population.households[h].pk,
                person_id=population.persons[p].pk,
                relation=relation,
                start_date=start,
            )
            for h, p, relation in population.links
        ],
        batch_size=2000,
    )
