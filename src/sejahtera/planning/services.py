"""Writes of the planning app: quarterly realisation (entered by the responsible unit,
submitted, approved by its head and then locked; reopening is recorded), how indicators are
computed, which unit reports on which row, the Renja of a year, and the grade scale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap, Role
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.uploads import check_upload
from sejahtera.planning.models import (
    Accumulation,
    Direction,
    Evidence,
    GradeBand,
    Indicator,
    Node,
    Plan,
    Realisation,
    Reopening,
    Status,
    WorkPlan,
    WorkPlanItem,
)
from sejahtera.planning.values import components, number

MAX_EVIDENCE_FILES = 5


def current_plan() -> Plan | None:
    return Plan.objects.filter(is_current=True).order_by("-period_start").first()


def responsible_unit(node: Node | None) -> Unit | None:
    """The unit that reports on a row: its own, else its nearest ancestor's."""
    while node is not None:
        if node.unit_id is not None:
            return node.unit
        node = node.parent
    return None


def check_unit(actor: Any, node: Node | None, *, approving: bool = False) -> None:
    """A unit reports and its head approves only the rows assigned to that unit; the head
    of the office and plan managers act on every row."""
    if actor is None or can(actor, Cap.PLAN_MANAGE) or actor.role == Role.KEPALA_DINAS:
        return
    unit = responsible_unit(node)
    if unit is not None and actor.unit_id != unit.pk:
        if approving:
            raise PermissionDenied(
                _("Baris ini milik %(unit)s; hanya kepala unit itu yang dapat menyetujuinya.")
                % {"unit": unit.name}
            )
        raise PermissionDenied(
            _("Baris ini dilaporkan oleh %(unit)s, bukan unit Anda.") % {"unit": unit.name}
        )


def _check_period(plan: Plan, year: int, quarter: int, today: dt.date | None = None) -> None:
    if year not in plan.years:
        raise ValidationError(
            {
                "year": _("Tahun %(year)s di luar Renstra %(start)s–%(end)s.")
                % {"year": year, "start": plan.period_start, "end": plan.last_target_year}
            }
        )
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Triwulan harus 1, 2, 3 atau 4.")})
    today = today or timezone.localdate()
    starts = dt.date(year, 3 * quarter - 2, 1)
    if starts > today:
        raise ValidationError(
            {
                "quarter": _("Triwulan %(q)s tahun %(year)s belum berjalan.")
                % {"q": quarter, "year": year}
            }
        )


def _store_evidence(actor: Any, realisation: Realisation, files: Sequence[UploadedFile]) -> None:
    if realisation.evidence.count() + len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("Paling banyak %(n)s berkas bukti.") % {"n": MAX_EVIDENCE_FILES}}
        )
    for upload in files:  # every file checked before any is stored
        check_upload(upload, kinds=("pdf", "jpeg", "png"))
    for upload in files:
        Evidence.objects.create(
            realisation=realisation,
            file=upload,
            name=(upload.name or "bukti")[:200],
            uploaded_by=actor,
        )


def _save(
    *,
    actor: Any,
    plan: Plan,
    year: int,
    quarter: int,
    lookup: dict[str, Any],
    values: dict[str, Any],
    files: Sequence[UploadedFile],
) -> Realisation:
    existing = (
        Realisation.objects.select_for_update().filter(year=year, quarter=quarter, **lookup).first()
    )
    if existing is not None and existing.locked:
        raise ValidationError(
            _(
                "Realisasi triwulan %(q)s tahun %(year)s sudah disetujui dan terkunci; "
                "minta kepala bidang membukanya kembali dengan alasan."
            )
            % {"q": quarter, "year": year}
        )
    before = audit.snapshot(existing) if existing else {}
    realisation = existing or Realisation(plan=plan, year=year, quarter=quarter, **lookup)
    for key, value in values.items():
        setattr(realisation, key, value)
    realisation.status = Status.DRAFT
    realisation.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    realisation.save()
    _store_evidence(actor, realisation, files)
    audit.record(
        actor=actor,
        action=Action.UPDATE if existing else Action.CREATE,
        obj=realisation,
        object_repr=_("Realisasi %(year)s TW %(q)s") % {"year": year, "q": quarter},
        changes=audit.diff(before, audit.snapshot(realisation)),
    )
    return realisation


def parse_realisation(written: str) -> Decimal:
    text = (written or "").strip()
    if not components(text):
        raise ValidationError(
            {"written": _("Nilai realisasi “%(value)s” bukan angka.") % {"value": text[:40]}}
        )
    value = number(text)
    assert value is not None
    if abs(value) >= Decimal(10) ** 15:
        raise ValidationError({"written": _("Nilai realisasi terlalu besar.")})
    return value


