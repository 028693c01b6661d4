"""Demo data of the disasters app: synthetic, drawn with a fixed seed. A flood in the first two
desa of the demo area (the desa and PSM accounts' desa) that began three weeks ago, a week of
emergency and now in recovery; a landslide in the desa of the second operator account, still
in its emergency. Victims are mostly persons of the synthetic registry (a few provisional, one
of whom the registry already has: "Cocokkan korban dengan registri" links them), shelters,
three meals a day for most displaced victims (some miss meals), a public kitchen, clothing,
kits and psychosocial sessions, the warehouse's receipts and issues, and TAGANA deployments
when the partners demo made TAGANA partners. Loaded once: skipped when events exist."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.nik import make_nik
from sejahtera.disasters.models import (
    AidKind,
    Condition,
    Deployment,
    Event,
    EventKind,
    Kitchen,
    KitchenDay,
    MovementKind,
    Phase,
    PhaseChange,
    Shelter,
    SituationReport,
    Source,
    StockItem,
    StockMovement,
    Victim,
    VictimAid,
)
from sejahtera.disasters.standards import meals_per_day
from sejahtera.registry.models import Membership, Person
from sejahtera.wilayah.models import Level, Wilayah

SEED = 2025
FLOOD_DAYS_AGO = 21
EMERGENCY_DAYS = 7
SLIDE_DAYS_AGO = 4
PROVISIONAL = [
    ("Mbah Sarmo", "L", dt.date(1948, 2, 11)),
    ("Ibu Tumini", "P", dt.date(1961, 9, 3)),
    ("Anak Laki-laki ±8 tahun (belum diketahui namanya)", "L", None),
]
ITEMS = [
    ("Beras", "kg"),
    ("Mi instan", "dus"),
    ("Air mineral", "dus"),
    ("Selimut", "lembar"),
    ("Paket sandang", "paket"),
    ("Family kit", "paket"),
]
RECEIPTS = [  # item, quantity, source, days before the flood
    ("Beras", 2000, Source.APBD, 60),
    ("Mi instan", 300, Source.APBD, 60),
    ("Air mineral", 400, Source.APBD, 60),
    ("Selimut", 300, Source.KEMENSOS, 45),
    ("Paket sandang", 150, Source.KEMENSOS, 45),
    ("Family kit", 120, Source.KEMENSOS, 45),
    ("Beras", 500, Source.DONATION, -3),
    ("Air mineral", 100, Source.DONATION, -3),
]


def _demo_desa() -> list[Wilayah]:
    office = settings.OFFICE_WILAYAH_CODE
    kecamatan = list(
        Wilayah.objects.filter(level=Level.KECAMATAN, parent_id=office).order_by("code")[:2]
    )
    if not kecamatan:
        return []
    first = list(Wilayah.objects.filter(parent=kecamatan[0]).order_by("code")[:2])
    second = list(Wilayah.objects.filter(parent=kecamatan[-1]).order_by("code")[:1])
    return first + second


def _staff() -> User | None:
    return (
        User.objects.filter(role=Role.OPERATOR_DINAS, is_active=True).order_by("pk").first()
        or User.objects.filter(is_active=True).order_by("pk").first()
    )


def _victims(
    rng: random.Random,
    event: Event,
    desa: list[Wilayah],
    per_desa: int,
    shelters: list[Shelter],
    clerk: User | None,
    serial: list[int],
) -> list[Victim]:
    households = dict(
        Membership.objects.filter(
            end_date__isnull=True, person__desa__in=desa, person__is_deceased=False
        ).values_list("person_id", "household_id")
    )
    rows: list[Victim] = []
    for place in desa:
        persons = list(
            Person.objects.filter(desa=place, is_deceased=False).order_by("pk")[: per_desa * 3]
        )
        for person in rng.sample(persons, min(per_desa, len(persons))):
            displaced = rng.random() < 0.65
            rows.append(
                Victim(
                    event=event,
                    person=person,
                    household_id=households.get(person.pk),
                    nik=person.nik or "",
                    name=person.name,
                    birth_date=person.birth_date,
                    sex=person.sex,
                    desa=place,
                    displaced=displaced,
                    shelter=rng.choice(shelters) if displaced and shelters else None,
                    condition=rng.choices([Condition.SAFE, Condition.INJURED], weights=[9, 1])[0],
                    created_by=clerk,
                )
            )
    place = desa[0]
    kecamatan = place.code.rsplit(".", 1)[0]
    for name, sex, born in PROVISIONAL:
        serial[0] += 1
        nik = (
            make_nik(kecamatan_code=kecamatan, birth_date=born, sex=sex, serial=9000 + serial[0])
            if born and rng.random() < 0.5
            else ""
        )
        rows.append(
            Victim(
                event=event,
                nik=nik if not Person.objects.filter(nik=nik).exists() else "",
                name=name,
                birth_date=born,
                sex=sex,
                desa=place,
                displaced=True,
                shelter=shelters[0] if shelters else None,
                note="Data demo: belum ditemukan di registri.",
                created_by=clerk,
            )
        )
    # A person the registry has, recorded by hand without NIK: reconciling links them.
    taken = {v.person_id for v in rows if v.person_id}
    spare = (
        Person.objects.filter(desa=place, is_deceased=False, birth_date__isnull=False)
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
    )
    if spare is not None:
        rows.append(
            Victim(
                event=event,
                name=spare.name,
                birth_date=spare.birth_date,
                sex=spare.sex,
                desa=place,
                displaced=False,
                note="Data demo: dicatat tanpa NIK; ada di registri.",
                created_by=clerk,
            )
        )
    return Victim.objects.bulk_create(rows)


def _meals(
    rng: random.Random,
    victims: list[Victim],
    first: dt.date,
    days: int,
    clerk: User | None,
) -> list[VictimAid]:
    """Three meals a day for the displaced; about one in eight misses a meal on some day."""
    limit = meals_per_day()
    rows: list[VictimAid] = []
    for victim in victims:
        if not victim.displaced:
            continue
        sloppy = rng.random() < 0.125
        for n in range(days):
            count = limit - 1 if sloppy and rng.random() < 0.4 else limit
            rows.append(
                VictimAid(
                    victim=victim,
                    date=first + dt.timedelta(days=n),
                    kind=AidKind.MEALS,
                    quantity=count,
                    recorded_by=clerk,
                )
            )
    return rows


def _stock(
    rng: random.Random,
    flood: Event,
    slide: Event | None,
    shelters: list[Shelter],
    clerk: User | None,
) -> int:
    items = {
        name: StockItem.objects.get_or_create(name=name, defaults={"unit": unit})[0]
        for name, unit in ITEMS
    }
    moves: list[StockMovement] = []
    for n, (name, quantity, source, before) in enumerate(RECEIPTS, start=1):
        day = flood.started_on - dt.timedelta(days=before)
        moves.append(
            StockMovement(
                item=items[name],
                kind=MovementKind.RECEIPT,
                quantity=quantity,
                source=source,
                document_number=f"BAST/DEMO/{day.year}/{n:03d}",
                date=day,
                note="Data demo",
                actor=clerk,
            )
        )
    issues = [
        ("Beras", 450, flood, 0),
        ("Mi instan", 60, flood, 0),
        ("Air mineral", 120, flood, 0),
        ("Selimut", 140, flood, 1),
        ("Paket sandang", 90, flood, 1),
        ("Family kit", 70, flood, 2),
        ("Beras", 300, flood, 4),
    ]
    if slide is not None:
        issues += [
            ("Beras", 120, slide, 0),
            ("Selimut", 40, slide, 0),
            ("Family kit", 20, slide, 1),
        ]
    for n, (name, quantity, event, after) in enumerate(issues, start=1):
        day = event.started_on + dt.timedelta(days=after)
        moves.append(
            StockMovement(
                item=items[name],
                kind=MovementKind.ISSUE,
                quantity=quantity,
                event=event,
                shelter=rng.choice(shelters)
                if event == flood and shelters and rng.random() < 0.5
                else None,
                document_number=f"SBBK/DEMO/{day.year}/{n:03d}",
                date=day,
                note="Data demo",
                actor=clerk,
            )
        )
    StockMovement.objects.bulk_create(moves)
    return len(moves)


def _deploy(flood: Event, slide: Event | None, clerk: User | None) -> int:
    from sejahtera.partners.models import Partner

    volunteers = list(Partner.objects.filter(kind__code="tagana", active=True).order_by("pk")[:5])
    if not volunteers:
        return 0
    rows = [
        Deployment(
            event=flood,
            partner=p,
            from_date=flood.started_on,
            until_date=flood.started_on + dt.timedelta(days=EMERGENCY_DAYS - 1),
            note="Evakuasi dan dapur umum (demo)",
            recorded_by=clerk,
        )
        for p in volunteers[:3]
    ]
    if slide is not None:
        rows += [
            Deployment(
                event=slide,
                partner=p,
                from_date=slide.started_on,
                note="Pencarian dan evakuasi (demo)",
                recorded_by=clerk,
            )
            for p in volunteers[3:5]
        ]
    return len(Deployment.objects.bulk_create(rows))


def _events(
    rng: random.Random, today: dt.date, desa: list[Wilayah], clerk: User | None
) -> dict[str, Any]:
    flood_start = today - dt.timedelta(days=FLOOD_DAYS_AGO)
    flood = Event.objects.create(
        kind=EventKind.NATURAL,
        name=f"Banjir luapan sungai {desa[0].name}–{desa[1].name if len(desa) > 1 else ''} (demo)",
        started_on=flood_start,
        phase=Phase.RECOVERY,
        description="Kejadian sintetis untuk demo: hujan deras dua hari, tanggul jebol.",
        created_by=clerk,
    )
    flood.desa.set(desa[:2])
    recovery = flood_start + dt.timedelta(days=EMERGENCY_DAYS)
    PhaseChange.objects.bulk_create(
        [
            PhaseChange(event=flood, phase=Phase.EMERGENCY, on=flood_start, by=clerk),
            PhaseChange(
                event=flood, phase=Phase.RECOVERY, on=recovery, note="Air surut (demo)", by=clerk
            ),
        ]
    )
    slide = None
    if len(desa) > 2:
        slide = Event.objects.create(
            kind=EventKind.NATURAL,
            name=f"Tanah longsor {desa[2].name} (demo)",
            started_on=today - dt.timedelta(days=SLIDE_DAYS_AGO),
            description="Kejadian sintetis untuk demo.",
            created_by=clerk,
        )
        slide.desa.set(desa[2:3])
        PhaseChange.objects.create(
            event=slide, phase=Phase.EMERGENCY, on=slide.started_on, by=clerk
        )
    SituationReport.objects.bulk_create(
        [
            SituationReport(
                event=flood,
                on=flood_start,
                text="Banjir setinggi 50–120 cm merendam permukiman; warga dievakuasi ke balai desa dan masjid (demo).",
                by=clerk,
            ),
            SituationReport(
                event=flood,
                on=recovery,
                text="Air surut; sebagian warga kembali membersihkan rumah, pengungsian tetap dibuka untuk yang rumahnya rusak (demo).",
                by=clerk,
            ),
        ]
    )
    shelters = Shelter.objects.bulk_create(
        [
            Shelter(event=flood, name=f"Balai Desa {desa[0].name}", desa=desa[0], capacity=80),
            Shelter(
                event=flood,
                name=f"Masjid Al-Ikhlas {desa[1].name if len(desa) > 1 else desa[0].name}",
                desa=desa[1] if len(desa) > 1 else desa[0],
                capacity=50,
            ),
        ]
    )
    return {"flood": flood, "slide": slide, "shelters": shelters, "recovery": recovery}


def load(*, stdout: TextIO, today: dt.date | None = None) -> None:
    if Event.objects.exists():
        stdout.write(f"Bencana demo: sudah ada {Event.objects.count()} kejadian\n")
        return
    desa = _demo_desa()
    if len(desa) < 2:
        stdout.write("Bencana demo: wilayah demo belum dimuat, dilewati\n")
        return
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    clerk = _staff()
    serial = [0]
    with transaction.atomic():
        made = _events(rng, today, desa, clerk)
        flood, slide, shelters = made["flood"], made["slide"], made["shelters"]
        victims = _victims(rng, flood, desa[:2], 30, shelters, clerk, serial)
        aid = _meals(rng, victims, flood.started_on, EMERGENCY_DAYS, clerk)
        if slide is not None:
            slide_victims = _victims(rng, slide, desa[2:3], 12, [], clerk, serial)
            aid += _meals(rng, slide_victims, slide.started_on, SLIDE_DAYS_AGO, clerk)
            victims += slide_victims
        for victim in victims:
            if victim.event_id != flood.pk:
                continue
            if victim.displaced:
                aid.append(
                    VictimAid(
                        victim=victim,
                        date=flood.started_on + dt.timedelta(days=1),
                        kind=AidKind.CLOTHING,
                        recorded_by=clerk,
                    )
                )
            if rng.random() < 0.3:
                aid.append(
                    VictimAid(
                        victim=victim,
                        date=made["recovery"] + dt.timedelta(days=rng.randint(0, 5)),
                        kind=AidKind.KIT,
                        recorded_by=clerk,
                    )
                )
            if rng.random() < 0.35:
                aid.append(
                    VictimAid(
                        victim=victim,
                        date=made["recovery"] + dt.timedelta(days=rng.randint(1, 8)),
                        kind=AidKind.PSYCHOSOCIAL,
                        quantity=rng.randint(1, 2),
                        recorded_by=clerk,
                    )
                )
        VictimAid.objects.bulk_create(aid)
        kitchen = Kitchen.objects.create(
            event=flood, name=f"Dapur Umum {desa[0].name}", desa=desa[0]
        )
        KitchenDay.objects.bulk_create(
            [
                KitchenDay(
                    kitchen=kitchen,
                    date=flood.started_on + dt.timedelta(days=n),
                    meals=rng.randint(180, 260),
                    recorded_by=clerk,
                )
                for n in range(EMERGENCY_DAYS + 3)
            ]
        )
        moves = _stock(rng, flood, slide, list(shelters), clerk)
        deployed = _deploy(flood, slide, clerk)
        audit.record(
            actor=None,
            action=Action.IMPORT,
            object_type="disasters.event",
            object_repr="data demo bencana sintetis",
            extra={
                "victims": len(victims),
                "aid": len(aid),
                "movements": moves,
                "deployments": deployed,
            },
        )
    stdout.write(
        f"Bencana demo: {Event.objects.count()} kejadian, {len(victims)} korban, {len(aid)} catatan "
        f"bantuan, {moves} mutasi gudang, {deployed} penugasan TAGANA\n"
    )
