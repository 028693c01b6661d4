"""Two officers recording the distribution to the same beneficiary at the same moment: one
is recorded, the other is told it already was (the cycle row is locked while recording, and
a beneficiary has at most one distribution). On PostgreSQL, with threads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from sejahtera.accounts.roles import Role
from sejahtera.programs import cycles
from sejahtera.programs.models import CycleStatus, Distribution, Programme
from sejahtera.wilayah.models import Wilayah
from tests.accounts.factories import UserFactory
from tests.concurrency import at_once
from tests.conftest import DESA_A, MOJOKERTO
from tests.programs.people import AS_OF, Profile, build

PHOTO = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the concurrency test runs on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_recording_one_beneficiary_at_once(programmes: None) -> None:
    preparer = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    head = UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO])
    officers = [UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]) for _ in range(2)]
    person = build(Profile(age=80, desil=1, in_dtks=True, size=1))
    cycle = cycles.create_cycle(
        actor=preparer,
        programme=Programme.objects.get(code="permakanan-pokmas"),
        name="Tahap I",
        as_of=AS_OF,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        area=Wilayah.objects.get(code=MOJOKERTO),
        quota=1,
    )
    cycles.run_cycle(cycle=cycle)
    cycles.verify_cycle(actor=preparer, cycle=cycle, excluded={})
    cycles.approve_cycle(actor=head, cycle=cycle)
    beneficiary = cycle.beneficiaries.get(person=person)

    def record(officer: Any) -> None:
        cycles.record_distribution(
            actor=officer,
            beneficiary=beneficiary,
            given_on=dt.date(2026, 6, 20),
            given="Paket permakanan",
            proof=SimpleUploadedFile("ttd.png", PHOTO),
        )

    outcomes = at_once(*(lambda o=o: record(o) for o in officers))
    assert sorted(outcomes) == ["Penyaluran untuk penerima ini sudah dicatat.", "ok"], outcomes
    assert Distribution.objects.filter(beneficiary=beneficiary).count() == 1
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DISTRIBUTED