@transaction.atomic
def record_indicator_realisation(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    quarter: int,
    written: str,
    helped: str = "",
    hindered: str = "",
    files: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> Realisation:
    """Record (or correct, while not approved) an indicator's value for a quarter. An IKU
    that repeats a Tabel 4.3.2 indicator is recorded on that indicator."""
    require(actor, Cap.PLAN_REPORT)
    indicator = indicator.reported
    check_unit(actor, indicator.node)
    _check_period(indicator.plan, year, quarter, today)
    value = parse_realisation(written)
    return _save(
        actor=actor,
        plan=indicator.plan,
        year=year,
        quarter=quarter,
        lookup={"indicator": indicator},
        values={
            "written": written.strip(),
            "value": value,
            "helped": helped.strip(),
            "hindered": hindered.strip(),
        },
        files=files,
    )


@transaction.atomic
def record_spending(
    *,
    actor: Any,
    node: Node,
    year: int,
    quarter: int,
    amount: int,
    helped: str = "",
    hindered: str = "",
    files: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> Realisation:
    """Record the rupiah a sub kegiatan (or any row with pagu) spent in a quarter."""
    require(actor, Cap.PLAN_REPORT)
    check_unit(actor, node)
    _check_period(node.plan, year, quarter, today)
    if amount < 0:
        raise ValidationError({"amount": _("Realisasi anggaran tidak boleh negatif.")})
    if amount >= 10**15:
        raise ValidationError({"amount": _("Realisasi anggaran terlalu besar.")})
    return _save(
        actor=actor,
        plan=node.plan,
        year=year,
        quarter=quarter,
        lookup={"node": node},
        values={"amount": amount, "helped": helped.strip(), "hindered": hindered.strip()},
        files=files,
    )


def _row_node(realisation: Realisation) -> Node | None:
    if realisation.node_id is not None:
        return realisation.node
    return realisation.indicator.node if realisation.indicator else None


@transaction.atomic
def submit(*, actor: Any, realisations: Sequence[Realisation]) -> int:
    """Send draft rows to the head of the unit for approval."""
    require(actor, Cap.PLAN_REPORT)
    count = 0
    for realisation in realisations:
        check_unit(actor, _row_node(realisation))
        if realisation.status != Status.DRAFT:
            continue
        realisation.status = Status.SUBMITTED
        realisation.save(update_fields=["status"])
        count += 1
    if count:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            object_type="planning.realisation",
            object_repr=_("%(n)s realisasi diajukan") % {"n": count},
            extra={"ids": [r.pk for r in realisations]},
        )
    return count


@transaction.atomic
def approve(*, actor: Any, realisations: Sequence[Realisation]) -> int:
    """Approve submitted rows: they are locked from then on. No one approves their own."""
    require(actor, Cap.PLAN_APPROVE)
    count = 0
    now = timezone.now()
    for realisation in realisations:
        check_unit(actor, _row_node(realisation), approving=True)
        if realisation.status != Status.SUBMITTED:
            raise ValidationError(_("Hanya realisasi yang sudah diajukan yang dapat disetujui."))
        if actor is not None and realisation.entered_by_id == actor.pk:
            raise ValidationError(_("Anda tidak dapat menyetujui isian Anda sendiri."))
        realisation.status = Status.APPROVED
        realisation.approved_by = actor
        realisation.approved_at = now
        realisation.save(update_fields=["status", "approved_by", "approved_at"])
        count += 1
    if count:
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            object_type="planning.realisation",
            object_repr=_("%(n)s realisasi disetujui") % {"n": count},
            extra={"ids": [r.pk for r in realisations]},
        )
    return count


@transaction.atomic
def reopen(*, actor: Any, realisation: Realisation, reason: str) -> Realisation:
    """Unlock an approved row for correction; the reason is kept."""
    require(actor, Cap.PLAN_APPROVE)
    check_unit(actor, _row_node(realisation), approving=True)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Tuliskan alasan pembukaan kembali (minimal 10 huruf).")}
        )
    if realisation.status != Status.APPROVED:
        raise ValidationError(_("Realisasi ini belum disetujui, jadi tidak terkunci."))
    Reopening.objects.create(realisation=realisation, by=actor, reason=reason)
    realisation.status = Status.DRAFT
    realisation.approved_by = None
    realisation.approved_at = None
    realisation.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=realisation,
        object_repr=_("Realisasi %(year)s TW %(q)s dibuka kembali")
        % {"year": realisation.year, "q": realisation.quarter},
        extra={"reason": reason},
    )
    return realisation


