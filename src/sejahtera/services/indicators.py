"""Renstra indicators computed from the services app's records (see common.indicators):
sub-kegiatan 1.06.04.2.01.0003 (assistive devices) and 1.06.04.2.01.0004 (family
reunification) of Tabel 4.3.2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from sejahtera.accounts.scoping import scope
from sejahtera.common.indicators import CountedRow, CountedRows, Result
from sejahtera.services.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    RequestStatus,
    ServiceRequest,
)

# Tabel 2.4.1 row 4: "Memfasilitasi untuk mendapatkan alat bantu".
ASSISTIVE_DEVICES_SERVICE = 4


def _scoped(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return scope(queryset, user, "desa__code") if user is not None else queryset


def _devices(start: dt.date, end: dt.date, user: Any) -> QuerySet[ServiceRequest]:
    return _scoped(
        ServiceRequest.objects.filter(
            service__number=ASSISTIVE_DEVICES_SERVICE,
            status=RequestStatus.DONE,
            closed_on__range=(start, end),
        ),
        user,
    )


def _reunified(start: dt.date, end: dt.date, user: Any) -> QuerySet[Case]:
    return _scoped(
        Case.objects.filter(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.REUNIFIED,
            closed_on__range=(start, end),
        ),
        user,
    )


def _request_row(request: ServiceRequest) -> CountedRow:
    return CountedRow(
        name=request.applicant_name,
        desa=request.desa.name if request.desa else "",
        url=reverse("services:request", args=[request.pk]),
        note=_("permohonan %(code)s") % {"code": request.tracking_code},
    )


def case_row(case: Case, note: str = "") -> CountedRow:
    """A case's client as a drill-down line (select the case's desa with it)."""
    return CountedRow(
        name=case.subject_name,
        desa=case.desa.name if case.desa else "",
        url=reverse("services:case", args=[case.pk]),
        note=note or _("kasus %(number)s") % {"number": case.number},
    )


def counted(key: str, *, start: dt.date, end: dt.date, user: Any) -> CountedRows | None:
    """One request or case per person counted (the formulas count them so)."""
    if key == "alat_bantu":
        requests = _devices(start, end, user).select_related("desa").order_by("closed_on", "pk")
        return CountedRows((requests, _request_row))
    if key == "reunifikasi":
        cases = _reunified(start, end, user).select_related("desa").order_by("closed_on", "pk")
        return CountedRows((cases, case_row))
    return None


def compute(*, start: dt.date, end: dt.date, user: Any = None) -> list[Result]:
    devices = _devices(start, end, user).count()
    reunified = _reunified(start, end, user).count()
    return [
        Result(
            key="alat_bantu",
            name=_("Jumlah orang yang mendapatkan alat bantu"),
            formula=_(
                "Permohonan layanan “Memfasilitasi untuk mendapatkan alat bantu” (Tabel 2.4.1 "
                "no. 4) yang selesai pada periode; satu permohonan satu orang"
            ),
            unit=_("orang"),
            value=Decimal(devices),
            numerator=devices,
            drill_down=True,
            target={
                "kind": "plan",
                "name": "Jumlah Orang yang Mendapatkan Alat Bantu dan Alat Bantu Peraga Sesuai kebutuhan Kewenangan Kabupaten/Kota",
            },
        ),
        Result(
            key="reunifikasi",
            name=_("Jumlah orang yang mendapatkan pelayanan reunifikasi keluarga"),
            formula=_(
                "Kasus yang ditutup pada periode dengan hasil “Kembali ke keluarga”, dari layanan "
                "apa pun; satu kasus satu orang"
            ),
            unit=_("orang"),
            value=Decimal(reunified),
            numerator=reunified,
            drill_down=True,
            target={
                "kind": "plan",
                "name": "Jumlah Orang yang Mendapatkan Pelayanan Reunifikasi Keluarga Kewenangan Kabupaten/Kota",
            },
        ),
    ]
