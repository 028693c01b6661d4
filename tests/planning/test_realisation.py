"""Quarterly realisation: entered by the responsible unit, submitted, approved by its head
(never their own), locked, reopened only with a recorded reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.planning import services
from sejahtera.planning.models import IndicatorKind, Node, Realisation, Reopening, Status
from sejahtera.planning.selectors import PlanData
from tests.accounts.factories import UserFactory
from tests.planning.factories import small_plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def setup(grades: None) -> dict[str, Any]:
    objs = small_plan(unit_code="REHSOS")
    rehsos = Unit.objects.get(code="REHSOS")
    objs["reporter"] = UserFactory(role=Role.OPERATOR_DINAS, unit=rehsos)
    objs["head"] = UserFactory(role=Role.KEPALA_BIDANG, unit=rehsos)
    objs["other_head"] = UserFactory(role=Role.KEPALA_BIDANG)  # LINJAMSOS
    objs["outsider"] = UserFactory(role=Role.OPERATOR_DINAS, unit=Unit.objects.get(code="PFM"))
    return objs


def _enter(
    s: dict[str, Any], quarter: int, value: str, year: int = 2025, actor: Any = None
) -> Realisation:
    return services.record_indicator_realisation(
        actor=actor or s["reporter"],
        indicator=s["indicator"],
        year=year,
        quarter=quarter,
        written=value,
        today=TODAY,
    )


def test_full_cycle_and_lock(setup: dict[str, Any]) -> None:
    s = setup
    row = _enter(s, 1, "30", actor=s["reporter"])
    assert row.status == Status.DRAFT and row.value == Decimal(30)
    assert services.submit(actor=s["reporter"], realisations=[row]) == 1
    assert services.approve(actor=s["head"], realisations=[row]) == 1
    row.refresh_from_db()
    assert row.locked and row.approved_by == s["head"]
    with pytest.raises(ValidationError, match="terkunci"):
        _enter(s, 1, "35")
    row.refresh_from_db()
    assert row.written == "30"


def test_reopen_needs_a_reason_and_is_recorded(setup: dict[str, Any]) -> None:
    s = setup
    row = _enter(s, 1, "30")
    services.submit(actor=s["reporter"], realisations=[row])
    services.approve(actor=s["head"], realisations=[row])
    with pytest.raises(ValidationError):
        services.reopen(actor=s["head"], realisation=row, reason="salah")
    assert Reopening.objects.count() == 0
    services.reopen(
        actor=s["head"], realisation=row, reason="Angka TW I salah ketik dari laporan desa"
    )
    row.refresh_from_db()
    assert row.status == Status.DRAFT and row.approved_by is None
    assert Reopening.objects.get().reason.startswith("Angka TW I")
    assert _enter(s, 1, "32").written == "32"
    reopened = AuditEvent.objects.filter(
        object_type="planning.realisation", object_repr__contains="dibuka kembali"
    )
    assert reopened.count() == 1


def test_no_one_approves_their_own_entry(setup: dict[str, Any]) -> None:
    s = setup
    row = _enter(s, 2, "25", actor=s["head"])
    services.submit(actor=s["head"], realisations=[row])
    with pytest.raises(ValidationError, match="sendiri"):
        services.approve(actor=s["head"], realisations=[row])
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED


def test_other_units_may_not_enter_or_approve(setup: dict[str, Any]) -> None:
    s = setup
    with pytest.raises(PermissionDenied):
        _enter(s, 1, "30", actor=s["outsider"])
    row = _enter(s, 1, "30")
    services.submit(actor=s["reporter"], realisations=[row])
    with pytest.raises(PermissionDenied):
        services.approve(actor=s["other_head"], realisations=[row])
    assert Realisation.objects.get().status == Status.SUBMITTED


def test_only_submitted_rows_are_approved(setup: dict[str, Any]) -> None:
    s = setup
    row = _enter(s, 1, "30")
    with pytest.raises(ValidationError, match="diajukan"):
        services.approve(actor=s["head"], realisations=[row])


@pytest.mark.parametrize(
    ("year", "quarter", "value", "message"),
    [
        (2025, 5, "10", "Triwulan harus"),
        (2031, 1, "10", "di luar Renstra"),
        (2026, 4, "10", None),  # Q4 2026 has started on 27 Nov 2026
        (2027, 1, "10", "belum berjalan"),
        (2025, 1, "sepuluh", "bukan angka"),
    ],
)
def test_bad_input(
    setup: dict[str, Any], year: int, quarter: int, value: str, message: str | None
) -> None:
    if message is None:
        assert _enter(setup, quarter, value, year=year).pk
        return
    with pytest.raises(ValidationError, match=message):
        _enter(setup, quarter, value, year=year)
    assert not Realisation.objects.exists()


def test_spending_and_evidence(setup: dict[str, Any]) -> None:
    s = setup
    pdf = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    row = services.record_spending(
        actor=s["reporter"],
        node=s["sub"],
        year=2025,
        quarter=1,
        amount=250_000,
        files=[pdf],
        today=TODAY,
    )
    assert row.evidence.count() == 1
    fake = SimpleUploadedFile("bukti.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="bukan"):
        services.record_spending(
            actor=s["reporter"],
            node=s["sub"],
            year=2025,
            quarter=2,
            amount=1,
            files=[fake],
            today=TODAY,
        )
    assert not Realisation.objects.filter(quarter=2).exists()  # nothing half-saved
    with pytest.raises(ValidationError, match="negatif"):
        services.record_spending(
            actor=s["reporter"], node=s["sub"], year=2025, quarter=3, amount=-5, today=TODAY
        )


def test_reports_count_only_approved_realisation(setup: dict[str, Any]) -> None:
    s = setup
    rows = [_enter(s, q, v) for q, v in ((1, "20"), (2, "30"), (3, "25"))]
    services.record_spending(
        actor=s["reporter"], node=s["sub"], year=2025, quarter=1, amount=400_000, today=TODAY
    )
    services.submit(actor=s["reporter"], realisations=list(Realisation.objects.all()))
    services.approve(actor=s["head"], realisations=list(Realisation.objects.exclude(pk=rows[2].pk)))
    official = PlanData(s["plan"])
    ind = s["indicator"]
    assert official.year_real(ind, 2025)[0].number == 50  # annual: quarters add up
    assert official.achievement(ind, "100", official.year_real(ind, 2025)) == Decimal("50.00")
    everything = PlanData(s["plan"], approved_only=False)
    assert everything.year_real(ind, 2025)[0].number == 75
    # Spending rolls up from the sub kegiatan to its kegiatan and programme.
    assert official.spent_year(s["programme"], 2025) == 400_000


def test_iku_is_recorded_on_its_plan_indicator(seed_plan: Any) -> None:
    head = UserFactory(role=Role.OPERATOR_DINAS, unit=Unit.objects.get(code="SEKRETARIAT"))
    iku = seed_plan.indicators.filter(
        kind=IndicatorKind.IKU, name="Nilai SAKIP Perangkat Daerah"
    ).first()
    row = services.record_indicator_realisation(
        actor=head, indicator=iku, year=2025, quarter=4, written="81,20 (A)", today=TODAY
    )
    assert row.indicator == iku.counterpart
    assert Node.objects.get(pk=row.indicator.node_id).code == "1.06.01"


def test_renja_departure_needs_a_reason(seed_plan: Any) -> None:
    actor = UserFactory(role=Role.KEPALA_DINAS)
    wp = services.create_work_plan(actor=actor, plan=seed_plan, year=2026)
    item = wp.items.filter(indicator__isnull=False).first()
    with pytest.raises(ValidationError, match="alasan"):
        services.change_work_plan_item(actor=actor, item=item, written="999", reason="")
    item.refresh_from_db()
    assert item.written == item.renstra_written
    services.change_work_plan_item(
        actor=actor, item=item, written="999", reason="Penyesuaian pagu APBD 2026 hasil evaluasi"
    )
    item.refresh_from_db()
    assert item.departs and item.reason.startswith("Penyesuaian")
    assert PlanData(seed_plan).renja_target(item.indicator, 2026) == "999"
    with pytest.raises(ValidationError, match="sudah ada"):
        services.create_work_plan(actor=actor, plan=seed_plan, year=2026)
