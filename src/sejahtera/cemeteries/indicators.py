"""Indicators of programme 1.06.07 (Pengelolaan Taman Makam Pahlawan) computed from the
cemeteries' records: the programme's percentage of cemeteries kept up, the kegiatan's and
the sub kegiatan's counts of cemeteries kept up (names as in Tabel 4.3.2,
data/renstra/2025-2029/t432-1.06.05-07.yaml), and plain counts of the period's maintenance
works, their cost and the ceremonies held.

Kept up is counted in the year of the period's end, from 1 January to the period's end (the
rule in selectors.py). The seed reads "Makam" in the kegiatan's indicator as the cemetery
(data/cemeteries/tmp.yaml), so the kegiatan and sub kegiatan count the same thing."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import in_scope
from sejahtera.cemeteries import selectors
from sejahtera.cemeteries.models import Cemetery, Ceremony, MaintenanceWork
from sejahtera.cemeteries.reference import reference
from sejahtera.cemeteries.selectors import (
    cemeteries_for,
    ceremonies_for,
    kept_up_counts,
    works_for,
)
from sejahtera.common.indicators import Result

PROGRAM_KEY = "tmp_terkelola"
KEGIATAN_KEY = "tmp_makam_terpenuhi"
SUBKEGIATAN_KEY = "tmp_taman_makam_terpenuhi"

# The indicators' names exactly as written in Tabel 4.3.2 (checked against the Renstra data
# by tests/cemeteries/test_reference.py).
PROGRAM_NAME = "Persentase Taman Makam Pahlawan Nasional yang terkelola dengan baik"
KEGIATAN_NAME = (
    "Jumlah Makam yang Terpenuhi Pemeliharaan pada Taman Makam Pahlawan Kabupaten / Kota"
)
SUBKEGIATAN_NAME = (
    "Jumlah Taman Makam yang Terpenuhi Pemeliharaannya pada Taman Makam Pahlawan Kabupaten/ Kota"
)


def _cemeteries(user: Any) -> QuerySet[Cemetery]:
    return Cemetery.objects.all() if user is None else cemeteries_for(user)


def _works(user: Any) -> QuerySet[MaintenanceWork]:
    return MaintenanceWork.objects.all() if user is None else works_for(user)


def _ceremonies(user: Any) -> QuerySet[Ceremony]:
    return Ceremony.objects.all() if user is None else ceremonies_for(user)


def _office_wide(user: Any) -> bool:
    return user is None or in_scope(user, settings.OFFICE_WILAYAH_CODE)


def compute(*, start: dt.date, end: dt.date, user: Any = None) -> list[Result]:
    year = end.year
    first = dt.date(year, 1, 1)
    kept, total = kept_up_counts(_cemeteries(user), year=year, until=end)
    ref = reference()
    missing: list[str] = []
    if total == 0:
        missing.append(
            _(
                "Belum ada taman makam pahlawan yang terdaftar di wilayah ini: daftarkan di menu Makam Pahlawan."
            )
        )
    elif _office_wide(user) and total < ref.count:
        missing.append(
            _(
                "Renstra menghitung %(seed)s taman makam pahlawan; baru %(total)s yang terdaftar, "
                "sisanya belum dihitung."
            )
            % {"seed": ref.count, "total": total}
        )
    rule = _(
        "taman makam dengan paling sedikit %(n)s pekerjaan pemeliharaan yang selesai antara "
        "%(first)s dan %(end)s"
    ) % {
        "n": selectors.KEPT_UP_MIN_FINISHED_WORKS,
        "first": first.strftime("%d-%m-%Y"),
        "end": end.strftime("%d-%m-%Y"),
    }
    percent = (
        (Decimal(kept) / Decimal(total) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if total
        else None
    )
    makam_note = _(
        "“Makam” pada indikator kegiatan dibaca sebagai taman makam (angka Renstra sama "
        "dengan sub kegiatan: 6 per tahun)."
    )
    works = _works(user).filter(finished_on__gte=start, finished_on__lte=end)
    cost = works.aggregate(total=Sum("cost"))["total"] or 0
    ceremonies = _ceremonies(user).filter(held_on__gte=start, held_on__lte=end).count()
    work_count = works.count()
    return [
        Result(
            key=PROGRAM_KEY,
            name=PROGRAM_NAME,
            formula=_("Jumlah %(rule)s ÷ jumlah seluruh taman makam pahlawan yang terdaftar × 100")
            % {"rule": rule},
            unit="%",
            value=percent,
            numerator=kept,
            denominator=total,
            missing=list(missing),
            target={"kind": "plan", "name": PROGRAM_NAME},
        ),
        Result(
            key=KEGIATAN_KEY,
            name=KEGIATAN_NAME,
            formula=_("Jumlah %(rule)s") % {"rule": rule},
            unit=_("makam"),
            value=Decimal(kept) if total else None,
            numerator=kept,
            missing=[*missing, makam_note],
            target={"kind": "plan", "name": KEGIATAN_NAME},
        ),
        Result(
            key=SUBKEGIATAN_KEY,
            name=SUBKEGIATAN_NAME,
            formula=_("Jumlah %(rule)s") % {"rule": rule},
            unit=_("taman makam"),
            value=Decimal(kept) if total else None,
            numerator=kept,
            missing=list(missing),
            target={"kind": "plan", "name": SUBKEGIATAN_NAME},
        ),
        Result(
            key="tmp_pekerjaan",
            name=_("Pekerjaan pemeliharaan taman makam pahlawan yang selesai"),
            formula=_("Jumlah pekerjaan pemeliharaan dengan tanggal selesai dalam periode"),
            unit=_("pekerjaan"),
            value=Decimal(work_count),
            numerator=work_count,
        ),
        Result(
            key="tmp_biaya",
            name=_("Biaya pemeliharaan taman makam pahlawan"),
            formula=_("Jumlah biaya pekerjaan pemeliharaan yang selesai dalam periode (rupiah)"),
            unit=_("rupiah"),
            value=Decimal(int(cost)),
            numerator=int(cost),
        ),
        Result(
            key="tmp_upacara",
            name=_("Upacara dan ziarah di taman makam pahlawan"),
            formula=_("Jumlah upacara/ziarah yang dilaksanakan dalam periode"),
            unit=_("upacara"),
            value=Decimal(ceremonies),
            numerator=ceremonies,
        ),
    ]
