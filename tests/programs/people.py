"""Synthetic test people built from a profile: what the criteria look at."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from sejahtera.programs.criteria.base import years_before
from sejahtera.registry.models import (
    Household,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
)
from tests.conftest import DESA_A
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

AS_OF = dt.date(2026, 6, 15)
_kk = itertools.count(1)


@dataclass
class Profile:
    age: int = 40
    sex: str = "L"
    desil: int | None = 1
    in_dtks: bool = True
    head: bool = True
    size: int = 1
    disability: str = ""  # "", "ringan", "sedang", "berat"
    receives: set[str] = field(default_factory=set)
    ppks: set[str] = field(default_factory=set)
    desa: str = DESA_A
    alive: bool = True


def build(profile: Profile) -> Person:
    household = HouseholdFactory(
        desa_id=profile.desa,
        desil=profile.desil,
        in_dtks=profile.in_dtks,
        kk_number=f"35160105031{next(_kk):05d}",
    )
    # Born a few days after the birthday so the age is exact on AS_OF.
    born = years_before(AS_OF, profile.age) - dt.timedelta(days=3)
    person = PersonFactory(
        desa_id=profile.desa,
        sex=profile.sex,
        birth_date=born,
        disability_type="fisik" if profile.disability else "",
        disability_severity=profile.disability,
        is_deceased=not profile.alive,
        death_date=AS_OF - dt.timedelta(days=10) if not profile.alive else None,
    )
    members = 1
    if profile.head:
        add_member(person, household, "kepala")
    else:
        add_member(
            PersonFactory(desa_id=profile.desa, birth_date=dt.date(1970, 1, 1)), household, "kepala"
        )
        add_member(person, household, "anak")
        members = 2
    while members < profile.size:
        add_member(
            PersonFactory(desa_id=profile.desa, birth_date=dt.date(2010, 1, 1)), household, "anak"
        )
        members += 1
    for code in profile.receives:
        household_level = code in ("PKH", "SEMBAKO")
        Participation.objects.create(
            programme=code,
            household=household if household_level else None,
            person=None if household_level else person,
            period_start=dt.date(2025, 1, 1),
        )
    for code in profile.ppks:
        PpksAssessment.objects.create(
            category=PpksCategory.objects.get(code=code),
            person=person,
            assessed_on=dt.date(2025, 1, 1),
        )
    return person


def fix_household(person: Person) -> Household:
    return person.memberships.get(end_date__isnull=True).household
