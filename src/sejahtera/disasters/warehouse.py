"""The office's logistics warehouse (gudang logistik): items, receipts (from APBD, Kemensos,
donations or elsewhere) and issues to an event (and optionally one of its shelters). Every
movement has a unique document number and the person who recorded it. An item's balance is
its receipts minus its issues; an issue that would make it negative, on its date or any later
date, is refused and nothing is saved (the item row is locked while checking)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.formatting import number, tanggal
from sejahtera.disasters.models import (
    Event,
    MovementKind,
    Phase,
    Shelter,
    Source,
    StockItem,
    StockMovement,
)
from sejahtera.disasters.selectors import event_desa_codes, sees_event


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_warehouse(actor: Any) -> None:
    require(actor, Cap.WRITE)
    if actor is not None and not in_scope(actor, settings.OFFICE_WILAYAH_CODE):
        raise PermissionDenied(_("Gudang logistik dikelola petugas tingkat kabupaten."))


def balance(item: StockItem, *, on: dt.date | None = None) -> int:
    """Receipts − issues of the item (up to and including `on` when given)."""
    rows = StockMovement.objects.filter(item=item)
    if on is not None:
        rows = rows.filter(date__lte=on)
    totals = rows.aggregate(
        received=Sum("quantity", filter=Q(kind=MovementKind.RECEIPT)),
        issued=Sum("quantity", filter=Q(kind=MovementKind.ISSUE)),
    )
    return (totals["received"] or 0) - (totals["issued"] or 0)


def available_from(item: StockItem, day: dt.date) -> int:
    """The most that can be issued on `day` without the balance going negative on that day
    or any later day: the lowest running balance from `day` on."""
    running = balance(item, on=day)
    lowest = running
    later = (
        StockMovement.objects.filter(item=item, date__gt=day)
        .values("date")
        .annotate(
            received=Sum("quantity", filter=Q(kind=MovementKind.RECEIPT)),
            issued=Sum("quantity", filter=Q(kind=MovementKind.ISSUE)),
        )
        .order_by("date")
    )
    for row in later:
        running += (row["received"] or 0) - (row["issued"] or 0)
        lowest = min(lowest, running)
    return lowest


@transaction.atomic
def create_item(*, actor: Any, name: str, unit: str) -> StockItem:
    _require_warehouse(actor)
    errors: dict[str, str] = {}
    if len(name.strip()) < 2:
        errors["name"] = _("Tuliskan nama barang.")
    elif StockItem.objects.filter(name__iexact=name.strip()).exists():
        errors["name"] = _("Barang dengan nama ini sudah ada.")
    if not unit.strip():
        errors["unit"] = _("Tuliskan satuan (mis. kg, paket, lembar).")
    if errors:
        raise ValidationError(errors)
    item = StockItem.objects.create(name=name.strip()[:150], unit=unit.strip()[:30])
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=item,
        wilayah_code=settings.OFFICE_WILAYAH_CODE,
        changes={"name": [None, item.name], "unit": [None, item.unit]},
    )
    return item


def _common(
    *, quantity: int, document_number: str, date: dt.date, today: dt.date
) -> tuple[str, dict[str, str]]:
    errors: dict[str, str] = {}
    document = document_number.strip()
    if quantity < 1:
        errors["quantity"] = _("Jumlah harus lebih dari nol.")
    if not document:
        errors["document_number"] = _("Tuliskan nomor dokumen (BAST/tanda terima).")
    elif StockMovement.objects.filter(document_number__iexact=document).exists():
        errors["document_number"] = _("Nomor dokumen %(n)s sudah dipakai.") % {"n": document}
    if date > today:
        errors["date"] = _("Tanggal tidak boleh di masa depan.")
    return document[:60], errors


def _save(movement: StockMovement) -> StockMovement:
    try:
        with transaction.atomic():
            movement.save()
    except IntegrityError as exc:  # a concurrent movement took the document number
        raise ValidationError(
            {
                "document_number": _("Nomor dokumen %(n)s sudah dipakai.")
                % {"n": movement.document_number}
            }
        ) from exc
    return movement


@transaction.atomic
def receive_stock(
    *,
    actor: Any,
    item: StockItem,
    quantity: int,
    source: str,
    document_number: str,
    date: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> StockMovement:
    _require_warehouse(actor)
    item = StockItem.objects.select_for_update().get(pk=item.pk)
    document, errors = _common(
        quantity=quantity,
        document_number=document_number,
        date=date,
        today=today or timezone.localdate(),
    )
    if source not in Source.values:
        errors["source"] = _("Pilih sumber barang (APBD, Kemensos, donasi atau lainnya).")
    if errors:
        raise ValidationError(errors)
    movement = _save(
        StockMovement(
            item=item,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            source=source,
            document_number=document,
            date=date,
            note=note.strip()[:300],
            actor=_user(actor),
        )
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=movement,
        object_repr=f"{document}: +{quantity} {item.unit} {item.name}",
        wilayah_code=settings.OFFICE_WILAYAH_CODE,
        changes={"item": [None, item.pk], "quantity": [None, quantity], "source": [None, source]},
    )
    return movement


@transaction.atomic
def issue_stock(
    *,
    actor: Any,
    item: StockItem,
    quantity: int,
    event: Event,
    document_number: str,
    date: dt.date,
    shelter: Shelter | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> StockMovement:
    """Issue items to an event (and optionally one of its shelters). Refused, with nothing
    saved, when the warehouse does not hold enough on that date and every later date."""
    _require_warehouse(actor)
    item = StockItem.objects.select_for_update().get(pk=item.pk)
    document, errors = _common(
        quantity=quantity,
        document_number=document_number,
        date=date,
        today=today or timezone.localdate(),
    )
    if actor is not None and not sees_event(actor, event):
        raise PermissionDenied(_("Kejadian ini di luar wilayah kerja Anda."))
    if event.phase == Phase.DONE:
        errors["event"] = _("Kejadian %(name)s sudah selesai.") % {"name": event.name}
    elif date < event.started_on:
        errors["date"] = _("Tanggal sebelum kejadian dimulai (%(d)s).") % {
            "d": tanggal(event.started_on)
        }
    if shelter is not None and shelter.event_id != event.pk:
        errors["shelter"] = _("Tempat pengungsian ini bukan milik kejadian tersebut.")
    if errors:
        raise ValidationError(errors)
    available = available_from(item, date)
    if quantity > available:
        raise ValidationError(
            {
                "quantity": _(
                    "Stok %(item)s tidak cukup: tersedia %(available)s %(unit)s pada %(date)s, "
                    "diminta %(wanted)s %(unit)s. Tidak ada yang disimpan."
                )
                % {
                    "item": item.name,
                    "available": number(max(available, 0)),
                    "unit": item.unit,
                    "date": tanggal(date),
                    "wanted": number(quantity),
                }
            }
        )
    movement = _save(
        StockMovement(
            item=item,
            kind=MovementKind.ISSUE,
            quantity=quantity,
            event=event,
            shelter=shelter,
            document_number=document,
            date=date,
            note=note.strip()[:300],
            actor=_user(actor),
        )
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=movement,
        object_repr=f"{document}: -{quantity} {item.unit} {item.name} → {event.name}",
        wilayah_code=event_desa_codes(event)[0],
        changes={"item": [None, item.pk], "quantity": [None, quantity], "event": [None, event.pk]},
    )
    return movement
