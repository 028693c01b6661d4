"""Service requests: received (online or at the counter) → documents checked (or missing
ones requested) → in process → done or refused with a reason. The due date counts working
days from receipt; a request past it is overdue and shown to the head of its division."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.nik import check_nik
from sejahtera.common.uploads import check_upload
from sejahtera.registry.models import Person
from sejahtera.services.calendar import add_working_days
from sejahtera.services.models import (
    Channel,
    RequestDocument,
    RequestStatus,
    RequestStep,
    Service,
    ServiceRequest,
)
from sejahtera.wilayah.models import Level, Wilayah
from sejahtera.wilayah.selectors import kecamatan_exists

MAX_FILES = 5
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequestStatus.RECEIVED: (RequestStatus.MISSING, RequestStatus.CHECKED, RequestStatus.REFUSED),
    RequestStatus.MISSING: (RequestStatus.CHECKED, RequestStatus.REFUSED),
    RequestStatus.CHECKED: (RequestStatus.IN_PROCESS, RequestStatus.REFUSED),
    RequestStatus.IN_PROCESS: (RequestStatus.DONE, RequestStatus.REFUSED),
    RequestStatus.DONE: (),
    RequestStatus.REFUSED: (),
}


def _code() -> str:
    return "LYN-" + "".join(secrets.choice(ALPHABET) for _ in range(8))


@transaction.atomic
def submit_request(
    *,
    actor: Any,
    service: Service,
    channel: str,
    applicant_name: str,
    desa_code: str,
    description: str,
    applicant_nik: str = "",
    phone: str = "",
    files: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> ServiceRequest:
    """A request from a citizen (online, `actor` anonymous) or recorded by a clerk."""
    errors: dict[str, str] = {}
    if channel == Channel.COUNTER:
        require(actor, Cap.WRITE)
        if not in_scope(actor, desa_code):
            raise PermissionDenied(_("Desa pemohon di luar wilayah kerja Anda."))
    desa = Wilayah.objects.filter(code=desa_code, level=Level.DESA).first()
    if desa is None:
        errors["desa"] = _("Pilih desa/kelurahan.")
    if len(applicant_name.strip()) < 3:
        errors["applicant_name"] = _("Tuliskan nama pemohon.")
    if len(description.strip()) < 10:
        errors["description"] = _("Jelaskan keperluan Anda (minimal 10 huruf).")
    nik = applicant_nik.strip()
    if nik:
        result = check_nik(nik, region_exists=kecamatan_exists)
        if not result.ok:
            errors["applicant_nik"] = "; ".join(result.errors)
    if len(files) > MAX_FILES:
        errors["files"] = _("Paling banyak %(n)s berkas.") % {"n": MAX_FILES}
    if errors or desa is None:
        raise ValidationError(errors)
    for upload in files:
        check_upload(upload, kinds=("pdf", "jpeg", "png"))
    today = today or timezone.localdate()
    request = ServiceRequest.objects.create(
        service=service,
        tracking_code=_code(),
        channel=channel,
        applicant_name=applicant_name.strip()[:150],
        applicant_nik=nik,
        phone=phone.strip()[:20],
        desa=desa,
        person=Person.objects.filter(nik=nik).first() if nik else None,
        description=description.strip(),
        received_on=today,
        due_on=add_working_days(today, service.sla_working_days)
        if service.sla_working_days
        else None,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for upload in files:
        RequestDocument.objects.create(
            request=request, file=upload, name=(upload.name or "berkas")[:200]
        )
    RequestStep.objects.create(
        request=request, status=RequestStatus.RECEIVED, by=request.recorded_by
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=request,
        wilayah_code=desa_code,
        extra={"channel": channel},
    )
    return request


@transaction.atomic
def move_request(
    *, actor: Any, request: ServiceRequest, to: str, note: str = "", today: dt.date | None = None
) -> ServiceRequest:
    require(actor, Cap.WRITE)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if actor is not None and not in_scope(actor, request.desa_id):
        raise PermissionDenied(_("Permohonan ini di luar wilayah kerja Anda."))
    if to not in TRANSITIONS.get(request.status, ()):
        raise ValidationError(
            _("Permohonan berstatus %(status)s tidak dapat diubah menjadi %(to)s.")
            % {
                "status": request.get_status_display(),
                "to": RequestStatus(to).label if to in RequestStatus.values else to,
            }
        )
    note = note.strip()
    if to in (RequestStatus.REFUSED, RequestStatus.MISSING) and len(note) < 5:
        raise ValidationError({"note": _("Tuliskan alasannya atau dokumen yang kurang.")})
    before = request.status
    request.status = to
    request.reason = (
        note[:300] if to in (RequestStatus.REFUSED, RequestStatus.MISSING) else request.reason
    )
    if to in (RequestStatus.DONE, RequestStatus.REFUSED):
        request.closed_on = today or timezone.localdate()
    request.save(update_fields=["status", "reason", "closed_on"])
    RequestStep.objects.create(
        request=request,
        status=to,
        note=note[:300],
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=request,
        wilayah_code=request.desa_id,
        changes={"status": [before, to]},
    )
    return request


def requests_for(user: Any) -> QuerySet[ServiceRequest]:
    if not can(user, Cap.VIEW):
        return ServiceRequest.objects.none()
    return scope(ServiceRequest.objects.select_related("service", "desa"), user, "desa__code")


def overdue(
    queryset: QuerySet[ServiceRequest], today: dt.date | None = None
) -> QuerySet[ServiceRequest]:
    today = today or timezone.localdate()
    return queryset.exclude(status__in=[RequestStatus.DONE, RequestStatus.REFUSED]).filter(
        due_on__lt=today
    )