@transaction.atomic
def set_indicator_method(
    *, actor: Any, indicator: Indicator, direction: str, accumulation: str, note: str
) -> Indicator:
    require(actor, Cap.PLAN_MANAGE)
    if direction not in Direction.values or accumulation not in Accumulation.values:
        raise ValidationError(_("Arah atau cara akumulasi tidak dikenal."))
    if not note.strip():
        raise ValidationError({"note": _("Tuliskan dasar cara hitung ini.")})
    before = audit.snapshot(indicator)
    indicator.direction = direction
    indicator.accumulation = accumulation
    indicator.method_note = note.strip()[:250]
    indicator.save(update_fields=["direction", "accumulation", "method_note"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=indicator,
        changes=audit.diff(before, audit.snapshot(indicator)),
    )
    return indicator


@transaction.atomic
def assign_unit(*, actor: Any, node: Node, unit: Unit | None) -> Node:
    """Name the unit that reports on a row (and, unless they have their own, its children)."""
    require(actor, Cap.PLAN_MANAGE)
    before = audit.snapshot(node, fields=["unit"])
    node.unit = unit
    node.save(update_fields=["unit"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=node,
        changes=audit.diff(before, audit.snapshot(node, fields=["unit"])),
    )
    return node


@transaction.atomic
def create_work_plan(*, actor: Any, plan: Plan, year: int) -> WorkPlan:
    """Derive the Renja of `year` from the Renstra: each indicator's target and each row's
    pagu for that year."""
    require(actor, Cap.PLAN_MANAGE)
    if year not in plan.years:
        raise ValidationError({"year": _("Tahun %(year)s di luar Renstra ini.") % {"year": year}})
    if WorkPlan.objects.filter(plan=plan, year=year).exists():
        raise ValidationError(_("Renja tahun %(year)s sudah ada.") % {"year": year})
    work_plan = WorkPlan.objects.create(
        plan=plan,
        year=year,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    from sejahtera.planning.models import Budget, IndicatorKind, Target

    targets = dict(
        Target.objects.filter(indicator__plan=plan, year=year).values_list(
            "indicator_id", "written"
        )
    )
    items = [
        WorkPlanItem(
            work_plan=work_plan,
            indicator_id=ind_id,
            renstra_written=targets.get(ind_id, ""),
            written=targets.get(ind_id, ""),
        )
        for ind_id in plan.indicators.filter(kind=IndicatorKind.PLAN)
        .order_by("node__position", "position")
        .values_list("pk", flat=True)
    ]
    items += [
        WorkPlanItem(work_plan=work_plan, node_id=node_id, renstra_amount=amount, amount=amount)
        for node_id, amount in Budget.objects.filter(node__plan=plan, year=year)
        .order_by("node__position")
        .values_list("node_id", "amount")
    ]
    WorkPlanItem.objects.bulk_create(items)
    audit.record(actor=actor, action=Action.CREATE, obj=work_plan, extra={"items": len(items)})
    return work_plan


@transaction.atomic
def change_work_plan_item(
    *,
    actor: Any,
    item: WorkPlanItem,
    written: str | None = None,
    amount: int | None = None,
    reason: str = "",
) -> WorkPlanItem:
    """Change a Renja target or pagu; one that departs from the Renstra needs a reason."""
    require(actor, Cap.PLAN_MANAGE)
    before = audit.snapshot(item)
    if item.indicator_id is not None:
        text = (written or "").strip()
        if text and not components(text):
            raise ValidationError({"written": _("Target “%(v)s” bukan angka.") % {"v": text[:40]}})
        item.written = text
    else:
        if amount is not None and amount < 0:
            raise ValidationError({"amount": _("Pagu tidak boleh negatif.")})
        item.amount = amount
    reason = (reason or "").strip()
    if item.departs and len(reason) < 10:
        raise ValidationError(
            {"reason": _("Berbeda dari Renstra: tuliskan alasannya (minimal 10 huruf).")}
        )
    item.reason = reason if item.departs else ""
    item.changed_by = actor if getattr(actor, "is_authenticated", False) else None
    item.changed_at = timezone.now()
    item.save()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=item,
        object_repr=str(item.work_plan),
        changes=audit.diff(before, audit.snapshot(item)),
    )
    return item


@transaction.atomic
def load_grades(*, scale: str, source: str, bands: list[dict[str, Any]]) -> int:
    """Replace the bands of a grade scale with those of the reference file."""
    GradeBand.objects.filter(scale=scale).delete()
    GradeBand.objects.bulk_create(
        GradeBand(
            scale=scale,
            label=band["label"],
            minimum=None if band["minimum"] is None else Decimal(str(band["minimum"])),
            colour=band.get("colour", "secondary"),
            source=source,
        )
        for band in bands
    )
    return len(bands)
