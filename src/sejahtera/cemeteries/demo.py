"""Demo data of the heroes' cemeteries: synthetic, drawn with a fixed seed. The seed counts
6 cemeteries but names none, so the demo makes 6 cemeteries named after the desa they lie in
and marked "(demo)", in the demo accounts' kecamatan (the first two of the kabupaten) and
one more; graves with made-up names; maintenance works over this year and last (two
cemeteries not kept up this year: one work still going, one with nothing yet); ceremonies on
17 August and 10 November; a handful of made-up veterans. Loaded once: skipped when any
cemetery exists."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from typing import TextIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sejahtera.cemeteries.models import (
    Cemetery,
    Ceremony,
    Grave,
    GraveCategory,
    MaintenanceKind,
    MaintenancePhoto,
    MaintenanceWork,
    Occasion,
    Veteran,
    VeteranCategory,
)
from sejahtera.common.nik import make_nik
from sejahtera.wilayah.models import Level, Wilayah

SEED = 1945
GIVEN = [
    "Slamet",
    "Soekardi",
    "Darmo",
    "Kasiman",
    "Poerwanto",
    "Mardjuki",
    "Soewito",
    "Wagiman",
    "Kartono",
    "Soeparno",
    "Ngadiman",
    "Sarmidi",
]
FAMILY = ["Hadi", "Atmodjo", "Wiryo", "Pranoto", "Kusumo", "Harjo", "Suryo", "Sastro"]
RANKS = ["Prajurit Satu", "Kopral", "Sersan", "Sersan Mayor", "Pembantu Letnan", "Letnan Dua"]
CORPS = ["TKR", "BKR", "TNI AD", "TNI AL", "TNI AU", "Polri", "Laskar rakyat"]
CATEGORIES = [
    (GraveCategory.VETERAN, 6),
    (GraveCategory.TNI_POLRI, 3),
    (GraveCategory.PERINTIS, 1),
    (GraveCategory.LAINNYA, 1),
]
WORKS = {
    MaintenanceKind.PEMBERSIHAN: "Pembersihan area makam dan saluran air (data demo)",
    MaintenanceKind.PENGECATAN: "Pengecatan nisan dan pagar (data demo)",
    MaintenanceKind.PERBAIKAN: "Perbaikan paving jalan setapak (data demo)",
    MaintenanceKind.PERTAMANAN: "Penanaman dan perapian taman (data demo)",
}
CONTRACTORS = ["Petugas kebersihan Dinas (demo)", "CV Karya Demo", "Swakelola pokmas (demo)"]


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG (a soft gradient) for the demo's maintenance photos."""
    rows = b""
    for y in range(height):
        shade = 0.7 + 0.3 * y / height
        pixel = bytes(int(c * shade) for c in rgb)
        rows += b"\x00" + pixel * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _places() -> list[Wilayah]:
    """Six desa: the demo accounts' desa first (the first two desa of the first kecamatan,
    the first of the second), then others of those kecamatan, then one of the third."""
    office = settings.OFFICE_WILAYAH_CODE
    kecamatan = list(
        Wilayah.objects.filter(level=Level.KECAMATAN, parent_id=office).order_by("code")[:3]
    )
    desa = [list(Wilayah.objects.filter(parent=k).order_by("code")[:3]) for k in kecamatan]
    wanted = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)]
    return [desa[k][d] for k, d in wanted if k < len(desa) and d < len(desa[k])]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _graves(rng: random.Random, cemetery: Cemetery) -> list[Grave]:
    graves = []
    for block in "AB":
        for number in range(1, rng.randint(8, 20) + 1):
            born = dt.date(rng.randint(1915, 1950), rng.randint(1, 12), rng.randint(1, 28))
            died = _day(rng, born + dt.timedelta(days=50 * 365), dt.date(2024, 12, 31))
            category = rng.choices([c for c, _w in CATEGORIES], [w for _c, w in CATEGORIES])[0]
            military = category in (GraveCategory.VETERAN, GraveCategory.TNI_POLRI)
            graves.append(
                Grave(
                    cemetery=cemetery,
                    block=block,
                    number=str(number),
                    name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    rank=rng.choice(RANKS) if military else "",
                    corps=rng.choice(CORPS) if military else "",
                    birth_date=born,
                    death_date=died,
                    burial_date=died + dt.timedelta(days=rng.randint(0, 2)),
                    category=category,
                    notes="Data demo",
                )
            )
    return graves


def _work(
    rng: random.Random, cemetery: Cemetery, start: dt.date, end: dt.date, *, finished: bool
) -> MaintenanceWork:
    kind = rng.choice(list(WORKS))
    began = _day(rng, start, end - dt.timedelta(days=10))
    return MaintenanceWork(
        cemetery=cemetery,
        kind=kind,
        description=WORKS[kind],
        started_on=began,
        finished_on=began + dt.timedelta(days=rng.randint(1, 9)) if finished else None,
        cost=rng.randint(15, 50) * 50_000,
        contractor=rng.choice(CONTRACTORS),
    )


