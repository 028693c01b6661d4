"""The public check (no login), like the ministry's "Cek Bansos": a citizen searches a desa
and a name (NIK optional) and sees whether the person is registered and which programmes
they receive this period, in coarse terms only: no NIK, no address, no other household
members. Every query is logged (without the name) and each client is limited to
`PUBLIC_CHECK_LIMIT` queries per `PUBLIC_CHECK_WINDOW`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from sejahtera.common.names import name_key
from sejahtera.common.ratelimit import client_key
from sejahtera.programs.models import Distribution, PublicCheck
from sejahtera.registry.models import NationalProgramme, Participation, Person

LIMIT = getattr(settings, "PUBLIC_CHECK_LIMIT", 10)
WINDOW = dt.timedelta(minutes=getattr(settings, "PUBLIC_CHECK_WINDOW_MINUTES", 10))
MAX_RESULTS = 5


def client_id(request: HttpRequest) -> str:
    """A salted hash of the client's address: enough to count its queries, useless to
    identify anyone (the same hash the public pages' rate limits count by)."""
    return client_key(request)


def over_limit(client: str, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        PublicCheck.objects.filter(client=client, at__gte=now - WINDOW, refused=False).count()
        >= LIMIT
    )


@dataclass(frozen=True)
class Found:
    name: str
    desa: str
    registered_dtks: bool
    programmes: list[str]


def search(*, desa_code: str, name: str, nik: str = "", on: dt.date | None = None) -> list[Found]:
    on = on or timezone.localdate()
    people = Person.objects.filter(desa_id=desa_code, is_deceased=False, name_key=name_key(name))
    if nik:
        people = people.filter(nik=nik)
    found = []
    labels = dict(NationalProgramme.choices)
    for person in people.select_related("desa")[:MAX_RESULTS]:
        membership = (
            person.memberships.filter(end_date__isnull=True).select_related("household").first()
        )
        household = membership.household if membership else None
        who = Q(person=person)
        if household is not None:
            who |= Q(household=household)
        national = (
            Participation.objects.filter(who, period_start__lte=on)
            .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
            .values_list("programme", flat=True)
            .distinct()
        )
        local = (
            Distribution.objects.filter(
                beneficiary__person=person,
                given_on__isnull=False,
                beneficiary__cycle__period_start__lte=on,
                beneficiary__cycle__period_end__gte=on,
            )
            .values_list("beneficiary__cycle__programme__name", flat=True)
            .distinct()
        )
        programmes = sorted({str(labels.get(code, code)) for code in national} | set(local))
        found.append(
            Found(
                name=person.name,
                desa=person.desa.name,
                registered_dtks=bool(household and household.in_dtks),
                programmes=programmes,
            )
        )
    return found


def log(*, client: str, desa_code: str, with_nik: bool, matches: int, refused: bool = False) -> Any:
    return PublicCheck.objects.create(
        client=client, desa_code=desa_code, with_nik=with_nik, matches=matches, refused=refused
    )
