"""Complaints (pengaduan): received from any channel (the web form may be anonymous) →
handled by a division or an officer → answered (the reply is shown on the public tracking
page) → closed; the citizen rates the answer. A complaint that is not answered by its
deadline (working days per category) is escalated to the head of its division (see
escalation.py). A complaint that a recipient is not eligible, or that an eligible household
was left out, becomes a registry proposal in one step, keeping the link."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope, scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.nik import check_nik
from sejahtera.programs.models import Programme
from sejahtera.registry import choices as registry_choices
from sejahtera.registry.models import Household, Person, Proposal, ProposalKind
from sejahtera.registry.selectors import household_of
from sejahtera.registry.services.proposals import submit_proposal
from sejahtera.services.calendar import add_working_days
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ComplaintStep,
    Service,
)
from sejahtera.services.requests import ALPHABET
from sejahtera.wilayah.models import Level, Wilayah
from sejahtera.wilayah.selectors import kecamatan_exists

OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED)
MIN_TEXT = 15


def _code() -> str:
    return "ADU-" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _step(complaint: Complaint, actor: Any, note: str = "", *, public: bool = False) -> None:
    ComplaintStep.objects.create(
        complaint=complaint,
        status=complaint.status,
        note=note[:300],
        public=public,
        by=_user(actor),
    )


@transaction.atomic
def submit_complaint(
    *,
    actor: Any,
    channel: str,
    category: ComplaintCategory | None,
    desa_code: str,
    description: str,
    anonymous: bool = False,
    complainant_name: str = "",
    contact: str = "",
    programme: Programme | None = None,
    service: Service | None = None,
    subject_nik: str = "",
    today: dt.date | None = None,
) -> Complaint:
    """A complaint from the public web form (`actor` anonymous, channel web) or recorded by
    staff from the counter, a phone call, a letter or social media."""
    if channel not in ComplaintChannel.values:
        raise ValidationError({"channel": _("Pilih saluran pengaduan.")})
    if channel != ComplaintChannel.WEB:
        require(actor, Cap.WRITE)
        if not in_scope(actor, desa_code):
            raise PermissionDenied(_("Desa pengadu di luar wilayah kerja Anda."))
    errors: dict[str, str] = {}
    desa = Wilayah.objects.filter(code=desa_code, level=Level.DESA).first()
    if desa is None:
        errors["desa"] = _("Pilih desa/kelurahan tempat kejadian.")
    if category is None:
        errors["category"] = _("Pilih kategori pengaduan.")
    if len(description.strip()) < MIN_TEXT:
        errors["description"] = _("Ceritakan pengaduan Anda (minimal %(n)s huruf).") % {
            "n": MIN_TEXT
        }
    name = complainant_name.strip()
    if not anonymous and len(name) < 3:
        errors["complainant_name"] = _("Tuliskan nama pengadu, atau pilih tanpa nama.")
    nik = subject_nik.strip()
    if nik:
        result = check_nik(nik, region_exists=kecamatan_exists)
        if not result.ok:
            errors["subject_nik"] = "; ".join(result.errors)
    if errors or desa is None or category is None:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    complaint = Complaint.objects.create(
        tracking_code=_code(),
        channel=channel,
        category=category,
        anonymous=anonymous,
        complainant_name="" if anonymous else name[:150],
        contact=contact.strip()[:100],
        desa=desa,
        programme=programme,
        service=service,
        subject_nik=nik,
        person=Person.objects.filter(nik=nik).first() if nik else None,
        description=description.strip(),
        unit=category.unit,
        received_on=today,
        due_on=add_working_days(today, category.response_working_days),
        recorded_by=_user(actor),
    )
    _step(complaint, actor)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=complaint,
        wilayah_code=desa.code,
        extra={"channel": channel, "category": category.code},
    )
    return complaint


def _lock(actor: Any, complaint: Complaint) -> Complaint:
    require(actor, Cap.WRITE)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not in_scope(actor, locked.desa_id):
        raise PermissionDenied(_("Pengaduan ini di luar wilayah kerja Anda."))
    return locked


def _refuse(complaint: Complaint, what: str) -> ValidationError:
    return ValidationError(
        _("Pengaduan berstatus %(status)s tidak dapat %(what)s.")
        % {"status": complaint.get_status_display(), "what": what}
    )


@transaction.atomic
def assign_complaint(
    *,
    actor: Any,
    complaint: Complaint,
    unit: Unit | None = None,
    officer: Any = None,
    note: str = "",
) -> Complaint:
    """Give the complaint to a division and/or an officer who can see its desa."""
    complaint = _lock(actor, complaint)
    if complaint.status not in OPEN:
        raise _refuse(complaint, _("dialihkan"))
    if unit is None and officer is None:
        raise ValidationError(_("Pilih bidang atau petugas yang menangani."))
    if officer is not None:
        if not officer.is_active or not can(officer, Cap.WRITE):
            raise ValidationError(_("Petugas ini tidak dapat menangani pengaduan."))
        if not in_scope(officer, complaint.desa_id):
            raise ValidationError(_("Desa pengaduan di luar wilayah kerja petugas ini."))
    before = (complaint.unit_id, complaint.assigned_to_id)
    complaint.unit = unit or (officer.unit if officer is not None else None) or complaint.unit
    complaint.assigned_to = officer
    complaint.status = ComplaintStatus.ASSIGNED
    complaint.save(update_fields=["unit", "assigned_to", "status"])
    _step(complaint, actor, note)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=complaint,
        wilayah_code=complaint.desa_id,
        changes={
            "unit": [before[0], complaint.unit_id],
            "assigned_to": [before[1], complaint.assigned_to_id],
        },
    )
    return complaint


@transaction.atomic
def answer_complaint(
    *, actor: Any, complaint: Complaint, reply: str, today: dt.date | None = None
) -> Complaint:
    """The reply to the citizen, shown on the public tracking page."""
    complaint = _lock(actor, complaint)
    if complaint.status not in OPEN:
        raise _refuse(complaint, _("dijawab lagi"))
    reply = reply.strip()
    if len(reply) < MIN_TEXT:
        raise ValidationError(
            {"reply": _("Tuliskan jawaban kepada pengadu (minimal %(n)s huruf).") % {"n": MIN_TEXT}}
        )
    complaint.reply = reply
    complaint.answered_on = today or timezone.localdate()
    complaint.status = ComplaintStatus.ANSWERED
    complaint.save(update_fields=["reply", "answered_on", "status"])
    _step(complaint, actor, public=True)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=complaint,
        wilayah_code=complaint.desa_id,
        changes={"status": [ComplaintStatus.ASSIGNED, ComplaintStatus.ANSWERED]},
    )
    return complaint


@transaction.atomic
def close_complaint(
    *, actor: Any, complaint: Complaint, note: str = "", today: dt.date | None = None
) -> Complaint:
    complaint = _lock(actor, complaint)
    if complaint.status != ComplaintStatus.ANSWERED:
        raise _refuse(complaint, _("ditutup sebelum dijawab"))
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_on = today or timezone.localdate()
    complaint.save(update_fields=["status", "closed_on"])
    _step(complaint, actor, note)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=complaint,
        wilayah_code=complaint.desa_id,
        changes={"status": [ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED]},
    )
    return complaint


@transaction.atomic
def rate_complaint(*, tracking_code: str, rating: int, note: str = "") -> Complaint:
    """The citizen's rating of the answer, from the public tracking page: once, after the
    answer."""
    complaint = (
        Complaint.objects.select_for_update().filter(tracking_code=tracking_code.upper()).first()
    )
    if complaint is None:
        raise ValidationError(_("Kode pengaduan tidak ditemukan."))
    if complaint.status not in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED):
        raise ValidationError(_("Penilaian dapat diberikan setelah pengaduan dijawab."))
    if complaint.rating is not None:
        raise ValidationError(_("Pengaduan ini sudah dinilai."))
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Pilih nilai 1 sampai 5.")})
    complaint.rating = rating
    complaint.rating_note = note.strip()[:300]
    complaint.save(update_fields=["rating", "rating_note"])
    audit.record(
        actor=None,
        action=Action.UPDATE,
        obj=complaint,
        wilayah_code=complaint.desa_id,
        changes={"rating": [None, rating]},
    )
    return complaint


@transaction.atomic
def complaint_to_proposal(*, actor: Any, complaint: Complaint) -> Proposal:
    """Turn a complaint about a recipient ("not poor") or an omission ("left out") into a
    registry proposal for the household of the person it names, and keep the link. The
    proposal then goes through field verification and the village deliberation like any
    other."""
    complaint = _lock(actor, complaint)
    require(actor, Cap.PROPOSE)
    kind = complaint.category.registry
    if not kind:
        raise ValidationError(_("Kategori pengaduan ini tidak menjadi usulan data registri."))
    if complaint.proposal_id is not None:
        raise ValidationError(
            _("Pengaduan ini sudah menjadi usulan #%(id)s.") % {"id": complaint.proposal_id}
        )
    person = complaint.person
    if person is None and complaint.subject_nik:
        person = Person.objects.filter(nik=complaint.subject_nik).first()
    if person is None:
        raise ValidationError(
            _(
                "NIK yang diadukan belum terdaftar di registri. Untuk warga yang terlewat, buat usulan keluarga baru dari menu Registri."
            )
        )
    household: Household | None = household_of(person)
    if household is None:
        raise ValidationError(
            _("%(name)s tidak tercatat dalam keluarga mana pun.") % {"name": person.name}
        )
    today = timezone.localdate()
    note = _("Dari pengaduan %(code)s: %(text)s") % {
        "code": complaint.tracking_code,
        "text": complaint.description[:400],
    }
    if kind == ComplaintCategory.Registry.EXCLUSION:
        proposal, _warnings = submit_proposal(
            actor=actor,
            kind=ProposalKind.REMOVAL,
            desa=household.desa,
            household=household,
            payload={"reason": registry_choices.RemovalReason.NOT_POOR, "date": today.isoformat()},
            reason=note,
        )
    else:
        if household.in_dtks:
            raise ValidationError(
                _("Keluarga %(name)s sudah terdaftar di DTKS; periksa penyaluran programnya.")
                % {"name": person.name}
            )
        proposal, _warnings = submit_proposal(
            actor=actor,
            kind=ProposalKind.CHANGE,
            desa=household.desa,
            household=household,
            payload={"changes": {"in_dtks": True}},
            reason=note,
        )
    complaint.proposal = proposal
    complaint.person = person
    complaint.save(update_fields=["proposal", "person"])
    _step(complaint, actor, _("Diteruskan menjadi usulan registri #%(id)s.") % {"id": proposal.pk})
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=complaint,
        wilayah_code=complaint.desa_id,
        changes={"proposal": [None, proposal.pk]},
    )
    return proposal


def complaints_for(user: Any) -> QuerySet[Complaint]:
    if not can(user, Cap.VIEW):
        return Complaint.objects.none()
    return scope(
        Complaint.objects.select_related("category", "desa", "unit", "assigned_to"),
        user,
        "desa__code",
    )


def late_q(today: dt.date | None = None) -> Q:
    """Complaints not answered by their deadline."""
    return Q(status__in=OPEN, due_on__lt=today or timezone.localdate())
