"""The audit log is tamper-evident: events are sealed into a hash chain after commit, and
verification names the first link that was changed or removed. On PostgreSQL the database
refuses to delete events or change a sealed one."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sejahtera.audit import services as audit
from sejahtera.audit.chain import seal, verify
from sejahtera.audit.models import Action, AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [
        audit.record(
            actor=None,
            action=Action.UPDATE,
            object_type="uji.objek",
            object_id=str(i),
            changes={"nilai": [i, i + 1]},
        )
        for i in range(n)
    ]


def test_events_are_sealed_in_order_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events = _events(3)
    assert len(callbacks) == 1  # one seal per transaction, however many events
    total = AuditEvent.objects.count()  # the reference data's events come first
    sealed = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))
    assert [e.seq for e in sealed] == [total - 2, total - 1, total]
    first = AuditEvent.objects.get(seq=1)
    assert first.prev_hash == "0" * 64 and sealed[1].prev_hash == sealed[0].hash
    assert len({e.hash for e in sealed}) == 3
    assert ChainHead.objects.get().last_seq == total
    assert verify().ok and verify().checked == total


def _tamper(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        # On PostgreSQL the tamperer must first get round the guard trigger, as someone with
        # the database's superuser rights could.
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_a_changed_event_breaks_the_chain_at_that_link() -> None:
    events = _events(5)
    seal()
    _tamper("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["diubah", events[2].pk])
    broken = AuditEvent.objects.get(pk=events[2].pk).seq
    assert broken is not None
    result = verify()
    assert not result.ok and result.broken_seq == broken and result.broken_id == events[2].pk
    assert result.checked == broken - 1 and "berubah" in result.reason
    with pytest.raises(CommandError, match=f"mata rantai {broken} "):
        call_command("audit", "verify", stdout=io.StringIO())


def test_a_removed_event_is_found() -> None:
    events = _events(4)
    seal()
    removed = AuditEvent.objects.get(pk=events[1].pk).seq
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = verify()
    assert not result.ok and result.broken_seq == removed and "hilang" in result.reason


def test_a_removed_last_event_is_found_by_the_head() -> None:
    events = _events(3)
    seal()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = verify()
    assert not result.ok and "kepala rantai" in result.reason


def test_verify_command_seals_and_reports(capsys: Any) -> None:
    _events(2)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"Rantai audit utuh: {AuditEvent.objects.count()} kejadian" in out.getvalue()
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_or_change_sealed_events() -> None:
    events = _events(2)
    seal()
    with pytest.raises(DatabaseError, match="hanya boleh ditambah"), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).delete()
    with pytest.raises(DatabaseError, match="sudah disegel"), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(object_repr="diubah")
    # Clearing the link to a deleted user is allowed (the username stays in the hash).
    AuditEvent.objects.filter(pk=events[0].pk).update(actor=None)
    assert verify().ok
