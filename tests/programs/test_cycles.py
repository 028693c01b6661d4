"""A cycle from draft to closed: eligibility as a background job, ranking within a quota,
hand checks that make room for the next ranked, approval by a second person, distributions
(blocked for the dead and the removed), closing, and the difference from the previous cycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sejahtera.accounts.roles import Role
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.programs import cycles
from sejahtera.programs.models import Beneficiary, CycleStatus, Distribution, Programme
from sejahtera.wilayah.models import Wilayah
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, MOJOKERTO
from tests.programs.people import AS_OF, Profile, build

pytestmark = pytest.mark.django_db
PHOTO = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def team(programmes: None) -> dict[str, Any]:
    return {
        "preparer": UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]),
        "head": UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO]),
        "desa": UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]),
    }


def _cycle(team: dict[str, Any], quota: int | None = 2, as_of: dt.date = AS_OF) -> Any:
    return cycles.create_cycle(
        actor=team["preparer"],
        programme=Programme.objects.get(code="permakanan-pokmas"),
        name="Tahap I",
        as_of=as_of,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        area=Wilayah.objects.get(code=MOJOKERTO),
        quota=quota,
        amount=200_000,
    )


def _elderly(ages: list[int]) -> list[Any]:
    return [
        build(Profile(age=age, desil=1 + i % 2, in_dtks=True, size=1)) for i, age in enumerate(ages)
    ]


def test_full_cycle(team: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    oldest, second, third = _elderly([90, 80, 75])  # desil 1, 2, 1
    build(Profile(age=50, desil=1, in_dtks=True, size=1))  # too young
    cycle = _cycle(team)
    with django_capture_on_commit_callbacks(execute=True):
        job = cycles.start_run(actor=team["preparer"], cycle=cycle)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    cycle.refresh_from_db()
    assert cycle.eligible_count == 3 and cycle.rule_version is not None
    ranked = list(cycle.beneficiaries.order_by("rank").values_list("person_id", "selected"))
    # Lowest desil first, then the oldest: desil 1 (90, 75), then desil 2 (80); quota 2.
    assert ranked == [(oldest.pk, True), (third.pk, True), (second.pk, False)]
    # The hand check excludes one: the next in rank takes the place.
    excluded = cycle.beneficiaries.get(person=third)
    with pytest.raises(ValidationError, match="alasan"):
        cycles.verify_cycle(actor=team["preparer"], cycle=cycle, excluded={excluded.pk: " "})
    cycles.verify_cycle(
        actor=team["preparer"], cycle=cycle, excluded={excluded.pk: "Pindah ke luar kota"}
    )
    assert set(cycle.beneficiaries.filter(selected=True).values_list("person_id", flat=True)) == {
        oldest.pk,
        second.pk,
    }
    with pytest.raises(PermissionDenied, match="orang lain"):
        cycles.approve_cycle(actor=team["preparer"], cycle=cycle)
    cycles.approve_cycle(actor=team["head"], cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED
    first = cycle.beneficiaries.get(person=oldest)
    cycles.record_distribution(
        actor=team["desa"],
        beneficiary=first,
        given_on=dt.date(2026, 6, 20),
        given="Rp 200.000",
        proof=SimpleUploadedFile("ttd.png", PHOTO),
    )
    with pytest.raises(ValidationError, match="sudah dicatat"):
        cycles.record_distribution(actor=team["desa"], beneficiary=first, not_given_reason="x")
    with pytest.raises(ValidationError, match="belum dicatat"):
        cycles.close_cycle(actor=team["head"], cycle=cycle)
    # The second dies before the distribution: blocked, only a reason can be recorded.
    second.is_deceased, second.death_date = True, dt.date(2026, 6, 1)
    second.save()
    other = cycle.beneficiaries.get(person=second)
    with pytest.raises(ValidationError, match="meninggal"):
        cycles.record_distribution(
            actor=team["head"],
            beneficiary=other,
            given_on=dt.date(2026, 6, 20),
            given="Rp 200.000",
            proof=SimpleUploadedFile("ttd.png", PHOTO),
        )
    cycles.record_distribution(
        actor=team["head"], beneficiary=other, not_given_reason="Meninggal 1 Juni 2026"
    )
    cycles.close_cycle(actor=team["head"], cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    assert Distribution.objects.filter(given_on__isnull=False).count() == 1


def test_refusals(team: dict[str, Any]) -> None:
    _elderly([85])
    cycle = _cycle(team, quota=None)
    with pytest.raises(ValidationError, match="Jalankan dulu"):
        cycles.verify_cycle(actor=team["preparer"], cycle=cycle, excluded={})
    cycles.run_cycle(cycle=cycle)
    with pytest.raises(ValidationError, match="tidak dapat dilakukan"):
        cycles.approve_cycle(actor=team["head"], cycle=cycle)  # not verified yet
    beneficiary = cycle.beneficiaries.get()
    with pytest.raises(ValidationError, match="tidak dapat dilakukan"):
        cycles.record_distribution(
            actor=team["head"], beneficiary=beneficiary, not_given_reason="x"
        )
    with pytest.raises(PermissionDenied):
        cycles.create_cycle(
            actor=team["desa"],
            programme=cycle.programme,
            name="x",
            as_of=AS_OF,
            period_start=AS_OF,
            period_end=AS_OF,
            area=cycle.area,
        )
    with pytest.raises(ValidationError) as bad:
        cycles.create_cycle(
            actor=team["preparer"],
            programme=Programme.objects.get(code="uep-lks"),
            name="x",
            as_of=AS_OF,
            period_start=AS_OF,
            period_end=AS_OF - dt.timedelta(days=1),
            area=cycle.area,
            quota=0,
        )
    assert set(bad.value.message_dict) == {"programme", "period_end", "quota"}
    # A removed person (no current KK) cannot receive.
    cycles.verify_cycle(actor=team["preparer"], cycle=cycle, excluded={})
    cycles.approve_cycle(actor=team["head"], cycle=cycle)
    beneficiary.person.memberships.update(end_date=dt.date(2026, 6, 10))
    with pytest.raises(ValidationError, match="dihapus dari registri"):
        cycles.record_distribution(
            actor=team["head"],
            beneficiary=beneficiary,
            given_on=dt.date(2026, 6, 20),
            given="beras",
            proof=SimpleUploadedFile("ttd.png", PHOTO),
        )
    assert not Distribution.objects.exists()


def test_difference_from_previous_cycle(team: dict[str, Any]) -> None:
    stays, leaves = _elderly([88, 77])
    first = _cycle(team, quota=None)
    cycles.run_cycle(cycle=first)
    # Before the next cycle: one starts receiving PKH (the rule excludes PKH recipients), a
    # new elderly person appears.
    from sejahtera.registry.models import Participation

    Participation.objects.create(
        programme="PKH",
        household=leaves.memberships.get().household,
        period_start=dt.date(2026, 7, 1),
    )
    newcomer = build(Profile(age=71, desil=1, in_dtks=True, size=1))
    second = _cycle(team, quota=None, as_of=dt.date(2026, 8, 1))
    cycles.run_cycle(cycle=second)
    assert second.previous == first
    diff = cycles.changes_since_previous(second)
    assert [p.pk for p in diff["entered"]] == [newcomer.pk]
    assert [row["person"].pk for row in diff["left"]] == [leaves.pk]
    assert any("menerima PKH" in reason for reason in diff["left"][0]["failing"])
    assert Beneficiary.objects.filter(cycle=second, person=stays).exists()
    assert Job.objects.count() == 0  # run directly here, not as a job
