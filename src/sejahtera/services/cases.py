"""Cases (penanganan kasus): intake → assessment → plan → actions, referrals and notes →
closed with an outcome. Each step is one transaction on the locked case row, checked against
the case's stage, and audited; a closed case is never changed again. Numbers run per year
(`KSS-2026-0001`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.models import Person, PpksCategory
from sejahtera.services.models import (
    Case,
    CaseEntry,
    CaseOutcome,
    CaseStatus,
    EntryKind,
    Output,
    Service,
    ServiceRequest,
)
from sejahtera.wilayah.models import Level, Wilayah

PREFIX = "KSS"
NUMBER_ATTEMPTS = 5
NUMBER_LOCK = 0x4B5353  # "KSS": the PostgreSQL advisory lock taken while numbering a case
# Fields whose change an audit event of a case shows.
AUDITED = (
    "status",
    "assessment",
    "plan",
    "outcome",
    "outcome_note",
    "closed_on",
)


def case_services() -> QuerySet[Service]:
    """The services whose work is a case."""
    return Service.objects.filter(output=Output.CASE)


def cases_for(user: Any) -> QuerySet[Case]:
    """The cases of the user's areas (by the desa of the case)."""
    if not can(user, Cap.VIEW):
        return Case.objects.none()
    return scope(
        Case.objects.select_related("service", "category", "desa", "desa__parent", "worker"),
        user,
        "desa__code",
    )


