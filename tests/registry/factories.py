from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from sejahtera.common.names import name_key
from sejahtera.common.nik import make_nik
from sejahtera.registry.choices import Relation
from sejahtera.registry.models import Household, Membership, Person
from tests.conftest import DESA_A


class HouseholdFactory(DjangoModelFactory[Household]):
    class Meta:
        model = Household

    kk_number = factory.Sequence(lambda n: f"351601050315{n % 10000:04d}")
    desa_id = DESA_A
    street = factory.Faker("street_name", locale="id_ID")
    rt = "001"
    rw = "002"


class PersonFactory(DjangoModelFactory[Person]):
    """Synthetic people with NIKs consistent with their kecamatan, birth date and sex."""

    class Meta:
        model = Person

    name = factory.Faker("name", locale="id_ID")
    sex = "L"
    birth_date = dt.date(1980, 5, 17)
    desa_id = DESA_A
    serial = factory.Sequence(lambda n: n + 1)

    @factory.lazy_attribute
    def name_key(self) -> str:
        return name_key(self.name)

    @factory.lazy_attribute
    def nik(self) -> str:
        kecamatan = self.desa_id.rsplit(".", 1)[0]
        return make_nik(
            kecamatan_code=kecamatan,
            birth_date=self.birth_date,
            sex=self.sex,
            serial=self.serial % 10000 or 1,
        )

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("serial", None)
        return kwargs


def add_member(
    person: Person,
    household: Household,
    relation: str = Relation.HEAD,
    start: dt.date | None = None,
) -> Membership:
    return Membership.objects.create(
        person=person,
        household=household,
        relation=relation,
        start_date=start or dt.date(2020, 1, 1),
    )
