"""The disaster indicators computed from victims and their aid for a period: IKK 5 of Tabel
4.6, the sub-activity indicators of Program Penanganan Bencana (Tabel 4.3.2, 1.06.06.2.01.0001,
.0002 and .0005) and the programme's first indicator (the share of victims whose basic needs
were met during and after the emergency). A person is counted once: a registry person by
their id, a provisional victim (not yet found in the registry) on their own."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import scope
from sejahtera.common.indicators import CountedRow, CountedRows, Result
from sejahtera.disasters.models import AidKind, Event, Victim
from sejahtera.disasters.standards import meals_per_day
from sejahtera.disasters.summary import (
    MET,
    aided,
    basic_needs_met,
    distinct_persons,
    events_in,
    meal_status,
    one_per_person,
)

IKK_NAME = (
    "Perlindungan dan Jaminan Sosial Pada Saat Tanggap Darurat dan Paska Bencana Bagi Korban "
    "Bencana Kabupaten/Kota"
)
# Exact names of Tabel 4.3.2 (data/renstra/2025-2029/t432-1.06.05-07.yaml).
MEALS_NAME = (
    "Jumlah Orang yang Mendapatkan Permakanan 3x1 Hari dalam Masa Tanggap Darurat ( Pengungsian ) "
    "Kewenangan Kabupaten/Kota"
)
CLOTHING_NAME = (
    "Jumlah Orang yang Mendapatkan Pakaian dan Kelengkapan Lainya yang Tersedia Pada Masa Tanggap "
    "Darurat (Pengungsian) dan Pasca Bencana Kewenangan Kabupaten / Kota"
)
PSYCH_NAME = (
    "Jumlah Korban Bencana yang Mendapatkan Layanan Dukungan Psikososial Kewenangan Kabupaten/ Kota"
)
PROGRAMME_NAME = (
    "1. Persentase Korban Bencana Alam, Sosial dan/atau Non Alam yang Terpenuhi Kebutuhan Dasar "
    "Pada Saat dan Setelah Tanggap Darurat Bencana"
)


def _victims(user: Any) -> QuerySet[Victim]:
    victims = Victim.objects.all()
    return scope(victims, user, "desa__code") if user is not None else victims


def _count(victims: QuerySet[Victim], kinds: tuple[str, ...], start: dt.date, end: dt.date) -> int:
    return distinct_persons(aided(victims, kinds, start=start, end=end))


# The aid kinds each count takes (the IKK: every kind).
KINDS: dict[str, tuple[str, ...]] = {
    "ikk_bencana": tuple(AidKind.values),
    "bencana_sandang": (AidKind.CLOTHING, AidKind.KIT),
    "bencana_psikososial": (AidKind.PSYCHOSOCIAL,),
}


def _fed(
    victims: QuerySet[Victim], start: dt.date, end: dt.date, today: dt.date
) -> QuerySet[Victim]:
    status = meal_status(victims, start=start, end=end, today=today)
    return victims.filter(pk__in=[pk for pk, s in status.items() if s == MET])


def _needs_met(
    victims: QuerySet[Victim], start: dt.date, end: dt.date, today: dt.date
) -> tuple[QuerySet[Victim], int]:
    """The victims whose basic needs were met, and how many persons were asked about."""
    active = victims.filter(event__in=events_in(Event.objects.all(), start, end))
    met, everyone = basic_needs_met(active, start=start, end=end, today=today)
    persons = [key for kind, key in met if kind == "p"]
    provisional = [key for kind, key in met if kind == "v"]
    return active.filter(Q(person_id__in=persons) | Q(pk__in=provisional)), len(everyone)


def _victim_row(victim: Victim) -> CountedRow:
    person = victim.person
    return CountedRow(
        name=victim.name,
        desa=victim.desa.name,
        nik=victim.nik or (person.nik if person is not None and person.nik else ""),
        url=(
            reverse("registry:person_detail", args=[person.pk])
            if person is not None
            else reverse("disasters:victim", args=[victim.pk])
        ),
        note=victim.event.name,
    )


def counted(
    key: str, *, start: dt.date, end: dt.date, user: Any, today: dt.date | None = None
) -> CountedRows | None:
    """The persons behind a disaster result: one record each (see `one_per_person`)."""
    today = today or timezone.localdate()
    victims = _victims(user)
    if key in KINDS:
        chosen = aided(victims, KINDS[key], start=start, end=end)
    elif key == "bencana_permakanan":
        chosen = _fed(victims, start, end, today)
    elif key == "bencana_kebutuhan_dasar":
        chosen = _needs_met(victims, start, end, today)[0]
    else:
        return None
    rows = one_per_person(chosen).select_related("desa", "person", "event").order_by("name", "pk")
    return CountedRows((rows, _victim_row))


def compute(
    *, start: dt.date, end: dt.date, user: Any = None, today: dt.date | None = None
) -> list[Result]:
    today = today or timezone.localdate()
    victims = _victims(user)
    n = meals_per_day()
    ikk = _count(victims, KINDS["ikk_bencana"], start, end)
    fed = distinct_persons(_fed(victims, start, end, today))
    clothing = _count(victims, KINDS["bencana_sandang"], start, end)
    psych = _count(victims, KINDS["bencana_psikososial"], start, end)
    met_victims, everyone = _needs_met(victims, start, end, today)
    met = distinct_persons(met_victims)
    share = (
        (Decimal(met) / Decimal(everyone) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if everyone
        else None
    )
    kitchens = _(
        "Porsi dapur umum tidak tercatat per orang, jadi tidak menambah jumlah orang (lihat "
        "laporan Bencana untuk jumlah porsinya)."
    )
    return [
        Result(
            key="ikk_bencana",
            name=IKK_NAME,
            formula=_(
                "Jumlah korban bencana (orang) yang menerima bantuan apa pun (makan, sandang, "
                "paket kelengkapan, dukungan psikososial) yang tercatat pada periode"
            ),
            unit=_("orang"),
            value=Decimal(ikk),
            numerator=ikk,
            missing=[kitchens],
            target={"kind": "ikk", "number": "5"},
            drill_down=True,
        ),
        Result(
            key="bencana_permakanan",
            name=MEALS_NAME,
            formula=_(
                "Jumlah korban mengungsi (orang) yang mendapat %(n)s kali makan pada setiap hari "
                "pengungsiannya dalam masa tanggap darurat, dihitung untuk hari-hari pada periode "
                "sampai kemarin (standar Permakanan 3x1 Hari)"
            )
            % {"n": n},
            unit=_("orang"),
            value=Decimal(fed),
            numerator=fed,
            missing=[kitchens],
            target={"kind": "plan", "name": MEALS_NAME},
            drill_down=True,
        ),
        Result(
            key="bencana_sandang",
            name=CLOTHING_NAME,
            formula=_(
                "Jumlah korban (orang) yang menerima pakaian atau paket kelengkapan pada periode, "
                "pada masa tanggap darurat maupun pasca bencana"
            ),
            unit=_("orang"),
            value=Decimal(clothing),
            numerator=clothing,
            target={"kind": "plan", "name": CLOTHING_NAME},
            drill_down=True,
        ),
        Result(
            key="bencana_psikososial",
            name=PSYCH_NAME,
            formula=_(
                "Jumlah korban (orang) yang mengikuti sedikitnya satu sesi dukungan psikososial "
                "pada periode"
            ),
            unit=_("orang"),
            value=Decimal(psych),
            numerator=psych,
            target={"kind": "plan", "name": PSYCH_NAME},
            drill_down=True,
        ),
        Result(
            key="bencana_kebutuhan_dasar",
            name=PROGRAMME_NAME,
            formula=_(
                "Korban selamat atau luka dari kejadian yang berlangsung pada periode yang "
                "terpenuhi kebutuhan dasarnya ÷ seluruh korban selamat atau luka tersebut × 100. "
                "Terpenuhi: yang mengungsi pada masa tanggap darurat mendapat %(n)s kali makan "
                "setiap hari pengungsiannya (sampai kemarin); yang lain menerima makan, sandang "
                "atau paket kelengkapan pada periode (setelah tanggap darurat atau tanpa mengungsi)"
            )
            % {"n": n},
            unit="%",
            value=share,
            numerator=met,
            denominator=everyone,
            missing=[] if everyone else [_("Belum ada korban bencana pada periode ini.")],
            target={"kind": "plan", "name": PROGRAMME_NAME},
            drill_down=True,
        ),
    ]
