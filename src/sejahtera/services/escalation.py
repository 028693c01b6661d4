"""Escalation: requests past their working-day target and complaints not answered by their
deadline are reported to the head of the division responsible (the service's or the
complaint's unit; the head of the office where no division is set). Each item is escalated
once: its `escalated_on` is set in one UPDATE, and one e-mail per head lists the new items
after the transaction commits. Run daily by `sejahtera services escalate` (cron); the heads'
home page shows what is overdue at any time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.services import complaints as service_complaints
from sejahtera.services import requests as service_requests
from sejahtera.services.models import Complaint, ServiceRequest


@dataclass
class Escalation:
    requests: list[str] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)
    mails: int = 0


def heads_of(unit_id: int | None) -> QuerySet[User]:
    """Who hears about an overdue item of a unit: its head (kepala bidang); the head of the
    office (kepala dinas) for items without a unit or a unit without a head."""
    heads = User.objects.none()
    if unit_id is not None:
        heads = User.objects.filter(is_active=True, role=Role.KEPALA_BIDANG, unit_id=unit_id)
    if not heads.exists():
        heads = User.objects.filter(is_active=True, role=Role.KEPALA_DINAS)
    return heads


@transaction.atomic
def escalate_overdue(*, today: dt.date | None = None) -> Escalation:
    today = today or timezone.localdate()
    late_requests = list(
        service_requests.overdue(ServiceRequest.objects.filter(escalated_on__isnull=True), today)
        .select_related("service")
        .values_list("pk", "tracking_code", "service__unit_id", "service__name", "due_on")
    )
    late_complaints = list(
        Complaint.objects.filter(service_complaints.late_q(today), escalated_on__isnull=True)
        .select_related("category")
        .values_list("pk", "tracking_code", "unit_id", "category__name", "due_on")
    )
    ServiceRequest.objects.filter(pk__in=[r[0] for r in late_requests]).update(escalated_on=today)
    Complaint.objects.filter(pk__in=[c[0] for c in late_complaints]).update(escalated_on=today)
    result = Escalation(
        requests=[r[1] for r in late_requests], complaints=[c[1] for c in late_complaints]
    )
    if not late_requests and not late_complaints:
        return result
    lines: dict[int | None, list[str]] = defaultdict(list)
    for _pk, code, unit_id, what, due in late_requests:
        lines[unit_id].append(
            _("Permohonan %(code)s (%(what)s), batas %(due)s")
            % {"code": code, "what": what, "due": due.strftime("%d-%m-%Y") if due else "–"}
        )
    for _pk, code, complaint_unit, what, due in late_complaints:
        lines[complaint_unit].append(
            _("Pengaduan %(code)s (%(what)s), batas tanggapan %(due)s")
            % {"code": code, "what": what, "due": due.strftime("%d-%m-%Y")}
        )
    messages: list[tuple[str, str, list[str]]] = []
    recipients: dict[str, list[str]] = defaultdict(list)
    for unit_key, items in lines.items():
        for head in heads_of(unit_key):
            if head.email:
                recipients[head.email].extend(items)
    for email, items in recipients.items():
        body = "\n".join(
            [_("Berikut layanan dan pengaduan yang melewati batas waktu:"), ""]
            + [f"- {item}" for item in items]
            + ["", f"{settings.PUBLIC_BASE_URL}/layanan/permohonan/?lewat=1"]
        )
        messages.append(
            (_("Sejahtera: %(n)s melewati batas waktu") % {"n": len(items)}, body, [email])
        )
    result.mails = len(messages)
    audit.record(
        actor=None,
        action=Action.UPDATE,
        object_type="services.escalation",
        object_repr=today.isoformat(),
        extra={"requests": result.requests, "complaints": result.complaints, "mails": result.mails},
    )

    def send() -> None:
        for subject, body, to in messages:
            send_mail(subject, body, None, to, fail_silently=True)

    transaction.on_commit(send)
    return result


def attention_for(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """What is overdue for a user's home page: in their areas, and for a head of division,
    of their division."""
    today = today or timezone.localdate()
    requests = service_requests.overdue(service_requests.requests_for(user), today)
    complaints = service_complaints.complaints_for(user).filter(service_complaints.late_q(today))
    if getattr(user, "role", "") == Role.KEPALA_BIDANG and user.unit_id:
        requests = requests.filter(service__unit_id=user.unit_id)
        complaints = complaints.filter(Q(unit_id=user.unit_id))
    return {"requests": requests.count(), "complaints": complaints.count()}
