"""The audit log is append-only and tamper-evident. Each event, once its transaction has
committed, is sealed: it gets the next sequence number and a SHA-256 over its content and the
previous event's hash. Changing, inserting or deleting a sealed event breaks the chain at that
point, and `sejahtera audit verify` names the first broken link.

Sealing happens after commit (never inside the transaction that wrote the event), so a long
import does not hold up everyone else's audit writes; `seal()` runs on each commit that wrote
an event, and `verify` seals whatever is left first. On PostgreSQL a trigger also refuses to
delete events or change a sealed one (see migration 0003)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from sejahtera.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64
HASHED = (
    "at",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "wilayah_code",
    "ip",
    "user_agent",
    "extra",
)


def link_hash(event: AuditEvent, seq: int, prev_hash: str) -> str:
    content: dict[str, Any] = {name: getattr(event, name) for name in HASHED}
    content["at"] = event.at.isoformat(timespec="microseconds")
    content["ip"] = event.ip or ""
    payload = json.dumps(
        [seq, prev_hash, content], cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def seal(*, batch: int = 2000) -> int:
    """Seal the committed events that are not sealed yet, in the order of their ids; returns
    how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
            events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not events:
                return sealed
            seq, last = head.last_seq, head.last_hash
            for event in events:
                seq += 1
                event.seq, event.prev_hash = seq, last
                event.hash = last = link_hash(event, seq, last)
            AuditEvent.objects.bulk_update(events, ["seq", "prev_hash", "hash"])
            head.last_seq, head.last_hash = seq, last
            head.save(update_fields=["last_seq", "last_hash"])
            sealed += len(events)


def seal_on_commit() -> None:
    """Seal after the current transaction commits (once per transaction, however many
    events it wrote)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _seal_quietly for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_seal_quietly)


def _seal_quietly() -> None:
    # A failed seal is retried by the next one or by `verify`; it must not fail the request
    # whose transaction has already committed.
    try:
        seal()
    except Exception:
        logging.getLogger(__name__).exception("Penyegelan jejak audit gagal; diulang nanti.")


@dataclass
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def _chain(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq or last


def verify() -> Verification:
    """Walk the chain from the first link; stop at the first that does not hold."""
    seal()
    expected_seq, prev = 1, GENESIS
    checked = 0
    for event in _chain():
        if event.seq != expected_seq:
            return Verification(
                False,
                checked,
                expected_seq,
                None,
                f"mata rantai {expected_seq} hilang (berikutnya yang ada: {event.seq}, id {event.pk})",
            )
        if event.prev_hash != prev:
            return Verification(
                False, checked, event.seq, event.pk, "sidik mata rantai sebelumnya tidak cocok"
            )
        if link_hash(event, event.seq, prev) != event.hash:
            return Verification(
                False, checked, event.seq, event.pk, "isi kejadian berubah setelah disegel"
            )
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return Verification(
            False,
            checked,
            checked + 1,
            None,
            f"kepala rantai mencatat {head.last_seq} mata rantai, yang ada {checked}",
        )
    return Verification(True, checked)