def _lock_numbering() -> None:
    """One transaction at a time takes a case number, until it commits. PostgreSQL: an
    advisory transaction lock; SQLite already runs one writing transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBER_LOCK])


def _next_number(year: int) -> str:
    prefix = f"{PREFIX}-{year}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _check_date(value: dt.date, *, field: str, not_before: dt.date | None, label: str) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError({field: _("%(label)s tidak boleh di masa depan.") % {"label": label}})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {
                field: _("%(label)s tidak boleh sebelum %(date)s.")
                % {"label": label, "date": not_before.strftime("%d-%m-%Y")}
            }
        )


def _text(value: str, *, field: str, minimum: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def open_case(
    *,
    actor: Any,
    service: Service,
    category: PpksCategory,
    desa_code: str,
    subject_name: str,
    intake: str,
    opened_on: dt.date | None = None,
    person: Person | None = None,
    request: ServiceRequest | None = None,
    worker: Any = None,
) -> Case:
    """Open a case for a person (registered or not, e.g. "Mr. X") found or living in a desa."""
    require(actor, Cap.WRITE)
    desa = Wilayah.objects.filter(code=desa_code, level=Level.DESA).first()
    if desa is None:
        raise ValidationError({"desa": _("Pilih desa/kelurahan.")})
    if actor is not None and not in_scope(actor, desa_code):
        raise PermissionDenied(_("Desa kasus di luar wilayah kerja Anda."))
    if service.output != Output.CASE:
        raise ValidationError(
            {
                "service": _("Layanan “%(name)s” bukan layanan penanganan kasus.")
                % {"name": service.name}
            }
        )
    if person is not None and actor is not None and not in_scope(actor, person.desa_id):
        raise PermissionDenied(_("Penduduk ini di luar wilayah kerja Anda."))
    if request is not None and actor is not None and not in_scope(actor, request.desa_id):
        raise PermissionDenied(_("Permohonan ini di luar wilayah kerja Anda."))
    if worker is not None and not (can(worker, Cap.WRITE) and in_scope(worker, desa_code)):
        raise ValidationError(
            {"worker": _("Petugas ini tidak dapat menangani kasus di desa tersebut.")}
        )
    name = _text(
        subject_name,
        field="subject_name",
        minimum=3,
        message=_("Tuliskan nama atau sebutan klien (mis. “Mr. X, laki-laki ±40 tahun”)."),
    )
    intake = _text(
        intake,
        field="intake",
        minimum=10,
        message=_("Uraikan kondisi klien saat diterima (minimal 10 huruf)."),
    )
    opened_on = opened_on or timezone.localdate()
    _check_date(
        opened_on,
        field="opened_on",
        not_before=request.received_on if request is not None else None,
        label=_("Tanggal diterima"),
    )
    creator = actor if getattr(actor, "is_authenticated", False) else None
    fields = {
        "service": service,
        "request": request,
        "person": person,
        "subject_name": name[:150],
        "category": category,
        "desa": desa,
        "opened_on": opened_on,
        "intake": intake,
        "worker": worker,
        "created_by": creator,
    }
    # The number is the year's highest plus one, read under the numbering lock. Should a
    # number be taken anyway (a database without the lock, a bulk load), the unique constraint
    # refuses it and the next one is tried, inside a savepoint so this transaction stays usable.
    _lock_numbering()
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                case = Case.objects.create(number=_next_number(opened_on.year), **fields)
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=case,
        wilayah_code=desa_code,
        extra={"service": service.code, "category": category.code, "person": bool(person)},
    )
    return case


def _locked(actor: Any, case: Case, allowed: tuple[str, ...], refusal: str) -> Case:
    """The case re-read under a row lock, after the capability, area and stage checks."""
    require(actor, Cap.WRITE)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if actor is not None and not in_scope(actor, locked.desa_id):
        raise PermissionDenied(_("Kasus ini di luar wilayah kerja Anda."))
    if locked.status == CaseStatus.CLOSED:
        raise ValidationError(
            _("Kasus %(n)s sudah ditutup: tidak dapat diubah.") % {"n": locked.number}
        )
    if locked.status not in allowed:
        raise ValidationError(refusal % {"stage": locked.get_status_display()})
    return locked


def _save(actor: Any, case: Case, before: dict[str, Any], **extra: Any) -> Case:
    case.save(update_fields=list(AUDITED))
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        wilayah_code=case.desa_id,
        changes=audit.diff(before, audit.snapshot(case, AUDITED)),
        extra=extra or None,
    )
    return case


@transaction.atomic
def record_assessment(*, actor: Any, case: Case, text: str) -> Case:
    """Intake → assessed."""
    case = _locked(
        actor,
        case,
        (CaseStatus.INTAKE,),
        _("Asesmen dicatat pada tahap Penerimaan; kasus ini sudah pada tahap “%(stage)s”."),
    )
    before = audit.snapshot(case, AUDITED)
    case.assessment = _text(
        text, field="text", minimum=10, message=_("Tuliskan hasil asesmen (minimal 10 huruf).")
    )
    case.status = CaseStatus.ASSESSED
    return _save(actor, case, before)


@transaction.atomic
def record_plan(*, actor: Any, case: Case, text: str) -> Case:
    """Assessed → planned."""
    case = _locked(
        actor,
        case,
        (CaseStatus.ASSESSED,),
        _("Rencana intervensi dibuat setelah asesmen; kasus ini pada tahap “%(stage)s”."),
    )
    before = audit.snapshot(case, AUDITED)
    case.plan = _text(
        text,
        field="text",
        minimum=10,
        message=_("Tuliskan rencana intervensi (minimal 10 huruf)."),
    )
    case.status = CaseStatus.PLANNED
    return _save(actor, case, before)


@transaction.atomic
def add_entry(
    *,
    actor: Any,
    case: Case,
    kind: str,
    on: dt.date,
    description: str,
    referred_to: str = "",
) -> CaseEntry:
    """An action, referral or note, once the plan is made. The first action or referral
    moves the case from planned to acting."""
    case = _locked(
        actor,
        case,
        (CaseStatus.PLANNED, CaseStatus.ACTING),
        _(
            "Tindakan, rujukan dan catatan dicatat setelah rencana intervensi dibuat; kasus ini "
            "pada tahap “%(stage)s”."
        ),
    )
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Pilih jenis catatan.")})
    text = _text(
        description,
        field="description",
        minimum=5,
        message=_("Uraikan tindakan, rujukan atau catatannya."),
    )
    referred_to = (referred_to or "").strip()
    if kind == EntryKind.REFERRAL and not referred_to:
        raise ValidationError({"referred_to": _("Tuliskan lembaga atau instansi tujuan rujukan.")})
    _check_date(on, field="on", not_before=case.opened_on, label=_("Tanggal"))
    before = audit.snapshot(case, AUDITED)
    entry = CaseEntry.objects.create(
        case=case,
        kind=kind,
        on=on,
        description=text,
        referred_to=referred_to[:200] if kind == EntryKind.REFERRAL else "",
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if kind != EntryKind.NOTE and case.status == CaseStatus.PLANNED:
        case.status = CaseStatus.ACTING
    _save(actor, case, before, entry=entry.pk, kind=kind)
    return entry


@transaction.atomic
def close_case(
    *,
    actor: Any,
    case: Case,
    outcome: str,
    note: str = "",
    closed_on: dt.date | None = None,
) -> Case:
    """Planned or acting → closed with an outcome; nothing changes a closed case."""
    case = _locked(
        actor,
        case,
        (CaseStatus.PLANNED, CaseStatus.ACTING),
        _("Kasus ditutup setelah rencana intervensi dibuat; kasus ini pada tahap “%(stage)s”."),
    )
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": _("Pilih hasil akhir penanganan.")})
    closed_on = closed_on or timezone.localdate()
    last_entry = case.entries.aggregate(last=Max("on"))["last"]
    _check_date(
        closed_on,
        field="closed_on",
        not_before=max(d for d in (case.opened_on, last_entry) if d is not None),
        label=_("Tanggal ditutup"),
    )
    before = audit.snapshot(case, AUDITED)
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.outcome_note = (note or "").strip()[:300]
    case.closed_on = closed_on
    return _save(actor, case, before)
