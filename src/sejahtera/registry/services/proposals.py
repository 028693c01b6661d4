"""The flow through which registry data changes: a village operator proposes, a field
worker (TKSK/PSM) verifies, a village deliberation (musdes/muskel) endorses a batch, and the
office approves (the change is applied) or rejects with a reason. No one decides on what
they proposed or verified. Every step is kept and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.choices import RemovalReason
from sejahtera.registry.models import (
    Household,
    Membership,
    MusdesBatch,
    Person,
    PpksCategory,
    Proposal,
    ProposalKind,
    ProposalPhoto,
    ProposalStatus,
    ProposalStep,
)
from sejahtera.registry.payloads import (
    check_payload,
    household_values,
    person_values,
    record_version,
    seen_values,
    stale_error,
)
from sejahtera.registry.services.ppks import assess_ppks
from sejahtera.wilayah.models import Level, Wilayah


def _in_area(actor: Any, desa_code: str) -> None:
    if actor is not None and not in_scope(actor, desa_code):
        raise ValidationError(_("Usulan ini di luar wilayah kerja Anda."))


def _step(
    proposal: Proposal, actor: Any, status: str, notes: str = "", *, previous: str | None = None
) -> None:
    """Keep the step and audit the status change (`previous` None: the proposal is new)."""
    ProposalStep.objects.create(proposal=proposal, actor=actor, status=status, notes=notes)
    audit.record(
        actor=actor,
        action=Action.CREATE if previous is None else Action.UPDATE,
        obj=proposal,
        wilayah_code=proposal.desa_id,
        changes={"status": [previous, status]},
        extra={"notes": notes[:500]} if notes else None,
    )


@transaction.atomic
def submit_proposal(
    *,
    actor: Any,
    kind: str,
    desa: Wilayah,
    payload: dict[str, Any],
    household: Household | None = None,
    person: Person | None = None,
    reason: str = "",
    version: str = "",
) -> tuple[Proposal, list[str]]:
    """Store a proposal after checking its data; returns it with any warnings (e.g. a NIK
    whose birth date differs from the recorded one). `version` is the `record_version` of
    the person or household the form showed: if the record changed since, the proposal is
    refused. A change proposal keeps the values it changes as they were (`before`), so that
    its approval cannot silently undo another change approved meanwhile."""
    require(actor, Cap.PROPOSE)
    if desa.level != Level.DESA:
        raise ValidationError(_("Usulan diajukan untuk satu desa/kelurahan."))
    _in_area(actor, desa.code)
    if household is not None and household.desa_id != desa.code:
        raise ValidationError(_("Keluarga ini tidak berada di desa yang dipilih."))
    if person is not None and person.desa_id != desa.code:
        raise ValidationError(_("Penduduk ini tidak berada di desa yang dipilih."))
    if person is not None:
        person = Person.objects.select_for_update().get(pk=person.pk)
    if household is not None:
        household = Household.objects.select_for_update().get(pk=household.pk)
    target = person or household
    if version and target is not None and version != record_version(target):
        raise stale_error()
    warnings = check_payload(kind=kind, payload=payload, household=household, person=person)
    if kind == ProposalKind.CHANGE and target is not None:
        payload = {**payload, "before": seen_values(target, payload.get("changes") or {})}
    proposal = Proposal.objects.create(
        kind=kind,
        desa=desa,
        household=household,
        person=person,
        payload=payload,
        reason=reason.strip(),
        proposed_by=actor,
    )
    _step(proposal, actor, ProposalStatus.SUBMITTED, reason)
    return proposal, warnings


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _already(proposal: Proposal) -> ValidationError:
    return ValidationError(
        _(
            "Usulan #%(id)d sudah berstatus %(status)s; muat ulang halaman untuk melihat keputusan terbaru."
        )
        % {"id": proposal.pk, "status": proposal.get_status_display()}
    )


@transaction.atomic
def verify_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    ok: bool,
    notes: str,
    photos: Sequence[UploadedFile] = (),
) -> Proposal:
    """A field worker checks the proposal on the spot. Not confirmed: the proposal is
    rejected with the notes as reason."""
    require(actor, Cap.VERIFY)
    proposal = _lock(proposal)
    _in_area(actor, proposal.desa_id)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise _already(proposal)
    if actor is not None and proposal.proposed_by_id == actor.pk:
        raise ValidationError(_("Anda tidak boleh memverifikasi usulan yang Anda ajukan sendiri."))
    notes = notes.strip()
    if not notes:
        raise ValidationError({"notes": [_("Tuliskan hasil pemeriksaan lapangan.")]})
    proposal.verified_by = actor
    proposal.verified_at = timezone.now()
    proposal.verification_notes = notes
    if ok:
        proposal.status = ProposalStatus.VERIFIED
    else:
        proposal.status = ProposalStatus.REJECTED
        proposal.decision_reason = _("Tidak terverifikasi di lapangan: %(notes)s") % {
            "notes": notes
        }
    proposal.save()
    for photo in photos:
        ProposalPhoto.objects.create(proposal=proposal, image=photo, uploaded_by=actor)
    _step(proposal, actor, proposal.status, notes, previous=ProposalStatus.SUBMITTED)
    return proposal


@transaction.atomic
def endorse_batch(
    *,
    actor: Any,
    desa: Wilayah,
    held_on: dt.date,
    minutes: UploadedFile,
    proposals: Sequence[Proposal],
) -> MusdesBatch:
    """Record a village deliberation and the verified proposals it endorsed."""
    require(actor, Cap.PROPOSE)
    _in_area(actor, desa.code)
    if not proposals:
        raise ValidationError(_("Pilih usulan yang disahkan dalam musyawarah."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("Tanggal musyawarah tidak boleh di masa depan.")]})
    locked = list(
        Proposal.objects.select_for_update().filter(pk__in=[p.pk for p in proposals]).order_by("pk")
    )
    wrong_desa = [p.pk for p in locked if p.desa_id != desa.code]
    not_verified = [p.pk for p in locked if p.status != ProposalStatus.VERIFIED]
    if wrong_desa:
        raise ValidationError(
            _("Usulan %(ids)s bukan dari desa ini.")
            % {"ids": ", ".join(f"#{i}" for i in wrong_desa)}
        )
    if not_verified:
        raise ValidationError(
            _("Hanya usulan yang sudah diverifikasi yang dapat disahkan: %(ids)s belum.")
            % {"ids": ", ".join(f"#{i}" for i in not_verified)}
        )
    batch = MusdesBatch.objects.create(
        desa=desa, held_on=held_on, minutes=minutes, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=batch,
        wilayah_code=desa.code,
        extra={"proposals": [p.pk for p in locked]},
    )
    for proposal in locked:
        proposal.status = ProposalStatus.ENDORSED
        proposal.batch = batch
        proposal.save(update_fields=["status", "batch"])
        _step(
            proposal,
            actor,
            ProposalStatus.ENDORSED,
            _("Musdes %(date)s") % {"date": held_on.strftime("%d-%m-%Y")},
            previous=ProposalStatus.VERIFIED,
        )
    return batch


@transaction.atomic
def decide_proposal(*, actor: Any, proposal: Proposal, approve: bool, reason: str = "") -> Proposal:
    """The office's decision. Approval applies the change to the registry in the same
    transaction; two clerks deciding at once: the first wins, the second is told."""
    require(actor, Cap.APPROVE)
    proposal = _lock(proposal)
    _in_area(actor, proposal.desa_id)
    if proposal.status != ProposalStatus.ENDORSED:
        if proposal.status in (ProposalStatus.APPROVED, ProposalStatus.REJECTED):
            raise _already(proposal)
        raise ValidationError(
            _("Usulan baru dapat diputuskan setelah diverifikasi dan disahkan musyawarah desa.")
        )
    if actor is not None and actor.pk in (proposal.proposed_by_id, proposal.verified_by_id):
        raise ValidationError(
            _("Anda tidak boleh memutuskan usulan yang Anda ajukan atau verifikasi sendiri.")
        )
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Tuliskan alasan penolakan.")]})
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    if approve:
        try:
            with transaction.atomic():
                proposal.result = _apply(actor, proposal)
        except IntegrityError as exc:
            raise ValidationError(
                _(
                    "Usulan tidak dapat diterapkan karena bentrok dengan data registri (misalnya NIK atau nomor KK sudah terdaftar)."
                )
            ) from exc
        proposal.status = ProposalStatus.APPROVED
    else:
        proposal.status = ProposalStatus.REJECTED
    proposal.save()
    _step(proposal, actor, proposal.status, reason, previous=ProposalStatus.ENDORSED)
    return proposal


def _apply(actor: Any, proposal: Proposal) -> dict[str, Any]:
    """Carry out an approved proposal. Its data is checked again first: the registry may
    have changed since it was proposed."""
    check_payload(
        kind=proposal.kind,
        payload=proposal.payload,
        household=proposal.household,
        person=proposal.person,
        exclude=proposal,
    )
    today = timezone.localdate()
    payload = proposal.payload
    if proposal.kind == ProposalKind.NEW_HOUSEHOLD:
        household = Household.objects.create(
            desa_id=proposal.desa_id, **household_values(payload["household"])
        )
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=household,
            wilayah_code=household.desa_id,
            changes=audit.diff({}, audit.snapshot(household)),
        )
        ids = [_add_person(actor, household, member, today) for member in payload["members"]]
        return {"household": household.pk, "persons": ids}
    if proposal.kind == ProposalKind.NEW_PERSON:
        assert proposal.household is not None
        return {"persons": [_add_person(actor, proposal.household, payload["member"], today)]}
    if proposal.kind == ProposalKind.CHANGE:
        target = _locked_target(proposal)
        seen = payload.get("before") or {}
        now = seen_values(target, seen)
        moved = [_label(target, k) for k in seen if now[k] != seen[k]]
        if moved:
            raise ValidationError(
                _(
                    "Data ini sudah diubah oleh pengguna lain sejak usulan diajukan (%(fields)s); "
                    "usulan ini tidak dapat diterapkan tanpa menimpa perubahan itu. Tolak usulan "
                    "ini; pengusul dapat mengajukan ulang dari data terbaru."
                )
                % {"fields": ", ".join(moved)},
                code="stale",
            )
        before = audit.snapshot(target)
        values = (
            person_values(payload["changes"])
            if isinstance(target, Person)
            else household_values(payload["changes"])
        )
        for key, value in values.items():
            setattr(target, key, value)
        target.save(update_fields=[*values, "updated_at"])
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=target,
            wilayah_code=proposal.desa_id,
            changes=audit.diff(before, audit.snapshot(target)),
        )
        return {"changed": sorted(values)}
    if proposal.kind == ProposalKind.REMOVAL:
        return _remove(actor, proposal, today)
    if proposal.kind == ProposalKind.PPKS:
        category = PpksCategory.objects.get(code=payload["category"])
        criteria = list(category.criteria.filter(order__in=payload["criteria"]))
        assessment = assess_ppks(
            actor=actor,
            assessor=proposal.verified_by,
            category=category,
            person=proposal.person,
            household=proposal.household,
            criteria=criteria,
            assessed_on=dt.date.fromisoformat(payload["assessed_on"]),
            valid_until=dt.date.fromisoformat(payload["valid_until"])
            if payload.get("valid_until")
            else None,
            notes=payload.get("notes", ""),
        )
        return {"assessment": assessment.pk}
    if proposal.kind == ProposalKind.COMPOSITION:
        return _recompose(actor, proposal, today)
    raise ValidationError(_("Jenis usulan tidak dikenal."))


def _label(record: Person | Household, name: str) -> str:
    field = record._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _locked_target(proposal: Proposal) -> Person | Household:
    """The proposal's person or household as it is now, locked until the decision commits:
    two approvals touching the same record run one after the other, each on fresh data."""
    if proposal.person_id is not None:
        return Person.objects.select_for_update().get(pk=proposal.person_id)
    assert proposal.household_id is not None
    return Household.objects.select_for_update().get(pk=proposal.household_id)


def _recompose(actor: Any, proposal: Proposal, today: dt.date) -> dict[str, Any]:
    """End the memberships that change and start new ones (in this KK with a new relation,
    in a new KK split from it, or in another registered KK of the desa); the old memberships
    stay as history."""
    household = proposal.household
    assert household is not None
    changes = proposal.payload["members"]
    new_household = None
    if any(change["to"] == "new" for change in changes):
        new_household = Household.objects.create(
            desa_id=household.desa_id, **household_values(proposal.payload["new_household"])
        )
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=new_household,
            wilayah_code=household.desa_id,
            changes=audit.diff({}, audit.snapshot(new_household)),
            extra={"split_from": household.pk, "proposal": proposal.pk},
        )
    current = {
        m.person_id: m
        for m in household.memberships.filter(end_date__isnull=True)
        .select_for_update()
        .select_related("person")
    }
    joined = None
    if any(change["to"] == "join" for change in changes):
        joined = Household.objects.select_for_update().get(kk_number=proposal.payload["join_kk"])
    moved = []
    for change in changes:
        membership = current[change["person"]]
        target = {"new": new_household, "join": joined}.get(change["to"], household)
        assert target is not None
        if target == household and membership.relation == change["relation"]:
            continue
        membership.end_date = today
        membership.end_reason = (
            _("Pecah KK (usulan #%(id)d)")
            if target == new_household
            else _("Pindah ke KK %(kk)s (usulan #%(id)d)")
            if target == joined
            else _("Perubahan susunan keluarga (usulan #%(id)d)")
        ) % {"id": proposal.pk, "kk": target.kk_number}
        membership.save(update_fields=["end_date", "end_reason"])
        Membership.objects.create(
            person_id=membership.person_id,
            household=target,
            relation=change["relation"],
            start_date=today,
        )
        if target != household:
            Person.objects.filter(pk=membership.person_id).update(desa_id=target.desa_id)
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=membership.person,
            wilayah_code=household.desa_id,
            changes={
                "household": [household.kk_number, target.kk_number],
                "relation": [membership.relation, change["relation"]],
            },
            extra={"proposal": proposal.pk},
        )
        moved.append(membership.person_id)
    return {"household": new_household.pk if new_household else None, "persons": moved}


def _add_person(actor: Any, household: Household, member: dict[str, Any], today: dt.date) -> int:
    person = Person.objects.create(desa_id=household.desa_id, **person_values(member))
    Membership.objects.create(
        person=person, household=household, relation=member["relation"], start_date=today
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=person,
        wilayah_code=household.desa_id,
        changes=audit.diff({}, audit.snapshot(person)),
    )
    return person.pk


def _remove(actor: Any, proposal: Proposal, today: dt.date) -> dict[str, Any]:
    payload = proposal.payload
    reason = payload["reason"]
    when = dt.date.fromisoformat(payload["date"]) if payload.get("date") else today
    target = _locked_target(proposal)
    if isinstance(target, Person):
        person = target
        before = audit.snapshot(person)
        if reason == RemovalReason.DECEASED:
            person.is_deceased = True
            person.death_date = when
            person.save(update_fields=["is_deceased", "death_date", "updated_at"])
        membership = Membership.objects.filter(person=person, end_date__isnull=True).first()
        ended = 0
        if membership is not None:
            membership.end_date = max(when, membership.start_date)
            with translation.override("id"):  # stored data is in Bahasa Indonesia, whatever the UI
                membership.end_reason = str(RemovalReason(reason).label)
            membership.save()
            ended = 1
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=person,
            wilayah_code=proposal.desa_id,
            changes=audit.diff(before, audit.snapshot(person)),
            extra={"removal": reason, "memberships_ended": ended},
        )
        return {"person": person.pk, "reason": reason}
    household = target
    before = audit.snapshot(household)
    household.in_dtks = False
    household.save(update_fields=["in_dtks", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=household,
        wilayah_code=proposal.desa_id,
        changes=audit.diff(before, audit.snapshot(household)),
        extra={"removal": reason},
    )
    return {"household": household.pk, "reason": reason}
