"""The Renstra indicators of kegiatan 1.06.02.2.03 (Pengembangan Potensi Sumber
Kesejahteraan Sosial, data/renstra/2025-2029/t432-1.06.02-04.yaml) computed from the partners
registry for a period: the share of PSKS active at its end, and the PSM, TKSK and
institutions whose capacity was built in it. Each is one set-based count, scoped to the
user's areas when a user is given."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sejahtera.common.indicators import Result
from sejahtera.partners.models import KARANG_TARUNA, LKS, PSM, TKSK, Partner
from sejahtera.partners.selectors import active_on, partners_for, registered_on
from sejahtera.partners.stats import granted_q, trained_q

# The Renstra's names, verbatim (Tabel 4.3.2, seed lines 7109-7540).
ACTIVE = "Persentase PSKS yang aktif"
PSM_TRAINED = (
    "Jumlah Orang Mendapat Peningkatan Kapasitas Pekerja Sosial Masyarakat Kewenangan "
    "Kabupaten/Kota"
)
TKSK_TRAINED = (
    "Jumlah Tenaga Kesejahteraan Sosial Kecamatan Kewenangan Kabupaten/Kota yang Meningkat "
    "Kapasitasnya Kewenangan Kabupaten/Kota"
)
INSTITUTIONS = (
    "Jumlah Lembaga Kesejahteraan Sosial yang Meningkat Kapasitasnya Kewenangan Kabupaten/ Kota"
)
# Whose capacity the institutions' indicator counts: LKS and Karang Taruna, the two the
# seed names for training and operational aid (line 4029, "untuk LKS dan Karang Taruna") and
# whose UEP grants fall under this sub-activity (lines 10944-10959).
INSTITUTION_KINDS = (LKS, KARANG_TARUNA)


def _partners(user: Any) -> QuerySet[Partner]:
    return partners_for(user) if user is not None else Partner.objects.all()


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _trained(kind: str, start: dt.date, end: dt.date, user: Any) -> int:
    return _partners(user).filter(kind__code=kind).filter(trained_q(start, end)).count()


def compute(*, start: dt.date, end: dt.date, user: Any = None) -> list[Result]:
    registered = _partners(user).filter(registered_on(end))
    denominator = registered.count()
    numerator = registered.annotate(active_then=active_on(end)).filter(active_then=True).count()
    share = (
        (Decimal(numerator) / Decimal(denominator) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if denominator
        else None
    )
    period = {"start": _date(start), "end": _date(end)}
    institutions = (
        _partners(user)
        .filter(kind__code__in=INSTITUTION_KINDS)
        .filter(Q(trained_q(start, end)) | Q(granted_q(start, end)))
        .count()
    )
    psm = _trained(PSM, start, end, user)
    tksk = _trained(TKSK, start, end, user)
    return [
        Result(
            key="psks_active",
            name=ACTIVE,
            formula=_(
                "PSKS (semua jenis, orang dan lembaga) yang aktif pada %(end)s ÷ PSKS yang "
                "terdaftar pada %(end)s × 100, menurut riwayat status mitra. Target Renstra "
                "ditulis sebagai jumlah orang dan lembaga; angka pembilang adalah jumlahnya."
            )
            % period,
            unit="%",
            value=share,
            numerator=numerator,
            denominator=denominator,
            missing=[] if denominator else [_("Belum ada PSKS yang terdaftar.")],
            target={"kind": "plan", "name": ACTIVE},
        ),
        Result(
            key="psm_trained",
            name=PSM_TRAINED,
            formula=_(
                "Jumlah PSM yang lulus pelatihan yang selesai antara %(start)s dan %(end)s "
                "(setiap orang dihitung sekali)"
            )
            % period,
            unit=_("orang"),
            value=Decimal(psm),
            numerator=psm,
            target={"kind": "plan", "name": PSM_TRAINED},
        ),
        Result(
            key="tksk_trained",
            name=TKSK_TRAINED,
            formula=_(
                "Jumlah TKSK yang lulus pelatihan yang selesai antara %(start)s dan %(end)s "
                "(setiap orang dihitung sekali)"
            )
            % period,
            unit=_("orang"),
            value=Decimal(tksk),
            numerator=tksk,
            target={"kind": "plan", "name": TKSK_TRAINED},
        ),
        Result(
            key="institutions_capacity",
            name=INSTITUTIONS,
            formula=_(
                "Jumlah LKS dan Karang Taruna yang lulus pelatihan yang selesai atau menerima "
                "bantuan UEP antara %(start)s dan %(end)s (setiap lembaga dihitung sekali)"
            )
            % period,
            unit=_("lembaga"),
            value=Decimal(institutions),
            numerator=institutions,
            target={"kind": "plan", "name": INSTITUTIONS},
        ),
    ]
