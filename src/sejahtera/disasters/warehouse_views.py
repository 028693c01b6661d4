"""The logistics warehouse: items with their balance and the forms of receipts and issues;
an item's ledger with the running balance. Both lists download as .xlsx (audited). The
warehouse is the office's: users whose areas do not cover the kabupaten get a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import Export, start_export
from sejahtera.disasters import selectors, warehouse
from sejahtera.disasters.filtersets import MovementFilterSet
from sejahtera.disasters.forms import IssueForm, ItemForm, ReceiptForm
from sejahtera.disasters.models import MovementKind, StockItem, StockMovement
from sejahtera.disasters.views import PAGE_SIZE, run


def _require_warehouse(request: HttpRequest) -> None:
    require(request.user, Cap.VIEW)
    if not selectors.sees_warehouse(request.user):
        raise Http404(_("Gudang logistik tidak ditemukan."))


def _export(
    request: HttpRequest,
    title: str,
    filename: str,
    headers: list[str],
    rows: list[list[Any]],
    object_type: str,
) -> HttpResponse:
    # Stock and its movements (goods, quantities, events, the officer's user name): no
    # citizen in it, so no purpose is asked.
    export = start_export(request, what=title, personal=False)
    if not isinstance(export, Export):
        return export
    return export.xlsx(headers, rows, title=title, name=filename, object_type=object_type)


def _stock_row(item: Any) -> list[Any]:
    """An item with the balance annotated by `stock_items_for`."""
    return [item.name, item.unit, item.received, item.issued, item.balance]


@login_required
def stock(request: HttpRequest) -> HttpResponse:
    _require_warehouse(request)
    items = selectors.stock_items_for(request.user).order_by("name")
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            _("Stok gudang logistik"),
            "stok-logistik",
            [_("Barang"), _("Satuan"), _("Masuk"), _("Keluar"), _("Saldo")],
            [_stock_row(i) for i in items],
            "disasters.stockitem",
        )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Cap.WRITE)
    today = timezone.localdate()
    events = selectors.events_for(request.user)
    forms: dict[str, Any] = {
        "item": ItemForm(request.POST if action == "item" else None, prefix="item"),
        "receipt": ReceiptForm(
            request.POST if action == "receipt" else None,
            items=items,
            prefix="in",
            initial={"date": today},
        ),
        "issue": IssueForm(
            request.POST if action == "issue" else None,
            events=events,
            items=items,
            prefix="out",
            initial={"date": today},
        ),
    }
    if action:
        if action not in forms:
            raise Http404
        done = _act(request, action, forms[action])
        if done is not None:
            messages.success(request, _("Tersimpan."))
            return redirect("disasters:stock")
    return render(
        request,
        "disasters/stock.html",
        {
            "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "forms": forms,
            "bound": action,
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _act(request: HttpRequest, action: str, form: Any) -> Any:
    user = request.user
    if action == "item":
        return run(
            form, lambda d: warehouse.create_item(actor=user, name=d["name"], unit=d["unit"])
        )
    if action == "receipt":
        return run(
            form,
            lambda d: warehouse.receive_stock(
                actor=user,
                item=d["item"],
                quantity=d["quantity"],
                source=d["source"],
                document_number=d["document_number"],
                date=d["date"],
                note=d["note"],
            ),
        )
    return run(
        form,
        lambda d: warehouse.issue_stock(
            actor=user,
            item=d["item"],
            quantity=d["quantity"],
            event=d["event"],
            shelter=d["shelter"],
            document_number=d["document_number"],
            date=d["date"],
            note=d["note"],
        ),
    )


def _running(item: StockItem) -> dict[int, int]:
    """The balance after each movement of the item, in ledger order (date, then entry)."""
    balance = 0
    after: dict[int, int] = {}
    for pk, kind, quantity in (
        StockMovement.objects.filter(item=item)
        .order_by("date", "pk")
        .values_list("pk", "kind", "quantity")
    ):
        balance += quantity if kind == MovementKind.RECEIPT else -quantity
        after[pk] = balance
    return after


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    _require_warehouse(request)
    item = selectors.stock_items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    movements: QuerySet[StockMovement] = selectors.movements_for(request.user).filter(item=item)
    filterset = MovementFilterSet(request.GET or None, queryset=movements.order_by("date", "pk"))
    after = _running(item)
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            _("Kartu stok %(item)s") % {"item": item.name},
            "kartu-stok",
            [
                _("Tanggal"),
                _("Nomor dokumen"),
                _("Jenis"),
                _("Sumber / tujuan"),
                _("Masuk"),
                _("Keluar"),
                _("Saldo"),
                _("Petugas"),
                _("Keterangan"),
            ],
            [
                [
                    m.date,
                    m.document_number,
                    m.get_kind_display(),
                    _destination(m),
                    m.quantity if m.kind == MovementKind.RECEIPT else None,
                    m.quantity if m.kind == MovementKind.ISSUE else None,
                    after.get(m.pk),
                    m.actor.get_username() if m.actor else _("sistem"),
                    m.note,
                ]
                for m in filterset.qs
            ],
            "disasters.stockmovement",
        )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for movement in page:
        movement.after = after.get(movement.pk)
        movement.where = _destination(movement)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disasters/ledger.html",
        {
            "item": item,
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _destination(movement: StockMovement) -> str:
    if movement.kind == MovementKind.RECEIPT:
        return movement.get_source_display()
    text = movement.event.name if movement.event else ""
    if movement.shelter:
        text += f" · {movement.shelter.name}"
    return text
