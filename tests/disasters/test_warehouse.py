"""The logistics warehouse: receipts and issues with a unique document number and who did
it, the balance, and issues that would make it negative (on their date or later) refused with
nothing saved; its pages, ledger and .xlsx exports are for the office only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sejahtera.audit.models import Action, AuditEvent
from sejahtera.disasters import events, warehouse
from sejahtera.disasters.models import MovementKind, Phase, Source, StockItem, StockMovement
from sejahtera.disasters.selectors import stock_items_for
from tests.conftest import DESA_A
from tests.disasters.factories import START, TODAY, day, desa_operator, make_event, office

pytestmark = pytest.mark.django_db


def _receive(
    item: StockItem, quantity: int, number: str, date: dt.date = START, **extra: object
) -> StockMovement:
    return warehouse.receive_stock(
        actor=extra.pop("actor", None),
        item=item,
        quantity=quantity,
        source=extra.pop("source", Source.KEMENSOS),
        document_number=number,
        date=date,
        today=TODAY,
    )


def test_receipts_issues_and_balance() -> None:
    clerk = office()
    event = make_event()
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    with pytest.raises(ValidationError):
        warehouse.create_item(actor=clerk, name="beras", unit="kg")
    _receive(rice, 100, "BAST/001", actor=clerk)
    shelter = events.add_shelter(
        actor=clerk, event=event, name="Balai", desa_code=DESA_A, capacity=9
    )
    issued = warehouse.issue_stock(
        actor=clerk,
        item=rice,
        quantity=60,
        event=event,
        shelter=shelter,
        document_number="SBBK/001",
        date=day(1),
        today=TODAY,
    )
    assert issued.actor == clerk and issued.kind == MovementKind.ISSUE
    assert warehouse.balance(rice) == 40
    listed = stock_items_for(clerk).get(pk=rice.pk)
    assert (listed.received, listed.issued, listed.balance) == (100, 60, 40)  # type: ignore[attr-defined]
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="disasters.stockmovement")
    assert created.count() == 2 and {e.actor for e in created} == {clerk}


def test_an_issue_that_would_go_negative_is_refused_and_saves_nothing() -> None:
    clerk = office()
    event = make_event()
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    _receive(rice, 50, "BAST/001")
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=51,
            event=event,
            document_number="SBBK/9",
            date=day(1),
            today=TODAY,
        )
    text = refused.value.message_dict["quantity"][0]
    assert "tidak cukup" in text and "tersedia 50 kg" in text and "Tidak ada yang disimpan" in text
    assert StockMovement.objects.count() == 1 and AuditEvent.objects.count() == audits
    # Backdated: on day 1 there were 50, but 40 left on day 3 and a later issue took them.
    warehouse.issue_stock(
        actor=clerk,
        item=rice,
        quantity=40,
        event=event,
        document_number="SBBK/1",
        date=day(3),
        today=TODAY,
    )
    with pytest.raises(ValidationError) as backdated:
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=20,
            event=event,
            document_number="SBBK/2",
            date=day(1),
            today=TODAY,
        )
    assert "tersedia 10 kg" in backdated.value.message_dict["quantity"][0]
    # Before any receipt there was nothing.
    with pytest.raises(ValidationError):
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=1,
            event=event,
            document_number="SBBK/3",
            date=START - dt.timedelta(1),
            today=TODAY,
        )
    assert warehouse.balance(rice) == 10 and StockMovement.objects.count() == 2


def test_the_item_row_is_locked_while_checking() -> None:
    clerk = office()
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    _receive(rice, 5, "BAST/001")
    with CaptureQueriesContext(connection) as queries:
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=5,
            event=make_event(),
            document_number="SBBK/1",
            date=day(1),
            today=TODAY,
        )
    locks = [q["sql"] for q in queries if "disasters_stockitem" in q["sql"]]
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in sql for sql in locks)
    else:
        assert locks  # SQLite locks the whole database for the transaction


def test_document_numbers_sources_and_destinations() -> None:
    clerk = office()
    event = make_event()
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    _receive(rice, 10, "BAST/001")
    with pytest.raises(ValidationError) as taken:
        _receive(rice, 10, "bast/001")
    assert "sudah dipakai" in taken.value.message_dict["document_number"][0]
    with pytest.raises(ValidationError) as blank:
        _receive(rice, 10, "  ")
    assert "nomor dokumen" in blank.value.message_dict["document_number"][0]
    with pytest.raises(ValidationError):
        _receive(rice, 10, "BAST/002", source="")
    with pytest.raises(ValidationError):
        _receive(rice, 0, "BAST/003")
    with pytest.raises(ValidationError):
        _receive(rice, 1, "BAST/004", date=TODAY + dt.timedelta(1))
    other = make_event(name="Longsor", desa=(DESA_A,))
    theirs = events.add_shelter(
        actor=clerk, event=other, name="Masjid", desa_code=DESA_A, capacity=3
    )
    with pytest.raises(ValidationError):
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=1,
            event=event,
            shelter=theirs,
            document_number="S/1",
            date=day(1),
            today=TODAY,
        )
    events.set_phase(actor=None, event=other, phase=Phase.DONE, on=day(2), today=TODAY)
    other.refresh_from_db()
    with pytest.raises(ValidationError) as done:
        warehouse.issue_stock(
            actor=clerk,
            item=rice,
            quantity=1,
            event=other,
            document_number="S/2",
            date=day(2),
            today=TODAY,
        )
    assert "sudah selesai" in done.value.message_dict["event"][0]
    with pytest.raises(PermissionDenied):  # the warehouse is the office's
        _receive(rice, 1, "BAST/005", actor=desa_operator(DESA_A))
    with pytest.raises(IntegrityError), transaction.atomic():  # an issue needs an event
        StockMovement.objects.create(
            item=rice, kind=MovementKind.ISSUE, quantity=1, document_number="X", date=START
        )
    assert StockMovement.objects.count() == 1


def test_pages_ledger_and_exports(client: Client) -> None:
    clerk = office()
    event = make_event()
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    client.force_login(clerk)
    page = client.post(
        "/bencana/gudang/",
        {
            "action": "receipt",
            "in-item": rice.pk,
            "in-quantity": 30,
            "in-source": "donasi",
            "in-document_number": "BAST/7",
            "in-date": "2026-03-10",
        },
    )
    assert page.status_code == 302
    refused = client.post(
        "/bencana/gudang/",
        {
            "action": "issue",
            "out-item": rice.pk,
            "out-quantity": 31,
            "out-event": event.pk,
            "out-document_number": "SBBK/7",
            "out-date": "2026-03-11",
        },
    )
    assert refused.status_code == 200 and "tidak cukup" in refused.content.decode()
    client.post(
        "/bencana/gudang/",
        {
            "action": "issue",
            "out-item": rice.pk,
            "out-quantity": 12,
            "out-event": event.pk,
            "out-document_number": "SBBK/7",
            "out-date": "2026-03-11",
        },
    )
    assert warehouse.balance(rice) == 18
    listing = client.get("/bencana/gudang/").content.decode()
    assert "Beras" in listing and ">18<" in listing
    ledger = client.get(f"/bencana/gudang/{rice.pk}/").content.decode()
    assert "BAST/7" in ledger and "SBBK/7" in ledger and event.name in ledger
    export = client.get(f"/bencana/gudang/{rice.pk}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["BAST/7", "SBBK/7"] and [r[6] for r in rows] == [30, 18]
    client.get("/bencana/gudang/?format=xlsx")
    assert (
        AuditEvent.objects.filter(
            action=Action.EXPORT, object_type__startswith="disasters.stock"
        ).count()
        == 2
    )
    # A desa operator has no warehouse: 404, and cannot write into it.
    client.force_login(desa_operator(DESA_A))
    assert client.get("/bencana/gudang/").status_code == 404
    assert client.get(f"/bencana/gudang/{rice.pk}/").status_code == 404
    assert (
        client.post(
            "/bencana/gudang/", {"action": "item", "item-name": "Selimut", "item-unit": "lembar"}
        ).status_code
        == 404
    )
    assert StockItem.objects.count() == 1
    # The auditor reads but does not write.
    client.force_login(office(role="auditor"))
    assert client.get("/bencana/gudang/").status_code == 200
    assert (
        client.post(
            "/bencana/gudang/", {"action": "item", "item-name": "Selimut", "item-unit": "lembar"}
        ).status_code
        == 403
    )
