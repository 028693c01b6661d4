"""Numbered letters: a number from a per-type, per-year counter taken under a row lock (never
skipped, never repeated, also when clerks issue at the same moment), the registry facts the
letter states checked at issue time, the content frozen with its SHA-256, a QR code to a
public page that verifies it, and revocation."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.models import Membership, Person
from sejahtera.services.models import (
    Letter,
    LetterCounter,
    LetterType,
    RequestStatus,
    ServiceRequest,
)
from sejahtera.services.requests import move_request


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _refusals(letter_type: LetterType, person: Person) -> list[str]:
    reasons = []
    if person.is_deceased:
        reasons.append(_("%(name)s tercatat meninggal.") % {"name": person.name})
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )
    for requirement in letter_type.requires:
        if requirement == "in_dtks" and not (membership and membership.household.in_dtks):
            reasons.append(
                _("%(name)s tidak terdaftar di DTKS/DTSEN; surat ini tidak dapat diterbitkan.")
                % {"name": person.name}
            )
        if requirement == "household" and membership is None:
            reasons.append(_("%(name)s tidak tercatat dalam KK mana pun.") % {"name": person.name})
    return reasons


def _next_number(letter_type: LetterType, year: int) -> int:
    """Lock this type's counter for the year (creating it once) and take the next number."""
    try:
        with transaction.atomic():
            LetterCounter.objects.get_or_create(letter_type=letter_type, year=year)
    except IntegrityError:
        pass  # created at the same moment by another clerk
    counter = LetterCounter.objects.select_for_update().get(letter_type=letter_type, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def format_number(pattern: str, *, seq: int, year: int, month: int) -> str:
    return pattern.format(seq=seq, year=year, month=f"{month:02d}")


@transaction.atomic
def issue_letter(
    *,
    actor: Any,
    letter_type: LetterType,
    person: Person,
    purpose: str = "",
    request: ServiceRequest | None = None,
) -> Letter:
    """Issue a numbered letter. Issued for a request (`request`), the letter answers it: the
    request must be of the letter's service, for the same person, checked or in process,
    and it is completed with the letter."""
    require(actor, Cap.WRITE)
    if actor is not None and not in_scope(actor, person.desa_id):
        raise PermissionDenied(_("Penduduk ini di luar wilayah kerja Anda."))
    if request is not None:
        _check_request(letter_type, person, request)
    reasons = _refusals(letter_type, person)
    if reasons:
        raise ValidationError(reasons)
    now = timezone.localtime()
    seq = _next_number(letter_type, now.year)
    number = format_number(letter_type.pattern, seq=seq, year=now.year, month=now.month)
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )
    household = membership.household if membership else None
    from django.utils.formats import date_format

    from sejahtera.wilayah.models import Wilayah

    office_area = Wilayah.objects.filter(code=settings.OFFICE_WILAYAH_CODE).first()
    place = (
        (office_area.name if office_area else "").removeprefix("Kabupaten ").removeprefix("Kota ")
    )
    content = {
        "office": settings.OFFICE_NAME,
        "place": place,
        "date_text": date_format(now.date(), "j F Y"),
        "type": letter_type.name,
        "number": number,
        "date": now.date().isoformat(),
        "name": person.name,
        "nik": person.nik or "",
        "birth": f"{person.birth_place}, {person.birth_date:%d-%m-%Y}"
        if person.birth_date
        else person.birth_place,
        "address": ", ".join(
            part
            for part in [
                household.street if household else "",
                f"RT {household.rt}/RW {household.rw}" if household and household.rt else "",
                person.desa.name,
            ]
            if part
        ),
        "kk": household.kk_number if household and household.kk_number else "",
        "dtks": bool(household and household.in_dtks),
        "desil": household.desil if household else None,
        "purpose": purpose.strip()[:300],
        "body": letter_type.body,
        "signer": {
            "name": letter_type.signer_name,
            "title": letter_type.signer_title,
            "nip": letter_type.signer_nip,
        },
    }
    letter = Letter.objects.create(
        letter_type=letter_type,
        year=now.year,
        seq=seq,
        number=number,
        person=person,
        desa_id=person.desa_id,
        content=content,
        content_hash=content_hash(content),
        token=secrets.token_urlsafe(18),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        request=request,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=letter,
        wilayah_code=person.desa_id,
        extra={"person": person.pk, "type": letter_type.code},
    )
    if request is not None:
        if request.status == RequestStatus.CHECKED:
            request = move_request(actor=actor, request=request, to=RequestStatus.IN_PROCESS)
        move_request(
            actor=actor,
            request=request,
            to=RequestStatus.DONE,
            note=_("Surat %(number)s diterbitkan.") % {"number": number},
        )
    return letter


def _check_request(letter_type: LetterType, person: Person, request: ServiceRequest) -> None:
    problems = []
    if letter_type.service_id != request.service_id:
        problems.append(_("Jenis surat ini bukan hasil layanan yang dimohon."))
    if request.person_id is not None and request.person_id != person.pk:
        problems.append(_("Surat harus atas nama pemohon yang tercatat pada permohonan."))
    if request.status not in (RequestStatus.CHECKED, RequestStatus.IN_PROCESS):
        problems.append(
            _("Permohonan berstatus %(status)s; surat diterbitkan setelah dokumen lengkap.")
            % {"status": request.get_status_display()}
        )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def revoke_letter(*, actor: Any, letter: Letter, reason: str) -> Letter:
    require(actor, Cap.APPROVE)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.revoked_at is not None:
        raise ValidationError(_("Surat ini sudah dicabut."))
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Tuliskan alasan pencabutan (minimal 10 huruf).")})
    letter.revoked_at = timezone.now()
    letter.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    letter.revoke_reason = reason.strip()[:300]
    letter.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=letter,
        wilayah_code=letter.desa_id,
        extra={"revoked": reason},
    )
    return letter


@dataclass(frozen=True)
class Verification:
    status: str  # genuine | altered | revoked | unknown
    letter: Letter | None


def verify(token: str, shown_hash: str = "") -> Verification:
    """What the QR code's page says: the letter exists, its stored content still has the hash
    it was issued with (and the hash printed in the QR), and whether it was revoked."""
    letter = Letter.objects.select_related("letter_type").filter(token=token).first()
    if letter is None:
        return Verification("unknown", None)
    actual = content_hash(letter.content)
    if actual != letter.content_hash or (shown_hash and shown_hash != letter.content_hash[:16]):
        return Verification("altered", letter)
    if letter.revoked_at is not None:
        return Verification("revoked", letter)
    return Verification("genuine", letter)


def verification_url(letter: Letter) -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/verifikasi/{letter.token}/?h={letter.content_hash[:16]}"


def masked_name(name: str) -> str:
    """`SITI AMINAH` → `S*** A*****`: enough to match a letter in hand, not to identify."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split() if word)
