"""Renewal reminders of registration certificates (STP): the current certificates of active
institutions that expire within N days (90 by default) or have expired are reported to the
head of the Bidang Pemberdayaan Sosial (unit DAYASOS; the head of the office when the
division has no head). Each certificate is reported once for its expiry: its `reminded_on`
is set in one UPDATE, and one e-mail per head lists the new ones after the transaction
commits (a renewal is a new certificate, reminded in its turn). Run daily by
`sejahtera partners reminders` (cron); the partners list shows the same certificates with a
badge at any time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.models import Unit
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.partners.models import Certificate
from sejahtera.partners.selectors import REMINDER_DAYS, expiring_certificates
from sejahtera.services.escalation import heads_of

UNIT = "DAYASOS"


@dataclass
class Reminder:
    certificates: list[str] = field(default_factory=list)
    mails: int = 0


@transaction.atomic
def remind_expiring(*, days: int = REMINDER_DAYS, today: dt.date | None = None) -> Reminder:
    today = today or timezone.localdate()
    due = list(
        expiring_certificates(days=days, today=today)
        .filter(reminded_on__isnull=True)
        .select_for_update(of=("self",))
        .values_list("pk", "number", "partner__name", "partner__area__name", "expires_on")
    )
    result = Reminder(certificates=[row[1] for row in due])
    if not due:
        return result
    Certificate.objects.filter(pk__in=[row[0] for row in due]).update(reminded_on=today)
    lines = []
    for _pk, number, partner, area, expires in due:
        state = _("sudah habis") if expires < today else _("habis")
        lines.append(
            _("%(partner)s (%(area)s): STP %(number)s %(state)s %(date)s")
            % {
                "partner": partner,
                "area": area,
                "number": number,
                "state": state,
                "date": expires.strftime("%d-%m-%Y"),
            }
        )
    unit = Unit.objects.filter(code=UNIT).values_list("pk", flat=True).first()
    recipients = sorted({h.email for h in heads_of(unit) if h.email})
    body = "\n".join(
        [
            _("Surat Tanda Pendaftaran (STP) LKS berikut perlu diperpanjang:"),
            "",
            *[f"- {line}" for line in lines],
            "",
            f"{settings.PUBLIC_BASE_URL}/mitra/stp/",
        ]
    )
    subject = _("Sejahtera: %(n)s STP akan/sudah habis") % {"n": len(lines)}
    result.mails = len(recipients)
    audit.record(
        actor=None,
        action=Action.UPDATE,
        object_type="partners.reminder",
        object_repr=today.isoformat(),
        extra={"certificates": result.certificates, "days": days, "mails": result.mails},
    )

    def send() -> None:
        for email in recipients:
            send_mail(subject, body, None, [email], fail_silently=True)

    transaction.on_commit(send)
    return result
