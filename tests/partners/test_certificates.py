"""Registration certificates (STP) of institutions and their renewal reminders: the current
certificates of active institutions expiring within N days or expired are reported once per
expiry to the head of the Bidang Pemberdayaan Sosial (the head of the office when it has
none), by e-mail after the transaction commits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.partners.models import Certificate, PartnerKind
from sejahtera.partners.reminders import remind_expiring
from sejahtera.partners.selectors import expiring_certificates, partners_for
from sejahtera.partners.services import change_status, record_certificate
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.partners.factories import TODAY, days, make_certificate, make_partner

pytestmark = pytest.mark.django_db


def _heads() -> dict[str, Any]:
    return {
        "dayasos": UserFactory(
            role=Role.KEPALA_BIDANG,
            area_codes=[MOJOKERTO],
            unit=Unit.objects.get(code="DAYASOS"),
            email="dayasos@example.test",
        ),
        "linjamsos": UserFactory(
            role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO], email="linjamsos@example.test"
        ),
        "kadis": UserFactory(
            role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO], email="kadis@example.test"
        ),
    }


def test_record_certificate_refusals(kinds: dict[str, PartnerKind]) -> None:
    lks = make_partner("lks")
    record_certificate(
        actor=None, partner=lks, number="460/1/STP", issued_on=days(-10), expires_on=days(1000)
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"number": " "}, "number"),
        ({"number": "460/1/STP"}, "number"),  # recorded already
        ({"issued_on": days(5), "expires_on": days(900)}, "issued_on"),
        ({"issued_on": days(-5), "expires_on": days(-5)}, "expires_on"),
    ]
    for data, field in cases:
        values = {"number": "460/2/STP", "issued_on": days(-5), "expires_on": days(900)}
        values.update(data)
        with pytest.raises(ValidationError) as caught:
            record_certificate(actor=None, partner=lks, **values)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError, match="hanya untuk lembaga"):
        record_certificate(
            actor=None,
            partner=make_partner("psm"),
            number="X",
            issued_on=days(-5),
            expires_on=days(5),
        )
    assert Certificate.objects.count() == 1


def test_expiring_is_the_current_certificate_of_an_active_institution(
    kinds: dict[str, PartnerKind],
) -> None:
    soon = make_partner("lks", name="LKSA Segera")
    make_certificate(soon, expires_on=days(30))
    renewed = make_partner("lks", name="LKSA Diperpanjang")
    make_certificate(renewed, expires_on=days(20), number="OLD")
    make_certificate(renewed, expires_on=days(1000), issued_on=days(-1), number="NEW")
    expired = make_partner("lks", name="LKSA Habis", area=DESA_B)
    make_certificate(expired, expires_on=days(-3))
    later = make_partner("lks", name="LKSA Masih Lama")
    make_certificate(later, expires_on=days(200))
    closed = make_partner("lks", name="LKSA Tutup")
    make_certificate(closed, expires_on=days(10))
    change_status(actor=None, partner=closed, active=False, on=TODAY, reason="Berhenti beroperasi")
    names = {c.partner.name for c in expiring_certificates(today=TODAY)}
    assert names == {"LKSA Segera", "LKSA Habis"}
    assert {c.partner.name for c in expiring_certificates(days=365)} == {
        "LKSA Segera",
        "LKSA Habis",
        "LKSA Masih Lama",
    }
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    assert [c.partner.name for c in expiring_certificates(user=clerk)] == ["LKSA Segera"]
    annotated = {p.name: p.stp_expires_on for p in partners_for(None).filter(kind__code="lks")}
    assert annotated["LKSA Diperpanjang"] == days(1000)


def test_reminders_once_to_the_head_of_pemberdayaan_sosial(
    kinds: dict[str, PartnerKind], django_capture_on_commit_callbacks: Any
) -> None:
    _heads()
    soon = make_partner("lks", name="LKSA Segera")
    first = make_certificate(soon, expires_on=days(30), number="460/7/STP")
    expired = make_partner("lks", name="LKSA Habis", area=DESA_B)
    make_certificate(expired, expires_on=days(-3), number="460/8/STP")
    make_certificate(make_partner("lks", name="LKSA Lama"), expires_on=days(120))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = remind_expiring(today=TODAY)
    assert sorted(result.certificates) == ["460/7/STP", "460/8/STP"] and result.mails == 1
    assert [m.to for m in mail.outbox] == [["dayasos@example.test"]]
    body = mail.outbox[0].body
    assert "LKSA Segera" in body and "LKSA Habis" in body and "LKSA Lama" not in body
    assert "sudah habis" in body
    first.refresh_from_db()
    assert first.reminded_on == TODAY
    # Once per expiry: the next day nothing new.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = remind_expiring(today=days(1))
    assert again.certificates == [] and not mail.outbox
    # A renewal that again nears its end is reminded in its turn.
    make_certificate(soon, expires_on=days(60), issued_on=days(-1), number="460/9/STP")
    with django_capture_on_commit_callbacks(execute=True):
        renewed = remind_expiring(today=TODAY)
    assert renewed.certificates == ["460/9/STP"] and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(object_type="partners.reminder").count() == 2


def test_reminders_fall_back_to_the_head_of_office_and_need_a_commit(
    kinds: dict[str, PartnerKind], django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO], email="kadis@example.test")
    UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO], email="linjamsos@example.test")
    make_certificate(make_partner("lks"), expires_on=days(10), number="460/1/STP")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remind_expiring(today=TODAY)
    assert not mail.outbox and len(callbacks) == 1  # sent only after the commit
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["kadis@example.test"]]


def test_command(kinds: dict[str, PartnerKind], django_capture_on_commit_callbacks: Any) -> None:
    _heads()
    make_certificate(make_partner("lks"), expires_on=days(100), number="460/3/STP")
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "reminders", stdout=out)
    assert "diingatkan): 0" in out.getvalue() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "reminders", "--days", "120", stdout=out)
    assert "460/3/STP" in out.getvalue() and len(mail.outbox) == 1
    with pytest.raises(CommandError):
        call_command("partners", "reminders", "--date", "31-12-2025", stdout=out)
