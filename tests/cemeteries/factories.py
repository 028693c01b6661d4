from __future__ import annotations

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from sejahtera.cemeteries.models import (
    Cemetery,
    Ceremony,
    Grave,
    GraveCategory,
    MaintenanceKind,
    MaintenanceWork,
    Occasion,
    Veteran,
    VeteranCategory,
)
from tests.conftest import DESA_A

# The smallest real images: what check_upload recognises by content.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def png(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def jpeg(name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def fake_jpeg(name: str = "bukan-foto.jpg") -> SimpleUploadedFile:
    """A file named .jpg (and sent as image/jpeg) that is not an image."""
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a picture at all", content_type="image/jpeg")


class CemeteryFactory(DjangoModelFactory[Cemetery]):
    class Meta:
        model = Cemetery

    name = factory.Sequence(lambda n: f"Taman Makam Uji {n}")
    desa_id = DESA_A
    address = "Jl. Pahlawan 1"


class GraveFactory(DjangoModelFactory[Grave]):
    class Meta:
        model = Grave

    cemetery = factory.SubFactory(CemeteryFactory)
    block = "A"
    number = factory.Sequence(lambda n: str(n + 1))
    name = "Soekardi Hadi"
    category = GraveCategory.VETERAN


class WorkFactory(DjangoModelFactory[MaintenanceWork]):
    class Meta:
        model = MaintenanceWork

    cemetery = factory.SubFactory(CemeteryFactory)
    kind = MaintenanceKind.PEMBERSIHAN
    description = "Pembersihan area makam"
    started_on = dt.date(2026, 3, 2)
    finished_on = dt.date(2026, 3, 5)
    cost = 1_500_000


class CeremonyFactory(DjangoModelFactory[Ceremony]):
    class Meta:
        model = Ceremony

    cemetery = factory.SubFactory(CemeteryFactory)
    held_on = dt.date(2026, 8, 17)
    occasion = Occasion.HUT_RI
    attendance = 150


class VeteranFactory(DjangoModelFactory[Veteran]):
    class Meta:
        model = Veteran

    name = factory.Sequence(lambda n: f"Veteran Uji {n}")
    category = VeteranCategory.PEMBELA
    desa_id = DESA_A
