"""What the office configures for its services: each service's division, working-day target
and required documents; each complaint category's response deadline and division; the
calendar of national holidays and collective leave. Changes apply to requests and complaints
received afterwards (a due date, once set, does not move)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.services.models import ComplaintCategory, Holiday, Service

MAX_DAYS = 60


def _days(value: int | None, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise ValidationError(_("Isi jumlah hari kerja."))
        return None
    if not 1 <= value <= MAX_DAYS:
        raise ValidationError(
            _("Jumlah hari kerja harus antara 1 dan %(max)s.") % {"max": MAX_DAYS}
        )
    return value


@transaction.atomic
def configure_service(
    *,
    actor: Any,
    service: Service,
    unit: Unit | None,
    sla_working_days: int | None,
    documents: list[str],
) -> Service:
    require(actor, Cap.MANAGE_REFERENCE)
    days = _days(sla_working_days, required=False)
    cleaned = [d.strip()[:200] for d in documents if d.strip()]
    if len(cleaned) > 20:
        raise ValidationError(_("Paling banyak 20 dokumen."))
    before = audit.snapshot(service)
    service.unit = unit
    service.sla_working_days = days
    service.documents = cleaned
    service.save(update_fields=["unit", "sla_working_days", "documents"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=service,
        changes=audit.diff(before, audit.snapshot(service)),
    )
    return service


@transaction.atomic
def configure_category(
    *,
    actor: Any,
    category: ComplaintCategory,
    unit: Unit | None,
    response_working_days: int | None,
) -> ComplaintCategory:
    require(actor, Cap.MANAGE_REFERENCE)
    days = _days(response_working_days, required=True)
    assert days is not None
    before = audit.snapshot(category)
    category.unit = unit
    category.response_working_days = days
    category.save(update_fields=["unit", "response_working_days"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=category,
        changes=audit.diff(before, audit.snapshot(category)),
    )
    return category


@transaction.atomic
def add_holiday(*, actor: Any, date: dt.date, name: str, collective_leave: bool = False) -> Holiday:
    require(actor, Cap.MANAGE_REFERENCE)
    name = name.strip()
    if len(name) < 3:
        raise ValidationError({"name": _("Tuliskan keterangan hari libur.")})
    if Holiday.objects.filter(date=date).exists():
        raise ValidationError({"date": _("Tanggal ini sudah tercatat sebagai hari libur.")})
    holiday = Holiday.objects.create(date=date, name=name[:150], collective_leave=collective_leave)
    audit.record(actor=actor, action=Action.CREATE, obj=holiday)
    return holiday


@transaction.atomic
def remove_holiday(*, actor: Any, holiday: Holiday) -> None:
    require(actor, Cap.MANAGE_REFERENCE)
    audit.record(actor=actor, action=Action.DELETE, obj=holiday)
    holiday.delete()
