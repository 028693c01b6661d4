"""Helpers for the partners tests: the kinds loaded from the reference data, partners
registered through the service (so each has its first status change), dates around
today (the services refuse dates in the future)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sejahtera.partners.models import Certificate, Partner, PartnerKind
from sejahtera.partners.services import PartnerData, record_certificate, register_partner
from tests.conftest import DESA_A

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    """`n` days from today (negative: ago)."""
    return TODAY + dt.timedelta(days=n)


def make_partner(
    kind: str,
    *,
    area: str = DESA_A,
    name: str | None = None,
    registered_on: dt.date | None = None,
    actor: Any = None,
    **data: Any,
) -> Partner:
    if kind == "lks":
        data.setdefault("lks_type", "anak")
    return register_partner(
        actor=actor,
        kind=PartnerKind.objects.get(code=kind),
        data=PartnerData(
            name=name or f"{kind.upper()} Uji {Partner.objects.count() + 1}",
            area_code=area,
            **data,
        ),
        registered_on=registered_on or days(-400),
    )


def make_certificate(
    partner: Partner, *, expires_on: dt.date, issued_on: dt.date | None = None, number: str = ""
) -> Certificate:
    issued = issued_on or min(expires_on - dt.timedelta(days=3 * 365), days(-1))
    return record_certificate(
        actor=None,
        partner=partner,
        number=number or f"STP/{Certificate.objects.count() + 1}",
        issued_on=issued,
        expires_on=expires_on,
    )
