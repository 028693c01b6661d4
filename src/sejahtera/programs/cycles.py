"""Cycles of a programme: draft → (eligibility run as a background job) → verified (hand
checks; excluded people make room for the next ranked) → approved (by someone other than the
preparer) → distributed (per beneficiary: what, when, proof, or why not) → closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.uploads import check_upload
from sejahtera.programs.criteria import parse
from sejahtera.programs.models import (
    Beneficiary,
    Cycle,
    CycleStatus,
    Distribution,
    Programme,
)
from sejahtera.programs.selectors import eligible, rule_in_force
from sejahtera.registry.models import Membership
from sejahtera.wilayah.models import Wilayah

RANKINGS = {
    "desil_oldest": (gettext_lazy("desil terendah, lalu yang tertua"), ["desil", "birth_date"]),
    "oldest": (gettext_lazy("yang tertua"), ["birth_date"]),
    "desil_youngest": (gettext_lazy("desil terendah, lalu yang termuda"), ["desil", "-birth_date"]),
}


def _cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def _state(cycle: Cycle, *allowed: str) -> None:
    if cycle.status not in allowed:
        raise ValidationError(
            _("Siklus berstatus %(status)s; langkah ini tidak dapat dilakukan.")
            % {"status": cycle.get_status_display()}
        )


@transaction.atomic
def create_cycle(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    as_of: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    area: Wilayah,
    quota: int | None = None,
    amount: int | None = None,
    package: str = "",
    budget: int | None = None,
    ranking: str = "desil_oldest",
) -> Cycle:
    require(actor, Cap.PREPARE_CYCLE)
    errors: dict[str, str] = {}
    if rule_in_force(programme, as_of) is None:
        errors["programme"] = _("Program ini tidak punya aturan perorangan pada tanggal itu.")
    if period_end < period_start:
        errors["period_end"] = _("Akhir periode sebelum awal periode.")
    if actor is not None and not in_scope(actor, area.code):
        errors["area"] = _("Wilayah di luar wilayah kerja Anda.")
    if ranking not in RANKINGS:
        errors["ranking"] = _("Urutan tidak dikenal.")
    if quota is not None and quota < 1:
        errors["quota"] = _("Kuota paling sedikit 1.")
    if errors:
        raise ValidationError(errors)
    previous = programme.cycles.filter(area=area).order_by("-as_of", "-id").first()
    cycle = Cycle.objects.create(
        programme=programme,
        name=name.strip()[:150] or _("Siklus %(d)s") % {"d": as_of.isoformat()},
        as_of=as_of,
        period_start=period_start,
        period_end=period_end,
        area=area,
        quota=quota,
        amount=amount,
        package=package,
        budget=budget,
        ranking=ranking,
        previous=previous,
        prepared_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, action=Action.CREATE, obj=cycle, wilayah_code=area.code)
    return cycle


def _current(field: str) -> Subquery:
    return Subquery(
        Membership.objects.filter(person_id=OuterRef("pk"), end_date__isnull=True).values(field)[:1]
    )


@transaction.atomic
def run_cycle(*, cycle: Cycle) -> int:
    """Fill a draft cycle's list from the rule in force: one INSERT … SELECT, ranked."""
    cycle = _cycle(cycle)
    _state(cycle, CycleStatus.DRAFT)
    version = rule_in_force(cycle.programme, cycle.as_of)
    if version is None:
        raise ValidationError(_("Program ini tidak punya aturan perorangan pada tanggal itu."))
    tree = parse(version.rule)
    order = []
    for key in RANKINGS[cycle.ranking][1]:
        name = key.lstrip("-")
        expression = F(name)
        order.append(
            expression.desc(nulls_last=True)
            if key.startswith("-")
            else expression.asc(nulls_last=True)
        )
    order.append(F("pk").asc())
    queryset = (
        eligible(cycle.programme, as_of=cycle.as_of, rule=tree)
        .filter(Q(desa_id=cycle.area_id) | Q(desa__code__startswith=f"{cycle.area_id}."))
        .annotate(
            person_ref=F("pk"),
            desa_ref=F("desa_id"),
            household_ref=_current("household_id"),
            desil=_current("household__desil"),
            position=Window(RowNumber(), order_by=order),
        )
        .values("person_ref", "household_ref", "desa_ref", "position")
    )
    sql, params = queryset.query.sql_with_params()
    Beneficiary.objects.filter(cycle=cycle).delete()
    quota = cycle.quota if cycle.quota is not None else 2**31 - 1
    table = Beneficiary._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cycle_id, person_id, household_id, desa_id, rank, selected, "  # noqa: S608
            f"excluded_reason) SELECT %s, sub.person_ref, sub.household_ref, sub.desa_ref, sub.position, "
            f"sub.position <= %s, '' FROM ({sql}) sub",
            [cycle.pk, quota, *params],
        )
        count = cursor.rowcount
    cycle.rule_version = version
    cycle.eligible_count = count
    cycle.save(update_fields=["rule_version", "eligible_count"])
    audit.record(
        actor=None,
        action=Action.UPDATE,
        obj=cycle,
        wilayah_code=cycle.area_id,
        extra={"eligible": count, "rule_version": version.version},
    )
    return count


