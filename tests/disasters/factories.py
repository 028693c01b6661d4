"""Helpers for the disasters tests: an event in two desa of kecamatan A (written through the
service, so it has its first phase), staff of the office and of one desa, TAGANA partners,
dates in March 2026 (in the past, so the services accept them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sejahtera.accounts.roles import Role
from sejahtera.disasters import events
from sejahtera.disasters.models import Event, EventKind
from sejahtera.partners.models import Partner, PartnerKind
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_A2, MOJOKERTO

START = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 3, 20)


def day(n: int) -> dt.date:
    """Day `n` of the event (day 0 is its start)."""
    return START + dt.timedelta(days=n)


def office(role: str = Role.OPERATOR_DINAS) -> Any:
    return UserFactory(role=role, area_codes=[MOJOKERTO])


def desa_operator(desa: str = DESA_A) -> Any:
    return UserFactory(role=Role.OPERATOR_DESA, area_codes=[desa])


def make_event(
    *,
    desa: tuple[str, ...] = (DESA_A, DESA_A2),
    started_on: dt.date = START,
    kind: str = EventKind.NATURAL,
    name: str = "Banjir Sungai Uji",
    actor: Any = None,
) -> Event:
    return events.create_event(
        actor=actor,
        kind=kind,
        name=name,
        desa_codes=list(desa),
        started_on=started_on,
        today=TODAY,
    )


def tagana(*, active: bool = True, area: str = DESA_A, kind: str = "tagana") -> Partner:
    partner_kind, _created = PartnerKind.objects.get_or_create(
        code=kind, defaults={"name": "Taruna Siaga Bencana (TAGANA)" if kind == "tagana" else kind}
    )
    return Partner.objects.create(
        kind=partner_kind,
        name=f"Relawan {Partner.objects.count() + 1}",
        area_id=area,
        active=active,
    )
