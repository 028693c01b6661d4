"""Demo data of the registry: a synthetic population across the office's kabupaten (every
desa gets some households, the demo accounts' desa included). Loaded once."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.conf import settings
from django.db import transaction

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.models import Person, PpksCategory
from sejahtera.registry.services import assess_ppks
from sejahtera.registry.synthetic import generate, save
from sejahtera.wilayah.models import Level, Wilayah

DEMO_PERSONS = 20_000


def load(*, stdout: TextIO) -> None:
    if Person.objects.exists():
        stdout.write(f"Penduduk demo: sudah ada {Person.objects.count()}\n")
        return
    desa = list(
        Wilayah.objects.filter(
            level=Level.DESA, code__startswith=settings.OFFICE_WILAYAH_CODE + "."
        ).values_list("code", flat=True)
    )
    population = generate(persons=DEMO_PERSONS, desa_codes=desa, seed=2025)
    with transaction.atomic():
        save(population)
        _demo_assessments()
        audit.record(
            actor=None,
            action=Action.IMPORT,
            object_type="registry.person",
            object_repr="populasi demo sintetis",
            extra={"persons": len(population.persons), "households": len(population.households)},
        )
    stdout.write(
        f"Penduduk demo: {len(population.persons)} orang, {len(population.households)} keluarga\n"
    )


def _demo_assessments() -> None:
    """A few elderly people assessed as Lanjut Usia Terlantar, so the pages show a status."""
    from sejahtera.accounts.models import User

    assessor = User.objects.filter(username="tksk").first()
    category = PpksCategory.objects.filter(code="LANJUT_USIA_TERLANTAR").first()
    if assessor is None or category is None:
        return
    today = dt.date.today()
    elderly = Person.objects.filter(
        birth_date__lte=today.replace(year=today.year - 65), desa__code__startswith="35.16.01."
    )[:25]
    criteria = list(category.criteria.all()[:2])
    for person in elderly:
        assess_ppks(
            actor=assessor,
            category=category,
            person=person,
            criteria=criteria,
            assessed_on=today - dt.timedelta(days=30),
        )
