from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import models

from sejahtera.common.nik import check_nik
from sejahtera.registry.choices import Relation
from sejahtera.registry.models import Household, Membership, Participation, Person
from sejahtera.registry.synthetic import generate, save
from sejahtera.wilayah.selectors import kecamatan_exists
from tests.conftest import DESA_A, DESA_B

TODAY = dt.date(2026, 11, 27)


def test_population_shape_and_consistent_niks() -> None:
    population = generate(
        persons=3000, desa_codes=[DESA_A, DESA_B], seed=7, today=TODAY, duplicates=0
    )
    assert len(population.persons) == 3000
    niks = [p.nik for p in population.persons]
    assert len(set(niks)) == len(niks)
    for p in population.persons:
        check = check_nik(p.nik, birth_date=p.birth_date, sex=p.sex, today=TODAY)
        assert check.ok and not check.warnings, (p.nik, check.errors, check.warnings)
        assert check.region_code == p.desa_id.rsplit(".", 1)[0]
    heads = Counter(h for h, _p, rel in population.links if rel == Relation.HEAD)
    assert set(heads.values()) == {1}  # exactly one head per household
    assert 2.9 < len(population.persons) / len(population.households) < 3.6
    ages = [(TODAY - p.birth_date).days // 365 for p in population.persons]
    children = sum(a < 15 for a in ages) / len(ages)
    elderly = sum(a >= 60 for a in ages) / len(ages)
    assert 0.15 < children < 0.45 and 0.03 < elderly < 0.25
    kks = [h.kk_number for h in population.households]
    assert len(set(kks)) == len(kks)


def test_same_seed_same_population() -> None:
    a = generate(persons=200, desa_codes=[DESA_A], seed=1, today=TODAY)
    b = generate(persons=200, desa_codes=[DESA_A], seed=1, today=TODAY)
    assert [p.nik for p in a.persons] == [p.nik for p in b.persons]
    assert [p.name for p in a.persons] == [p.name for p in b.persons]


@pytest.mark.django_db
def test_saved_population_is_valid_against_real_areas() -> None:
    population = generate(persons=300, desa_codes=[DESA_A, DESA_B], seed=3, today=TODAY)
    save(population)
    # 300 persons plus the injected duplicates (0.5 %), each alone in a new KK.
    assert len(population.duplicates) == 1
    assert Person.objects.count() == 301
    assert Household.objects.count() == len(population.households)
    assert Membership.objects.filter(end_date__isnull=True).count() == 301
    assert Participation.objects.count() == (
        len(population.pkh) + len(population.sembako) + len(population.pbi_jk)
    )
    person = Person.objects.first()
    assert person is not None
    assert check_nik(person.nik or "", region_exists=kecamatan_exists, today=TODAY).ok


@pytest.mark.django_db
def test_ppks_assessments_at_the_scale_of_the_ikk_baselines() -> None:
    from sejahtera.registry.models import PpksAssessment
    from sejahtera.registry.rules import category_refusals

    population = generate(persons=22_000, desa_codes=[DESA_A, DESA_B], seed=5, today=TODAY)
    save(population)
    # 22,000 persons are 2 % of 1.1 million: 1,014 × 0.02 ≈ 20 neglected children.
    counts = dict(
        PpksAssessment.objects.filter(person__isnull=False)
        .values_list("category__code")
        .annotate(n=models.Count("id"))
    )
    assert counts["ANAK_TERLANTAR"] == 20
    assert counts["PENYANDANG_DISABILITAS"] == 5  # 229 × 0.02
    assert counts["LANJUT_USIA_TERLANTAR"] == 1  # 64 × 0.02
    households = PpksAssessment.objects.filter(household__isnull=False)
    # Every desil-1 household of the population as generated (the injected duplicates' new
    # KKs, added after, are copies and are not assessed).
    duplicate_kks = {
        population.households[h].pk
        for h, p, _r in population.links
        if p in {d for d, _o, _w in population.duplicates}
    }
    assert households.count() == sum(
        1 for h in population.households if h.desil == 1 and h.pk not in duplicate_kks
    )
    assert set(households.values_list("household__desil", flat=True)) == {1}
    for assessment in PpksAssessment.objects.select_related("category", "person", "household"):
        # Every synthetic assessment meets its category's computable conditions and ticks
        # a criterion of its own category.
        assert not category_refusals(
            category=assessment.category,
            person=assessment.person,
            household=assessment.household,
            on=assessment.assessed_on,
        )
        assert {c.category_id for c in assessment.criteria_met.all()} == {assessment.category_id}
