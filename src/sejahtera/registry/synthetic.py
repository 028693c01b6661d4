"""A synthetic population shaped like a district, for the demo, tests and benchmarks.
Every person is invented (Faker's id_ID locale); NIKs and KK numbers are consistent with the
desa's kecamatan, the birth date and the sex, and unique.

Also: disability prevalence, PPKS assessments (see PPKS_PER_1_1_MILLION), national-programme
participation at the scale of Tabel 2.4.3
(per 1.1 million people about 30,000 PKH families, 69,000 Sembako families and 393,000 PBI-JK
persons, chosen among the lower desil), and a set of injected duplicates (the same person
registered again in another KK with a typo in the name, a swapped birth day and month, or a
wrong or swapped digit in the NIK serial) whose ground truth is kept apart for linkage work.
`write_csv` writes the population in the importer's layout; `write_truth` the duplicates."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from faker import Faker

from sejahtera.common.names import name_key
from sejahtera.common.nik import make_nik
from sejahtera.registry.choices import (
    DisabilityType,
    Education,
    MaritalStatus,
    Relation,
    Severity,
)
from sejahtera.registry.imports.layout import FIELD_KEYS
from sejahtera.registry.models import (
    Household,
    Membership,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
)

# Household sizes (share of households), mean about 3.1 persons as in Mojokerto
# (1.1 million people in ~350,000 households).
SIZES = {1: 0.13, 2: 0.23, 3: 0.27, 4: 0.21, 5: 0.10, 6: 0.04, 7: 0.02}


@dataclass
class Population:
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    # (household index, person index, relation)
    links: list[tuple[int, int, str]] = field(default_factory=list)
    # Household indexes in PKH and Sembako; person indexes in PBI-JK.
    pkh: set[int] = field(default_factory=set)
    sembako: set[int] = field(default_factory=set)
    pbi_jk: set[int] = field(default_factory=set)
    # Injected duplicates: (duplicate person index, original person index, what was altered).
    duplicates: list[tuple[int, int, str]] = field(default_factory=list)
    # PPKS assessments: (category code, person index) and (category code, household index).
    ppks_persons: list[tuple[str, int]] = field(default_factory=list)
    ppks_households: list[tuple[str, int]] = field(default_factory=list)
    # The date the population describes (ages and PPKS assessments are as of this day).
    as_of: dt.date = field(default_factory=dt.date.today)


# Tabel 2.4.3 scale per 1.1 million people: 30,000 PKH and 69,000 Sembako families among
# ~350,000, and 393,000 PBI-JK persons. Shares among the eligible desil give those totals.
PKH_SHARE_DESIL_1_3 = 30_000 / (350_000 * 0.39)
SEMBAKO_SHARE_DESIL_1_4 = 69_000 / (350_000 * 0.50)
PBI_SHARE_DESIL_1_5 = 393_000 / (1_100_000 * 0.60)
DISABILITY_RATE = 0.02
# PPKS assessed per 1.1 million people, at the scale of the 2024 baselines of the office's
# IKK (Tabel 4.6, seed lines 11183-11213: persons given basic social rehabilitation outside
# institutions). The seed's own PPKS counts (Tabel 2.3.1) are a picture missing from its text.
# "Gelandangan dan pengemis" (15) is one IKK; each of the 15 is drawn as one or the other.
PPKS_PER_1_1_MILLION = {
    "PENYANDANG_DISABILITAS": 229,
    "ANAK_TERLANTAR": 1014,
    "LANJUT_USIA_TERLANTAR": 64,
    "GELANDANGAN|PENGEMIS": 15,
}
# Who can be drawn for each: (minimum age, maximum age, highest household desil).
PPKS_CANDIDATES = {
    "PENYANDANG_DISABILITAS": (0, 150, 4),
    "ANAK_TERLANTAR": (5, 17, 2),
    "LANJUT_USIA_TERLANTAR": (60, 150, 2),
    "GELANDANGAN|PENGEMIS": (18, 59, 1),
}
# Our assumption, not a seed figure: every desil-1 household is assessed as fakir miskin.
FAKIR_MISKIN_MAX_DESIL = 1
DUPLICATE_RATE = 0.005
OCCUPATIONS = (
    "PETANI",
    "BURUH TANI",
    "BURUH HARIAN LEPAS",
    "PEDAGANG",
    "WIRASWASTA",
    "KARYAWAN SWASTA",
    "NELAYAN",
    "GURU",
    "SOPIR",
    "MENGURUS RUMAH TANGGA",
)


def _birth_date(rng: random.Random, age: int, today: dt.date) -> dt.date:
    start = dt.date(today.year - age - 1, today.month, min(today.day, 28)) + dt.timedelta(days=1)
    return start + dt.timedelta(days=rng.randrange(364))


def generate(
    *,
    persons: int,
    desa_codes: Sequence[str],
    seed: int = 2025,
    today: dt.date | None = None,
    duplicates: float = DUPLICATE_RATE,
) -> Population:
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    today = today or dt.date.today()
    population = Population(as_of=today)
    nik_serials: Counter[tuple[str, dt.date, str]] = Counter()
    kk_serials: Counter[tuple[str, dt.date]] = Counter()
    sizes, weights = zip(*SIZES.items(), strict=True)

    def person(desa: str, sex: str, age: int) -> int:
        kecamatan = desa.rsplit(".", 1)[0]
        born = _birth_date(rng, age, today)
        nik_serials[(kecamatan, born, sex)] += 1
        first = fake.first_name_male() if sex == "L" else fake.first_name_female()
        disability = (
            rng.choice([d for d in DisabilityType if d]) if rng.random() < DISABILITY_RATE else ""
        )
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
                marital_status=(
                    MaritalStatus.SINGLE
                    if age < 19
                    else rng.choices(list(MaritalStatus), [20, 68, 4, 8])[0]
                ),
                education=_education(rng, age),
                occupation=(
                    "PELAJAR/MAHASISWA"
                    if 6 <= age < 19
                    else ("" if age < 6 else rng.choice(OCCUPATIONS))
                ),
                disability_type=disability,
                disability_severity=(
                    rng.choice([Severity.MILD, Severity.MODERATE, Severity.SEVERE])
                    if disability
                    else ""
                ),
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
        if desil <= 3 and rng.random() < PKH_SHARE_DESIL_1_3:
            population.pkh.add(h)
        if desil <= 4 and rng.random() < SEMBAKO_SHARE_DESIL_1_4:
            population.sembako.add(h)
        pbi = desil <= 5 and rng.random() < PBI_SHARE_DESIL_1_5
        first_member = len(population.persons)
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
        if pbi:
            population.pbi_jk.update(range(first_member, len(population.persons)))
    _draw_ppks(population, rng, today)
    _inject_duplicates(population, rng, fake, today, int(len(population.persons) * duplicates))
    return population


def _draw_ppks(population: Population, rng: random.Random, today: dt.date) -> None:
    """Choose the persons and households with a PPKS assessment (see PPKS_PER_1_1_MILLION)."""
    desil_of = {p: population.households[h].desil or 10 for h, p, _r in population.links}
    scale = len(population.persons) / 1_100_000
    for key, per_district in PPKS_PER_1_1_MILLION.items():
        low, high, max_desil = PPKS_CANDIDATES[key]
        candidates = []
        for index, person in enumerate(population.persons):
            if desil_of.get(index, 10) > max_desil or person.birth_date is None:
                continue
            if key == "PENYANDANG_DISABILITAS" and not person.disability_type:
                continue
            age = (
                today.year
                - person.birth_date.year
                - ((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
            )
            if low <= age <= high:
                candidates.append(index)
        count = min(len(candidates), round(per_district * scale))
        for index in rng.sample(candidates, count):
            code = rng.choice(key.split("|"))
            population.ppks_persons.append((code, index))
    for index, household in enumerate(population.households):
        if (household.desil or 10) <= FAKIR_MISKIN_MAX_DESIL:
            population.ppks_households.append(("FAKIR_MISKIN", index))


def _education(rng: random.Random, age: int) -> str:
    if age < 7:
        return Education.NONE
    if age < 13:
        return Education.SD_NOT_FINISHED
    return rng.choices(
        [
            Education.SD_NOT_FINISHED,
            Education.SD,
            Education.SMP,
            Education.SMA,
            Education.DIPLOMA,
            Education.BACHELOR,
        ],
        [8, 30, 25, 28, 3, 6],
    )[0]


_NAME_VARIANTS = (
    ("MUHAMMAD", "MOH."),
    ("MUHAMMAD", "M."),
    ("MOCHAMAD", "MUHAMMAD"),
    ("J", "DJ"),
    ("U", "OE"),
    ("KH", "CH"),
    ("C", "TJ"),
)


def _typo_name(rng: random.Random, name: str) -> tuple[str, str]:
    for old, new in rng.sample(_NAME_VARIANTS, len(_NAME_VARIANTS)):
        if old in name:
            return name.replace(old, new, 1), f"nama:{old}->{new}"
    if rng.random() < 0.5:
        title = "HJ. " if rng.random() < 0.5 else "H. "
        return title + name, "nama:gelar"
    i = rng.randrange(1, max(2, len(name) - 1))
    if name[i] == " ":
        return name[:i] + name[i] + name[i:], "nama:huruf-ganda"
    return name[:i] + name[i + 1 :], "nama:huruf-hilang"


def _inject_duplicates(
    population: Population, rng: random.Random, fake: Faker, today: dt.date, count: int
) -> None:
    """Register `count` persons a second time, alone in a new KK in the same desa, with one
    or two alterations each; what was altered is the ground truth."""
    if count <= 0:
        return
    used_niks = {p.nik for p in population.persons}
    used_kks = {h.kk_number for h in population.households}
    originals = rng.sample(range(len(population.persons)), min(count, len(population.persons)))
    for index in originals:
        source = population.persons[index]
        kinds: list[str] = []
        name, kind = _typo_name(rng, source.name)
        kinds.append(kind)
        born = source.birth_date
        assert born is not None and source.nik is not None
        if born.day <= 12 and born.day != born.month and rng.random() < 0.4:
            swapped = born.replace(day=born.month, month=born.day)
            if swapped <= today:
                born = swapped
                kinds.append("tanggal:hari-bulan-tertukar")
        nik = source.nik
        for _attempt in range(20):
            serial = list(nik[12:])
            if rng.random() < 0.5:
                i = rng.randrange(4)
                serial[i] = str((int(serial[i]) + rng.randint(1, 9)) % 10)
                kind = "nik:satu-angka"
            else:
                i = rng.randrange(3)
                serial[i], serial[i + 1] = serial[i + 1], serial[i]
                kind = "nik:dua-angka-tertukar"
            candidate = nik[:12] + "".join(serial)
            if candidate not in used_niks and candidate[12:] != "0000":
                nik = candidate
                kinds.append(kind)
                break
        else:
            continue
        used_niks.add(nik)
        desa = source.desa_id
        kecamatan = desa.rsplit(".", 1)[0]
        for serial_no in range(1, 10_000):
            issued = today - dt.timedelta(days=rng.randrange(30, 3650))
            kk = kecamatan.replace(".", "") + issued.strftime("%d%m%y") + f"{serial_no:04d}"
            if kk not in used_kks:
                break
        used_kks.add(kk)
        population.households.append(
            Household(
                kk_number=kk,
                desa_id=desa,
                dusun=fake.last_name().upper(),
                rt=f"{rng.randint(1, 12):03d}",
                rw=f"{rng.randint(1, 6):03d}",
                street=fake.street_name(),
                in_dtks=True,
                desil=rng.randint(1, 6),
                data_period="2025-03",
            )
        )
        population.persons.append(
            Person(
                nik=nik,
                name=name,
                name_key=name_key(name),
                birth_place=source.birth_place,
                birth_date=born,
                sex=source.sex,
                mother_name=source.mother_name,
                marital_status=source.marital_status,
                education=source.education,
                occupation=source.occupation,
                disability_type=source.disability_type,
                disability_severity=source.disability_severity,
                desa_id=desa,
            )
        )
        duplicate = len(population.persons) - 1
        population.links.append((len(population.households) - 1, duplicate, Relation.HEAD))
        population.duplicates.append((duplicate, index, "+".join(kinds)))


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
    period = dt.date(2025, 3, 1)
    source = "populasi sintetis"
    Participation.objects.bulk_create(
        [
            Participation(
                programme=programme,
                household_id=population.households[h].pk,
                period_start=period,
                source=source,
            )
            for programme, indexes in (("PKH", population.pkh), ("SEMBAKO", population.sembako))
            for h in sorted(indexes)
        ]
        + [
            Participation(
                programme="PBI_JK",
                person_id=population.persons[p].pk,
                period_start=period,
                source=source,
            )
            for p in sorted(population.pbi_jk)
        ],
        batch_size=2000,
    )
    _save_ppks(population, population.as_of)


def _save_ppks(population: Population, on: dt.date) -> None:
    categories = {c.code: c for c in PpksCategory.objects.prefetch_related("criteria")}
    wanted = [
        *((code, population.persons[i].pk, None) for code, i in population.ppks_persons),
        *((code, None, population.households[i].pk) for code, i in population.ppks_households),
    ]
    assessments = [
        PpksAssessment(
            category=categories[code],
            person_id=person_id,
            household_id=household_id,
            assessed_on=on,
            notes="Data sintetis",
        )
        for code, person_id, household_id in wanted
        if code in categories
    ]
    PpksAssessment.objects.bulk_create(assessments, batch_size=2000)
    through = PpksAssessment.criteria_met.through
    through.objects.bulk_create(
        [
            through(ppksassessment_id=a.pk, ppkscriterion_id=criterion.pk)
            for a in assessments
            for criterion in list(categories[a.category.code].criteria.all())[:1]
        ],
        batch_size=2000,
    )


def write_csv(population: Population, handle: TextIO) -> int:
    """Write the population in the importer's layout (one row per person); returns rows."""
    writer = csv.writer(handle, delimiter=";", lineterminator="\n")
    writer.writerow(FIELD_KEYS)
    rows = 0
    for h, p, relation in population.links:
        household = population.households[h]
        person = population.persons[p]
        assert person.birth_date is not None
        writer.writerow(
            [
                household.kk_number,
                household.desa_id,
                household.dusun,
                household.rt,
                household.rw,
                household.street,
                person.nik,
                person.name,
                person.birth_place,
                person.birth_date.isoformat(),
                person.sex,
                relation,
                person.mother_name,
                person.marital_status,
                person.education,
                person.occupation,
                person.disability_type,
                person.disability_severity,
                "ya" if household.in_dtks else "tidak",
                household.desil or "",
                household.data_period,
                "ya" if h in population.pkh else "",
                "ya" if h in population.sembako else "",
                "ya" if p in population.pbi_jk else "",
            ]
        )
        rows += 1
    return rows


def write_truth(population: Population, handle: TextIO) -> int:
    """The ground truth of the injected duplicates: which record copies which, and how."""
    writer = csv.writer(handle, delimiter=";", lineterminator="\n")
    writer.writerow(["nik_duplikat", "nik_asli", "perubahan"])
    for duplicate, original, kinds in population.duplicates:
        writer.writerow(
            [population.persons[duplicate].nik, population.persons[original].nik, kinds]
        )
    return len(population.duplicates)
