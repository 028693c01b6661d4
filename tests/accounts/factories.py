from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from sejahtera.accounts.models import Unit, User
from sejahtera.accounts.roles import Role
from sejahtera.wilayah.models import Wilayah

PASSWORD = "Kata-Sandi-Uji-2025"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.OPERATOR_DINAS
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def area_codes(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(Wilayah.objects.filter(code__in=extracted))
        if create:
            self.save()

    @factory.lazy_attribute
    def unit(self) -> Unit | None:
        if self.role == Role.KEPALA_BIDANG:
            return Unit.objects.get(code="LINJAMSOS")
        return None