def start_run(*, actor: Any, cycle: Cycle) -> Any:
    """Run the eligibility of a draft cycle as a background job with progress."""
    from sejahtera.jobs.services import start_job
    from sejahtera.programs.tasks import run_cycle_task

    require(actor, Cap.PREPARE_CYCLE)
    _state(cycle, CycleStatus.DRAFT)
    return start_job(
        actor=actor,
        kind="bansos_siklus",
        title=_("Kelayakan %(cycle)s") % {"cycle": cycle},
        task=run_cycle_task,
        params={"cycle_id": cycle.pk},
        wilayah_code=cycle.area_id,
    )


def _reselect(cycle: Cycle) -> None:
    """Within the quota: the best-ranked of those not excluded."""
    rows = Beneficiary.objects.filter(cycle=cycle)
    rows.update(selected=False)
    keep = rows.filter(excluded_reason="").order_by("rank")
    if cycle.quota is not None:
        keep = keep[: cycle.quota]
    Beneficiary.objects.filter(pk__in=list(keep.values_list("pk", flat=True))).update(selected=True)


@transaction.atomic
def verify_cycle(*, actor: Any, cycle: Cycle, excluded: Mapping[int, str]) -> Cycle:
    """Record the hand checks: the listed beneficiaries fail them (with the reason) and leave
    the list; those next in rank take their places within the quota."""
    require(actor, Cap.PREPARE_CYCLE)
    cycle = _cycle(cycle)
    _state(cycle, CycleStatus.DRAFT)
    if cycle.eligible_count is None:
        raise ValidationError(_("Jalankan dulu penghitungan kelayakan siklus ini."))
    for beneficiary_id, reason in excluded.items():
        if not reason.strip():
            raise ValidationError(_("Tuliskan alasan untuk setiap penerima yang dikeluarkan."))
        updated = Beneficiary.objects.filter(cycle=cycle, pk=beneficiary_id).update(
            excluded_reason=reason.strip()[:300]
        )
        if not updated:
            raise ValidationError(
                _("Penerima #%(id)s bukan bagian siklus ini.") % {"id": beneficiary_id}
            )
    _reselect(cycle)
    cycle.status = CycleStatus.VERIFIED
    cycle.verified_by = actor if getattr(actor, "is_authenticated", False) else None
    cycle.save(update_fields=["status", "verified_by"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=cycle,
        wilayah_code=cycle.area_id,
        changes={"status": [CycleStatus.DRAFT, CycleStatus.VERIFIED]},
        extra={"excluded": {str(k): v for k, v in excluded.items()}},
    )
    return cycle


@transaction.atomic
def approve_cycle(*, actor: Any, cycle: Cycle) -> Cycle:
    require(actor, Cap.APPROVE)
    cycle = _cycle(cycle)
    _state(cycle, CycleStatus.VERIFIED)
    if actor is not None and cycle.prepared_by_id == actor.pk:
        raise PermissionDenied(_("Siklus harus disetujui oleh orang lain, bukan penyusunnya."))
    cycle.status = CycleStatus.APPROVED
    cycle.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    cycle.approved_at = timezone.now()
    cycle.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=cycle,
        wilayah_code=cycle.area_id,
        changes={"status": [CycleStatus.VERIFIED, CycleStatus.APPROVED]},
    )
    return cycle