@transaction.atomic
def load(*, stdout: TextIO) -> None:
    if Cemetery.objects.exists():
        stdout.write("Taman makam pahlawan demo: sudah ada, dilewati\n")
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    this_year, last_year = dt.date(today.year, 1, 1), dt.date(today.year - 1, 1, 1)
    cemeteries = Cemetery.objects.bulk_create(
        Cemetery(
            name=f"Taman Makam Pahlawan {desa.name} (demo)",
            desa=desa,
            address=f"Jl. Pahlawan No. {index + 1}, {desa.name} (alamat demo)",
            area_m2=rng.randint(8, 40) * 100,
            condition_notes="Data demo: pagar dan gapura baik, sebagian nisan kusam.",
        )
        for index, desa in enumerate(_places())
    )
    graves = Grave.objects.bulk_create(g for c in cemeteries for g in _graves(rng, c))
    works: list[MaintenanceWork] = []
    for index, cemetery in enumerate(cemeteries):
        works += [
            _work(rng, cemetery, last_year, dt.date(today.year - 1, 12, 31), finished=True)
            for _ in range(rng.randint(1, 2))
        ]
        if today - dt.timedelta(days=45) < this_year:
            continue  # too early in the year for this year's works
        if index < 4:  # kept up this year
            works += [
                _work(rng, cemetery, this_year, today - dt.timedelta(days=12), finished=True)
                for _ in range(rng.randint(1, 3))
            ]
        elif index == 4:  # one work still going: not kept up yet
            works.append(
                _work(
                    rng,
                    cemetery,
                    today - dt.timedelta(days=40),
                    today - dt.timedelta(days=10),
                    finished=False,
                )
            )
        # the sixth: nothing this year yet
    works = MaintenanceWork.objects.bulk_create(works)
    photos = 0
    for work, colour in zip(
        [w for w in works if w.started_on.year == today.year][:3],
        [(90, 140, 90), (150, 120, 80), (110, 130, 160)],
        strict=False,
    ):
        for number in (1, 2):
            MaintenancePhoto.objects.create(
                work=work,
                file=ContentFile(_png(320, 240, colour), name=f"demo-{work.pk}-{number}.png"),
                kind="png",
                name=f"foto-demo-{number}.png",
            )
            photos += 1
    ceremonies = []
    for year in (today.year - 1, today.year):
        for day, occasion in (
            (dt.date(year, 8, 17), Occasion.HUT_RI),
            (dt.date(year, 11, 10), Occasion.HARI_PAHLAWAN),
        ):
            if day > today:
                continue
            for cemetery in (cemeteries[0], cemeteries[3]) if len(cemeteries) > 3 else cemeteries:
                ceremonies.append(
                    Ceremony(
                        cemetery=cemetery,
                        held_on=day,
                        occasion=occasion,
                        attendance=rng.randint(8, 40) * 10,
                        notes="Upacara dan tabur bunga (data demo)",
                    )
                )
    Ceremony.objects.bulk_create(ceremonies)
    veterans = []
    for index in range(8):
        desa = cemeteries[index % len(cemeteries)].desa
        category = [VeteranCategory.PEJUANG, VeteranCategory.PEMBELA, VeteranCategory.PERDAMAIAN][
            index % 3
        ]
        first = {"pejuang": 1926, "pembela": 1945, "perdamaian": 1965}[category]
        born = dt.date(rng.randint(first, first + 8), rng.randint(1, 12), rng.randint(1, 28))
        deceased = category == VeteranCategory.PEJUANG and index != 0
        veterans.append(
            Veteran(
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                nik=""
                if index == 5
                else make_nik(
                    kecamatan_code=desa.code.rsplit(".", 1)[0],
                    birth_date=born,
                    sex="L",
                    serial=9000 + index,
                ),
                birth_date=born,
                category=category,
                decree_number=f"SKEP-DEMO/{index + 1:04d}",
                desa=desa,
                address="Alamat demo",
                is_deceased=deceased,
                deceased_on=_day(rng, dt.date(2015, 1, 1), dt.date(2024, 12, 31))
                if deceased
                else None,
                benefits_note="Tunjangan veteran dan dana kehormatan (data demo)",
            )
        )
    Veteran.objects.bulk_create(veterans)
    stdout.write(
        f"Taman makam pahlawan demo: {len(cemeteries)} taman makam, {len(graves)} makam, "
        f"{len(works)} pekerjaan ({photos} foto), {len(ceremonies)} upacara, "
        f"{len(veterans)} veteran\n"
    )