@transaction.atomic
def record_distribution(
    *,
    actor: Any,
    beneficiary: Beneficiary,
    given_on: dt.date | None = None,
    given: str = "",
    proof: UploadedFile | None = None,
    not_given_reason: str = "",
) -> Distribution:
    """What one beneficiary received (with proof), or why nothing was given."""
    require(actor, Cap.WRITE)
    cycle = _cycle(beneficiary.cycle)
    _state(cycle, CycleStatus.APPROVED, CycleStatus.DISTRIBUTED)
    if actor is not None and not in_scope(actor, beneficiary.desa_id):
        raise PermissionDenied(_("Penerima ini di luar wilayah kerja Anda."))
    if not beneficiary.selected:
        raise ValidationError(_("Orang ini tidak termasuk daftar penerima siklus."))
    if Distribution.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("Penyaluran untuk penerima ini sudah dicatat."))
    person = beneficiary.person
    reason = not_given_reason.strip()
    if given_on is not None:
        if person.is_deceased:
            raise ValidationError(
                _(
                    "%(name)s tercatat meninggal; bantuan tidak dapat disalurkan. Catat alasan tidak diberikan."
                )
                % {"name": person.name}
            )
        if not Membership.objects.filter(person=person, end_date__isnull=True).exists():
            raise ValidationError(
                _(
                    "%(name)s sudah dihapus dari registri (tidak dalam KK mana pun); bantuan tidak dapat disalurkan."
                )
                % {"name": person.name}
            )
        if given_on < cycle.period_start or given_on > timezone.localdate():
            raise ValidationError(
                {"given_on": _("Tanggal penyaluran di luar periode siklus atau di masa depan.")}
            )
        if not given.strip():
            raise ValidationError({"given": _("Tuliskan apa yang diberikan.")})
        if proof is None:
            raise ValidationError(
                {"proof": _("Lampirkan bukti: foto tanda tangan atau foto penyerahan.")}
            )
        check_upload(proof, kinds=("jpeg", "png", "pdf"))
        reason = ""
    elif not reason:
        raise ValidationError(_("Isi tanggal penyaluran, atau alasan tidak diberikan."))
    distribution = Distribution.objects.create(
        beneficiary=beneficiary,
        given_on=given_on,
        given=given.strip()[:200] if given_on else "",
        proof=proof if given_on else "",
        not_given_reason=reason[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if cycle.status == CycleStatus.APPROVED:
        cycle.status = CycleStatus.DISTRIBUTED
        cycle.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=distribution,
        wilayah_code=beneficiary.desa_id,
        extra={"cycle": cycle.pk, "person": person.pk},
    )
    return distribution


@transaction.atomic
def close_cycle(*, actor: Any, cycle: Cycle) -> Cycle:
    require(actor, Cap.APPROVE)
    cycle = _cycle(cycle)
    _state(cycle, CycleStatus.DISTRIBUTED)
    open_rows = cycle.beneficiaries.filter(selected=True, distribution__isnull=True).count()
    if open_rows:
        raise ValidationError(
            _("%(n)s penerima belum dicatat penyalurannya (diberikan atau alasannya).")
            % {"n": open_rows}
        )
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=cycle,
        wilayah_code=cycle.area_id,
        changes={"status": [CycleStatus.DISTRIBUTED, CycleStatus.CLOSED]},
    )
    return cycle


def changes_since_previous(cycle: Cycle, limit: int = 200) -> dict[str, Any]:
    """Who entered and who left compared with the previous cycle of the programme in the
    area, and for those who left, which criterion no longer holds."""
    from sejahtera.programs.selectors import explain

    previous = cycle.previous
    if previous is None:
        return {"previous": None, "entered": [], "left": [], "entered_count": 0, "left_count": 0}
    now = set(cycle.beneficiaries.values_list("person_id", flat=True))
    before = set(previous.beneficiaries.values_list("person_id", flat=True))
    entered, left = sorted(now - before), sorted(before - now)
    from sejahtera.registry.models import Person

    left_rows = []
    for person in Person.objects.filter(pk__in=left[:limit]).order_by("name"):
        verdict = explain(cycle.programme, person, as_of=cycle.as_of)
        failing = [
            v.words + ": " + v.reason for v in (verdict.children or (verdict,)) if v.holds is False
        ]
        left_rows.append({"person": person, "failing": failing})
    return {
        "previous": previous,
        "entered": list(Person.objects.filter(pk__in=entered[:limit]).order_by("name")),
        "left": left_rows,
        "entered_count": len(entered),
        "left_count": len(left),
    }
