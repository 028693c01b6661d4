"""Every write to the registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.registry.models import Household, Person, PpksAssessment, PpksCategory, PpksCriterion
from sejahtera.registry.rules import category_refusals


@transaction.atomic
def load_ppks_categories(*, rows: list[dict[str, Any]]) -> int:
    """Upsert the PPKS categories and their criteria from the reference file (idempotent);
    returns how many categories changed."""
    changed = 0
    for row in rows:
        values = {
            "number": row["number"],
            "name": row["name"],
            "definition": row["definition"],
            "subject": row["subject"],
            "age_min": row.get("age_min"),
            "age_max": row.get("age_max"),
            "sex": row.get("sex") or "",
            "seed_line": row["seed_line"],
        }
        category = PpksCategory.objects.filter(code=row["code"]).first()
        before = audit.snapshot(category) if category else {}
        if category is None:
            category = PpksCategory(code=row["code"])
        for key, value in values.items():
            setattr(category, key, value)
        after = audit.snapshot(category)
        wanted = [
            (i, c["text"], bool(c.get("computable")), c["seed_line"])
            for i, c in enumerate(row.get("criteria") or [], start=1)
        ]
        existing = (
            list(
                category.criteria.order_by("order").values_list(
                    "order", "text", "computable", "seed_line"
                )
            )
            if category.pk
            else []
        )
        changes = audit.diff(before, after)
        if existing != wanted:
            changes["criteria"] = [len(existing), len(wanted)]
        if not changes:
            continue
        category.save()
        if existing != wanted:
            # Criteria are reference text: assessments point at them, so existing rows are
            # updated in place by their order rather than deleted.
            for order, text, computable, seed_line in wanted:
                PpksCriterion.objects.update_or_create(
                    category=category,
                    order=order,
                    defaults={"text": text, "computable": computable, "seed_line": seed_line},
                )
            category.criteria.filter(order__gt=len(wanted)).delete()
        audit.record(
            actor=None,
            action=Action.CREATE if not before else Action.UPDATE,
            obj=category,
            changes=changes,
        )
        changed += 1
    return changed


@transaction.atomic
def assess_ppks(
    *,
    actor: Any,
    category: PpksCategory,
    person: Person | None = None,
    household: Household | None = None,
    criteria: Sequence[PpksCriterion],
    assessed_on: dt.date,
    valid_until: dt.date | None = None,
    notes: str = "",
    assessor: Any = None,
) -> PpksAssessment:
    """Record that a person or household falls in a PPKS category. The category's computable
    conditions (age band at the assessment date, sex) are enforced. Users reach this through
    an approved PPKS proposal (`actor` the approver, `assessor` the field worker who
    verified); commands and tests may call it directly."""
    require(actor, Cap.WRITE)
    if (person is None) == (household is None):
        raise ValidationError(_("Penilaian PPKS untuk satu orang atau satu keluarga."))
    subject_desa = person.desa_id if person is not None else household.desa_id  # type: ignore[union-attr]
    if actor is not None and not in_scope(actor, subject_desa):
        raise ValidationError(_("Orang atau keluarga ini di luar wilayah kerja Anda."))
    errors = category_refusals(
        category=category, person=person, household=household, on=assessed_on
    )
    foreign = [c for c in criteria if c.category_id != category.pk]
    if foreign:
        errors.append(_("Kriteria yang dicentang bukan kriteria kategori ini."))
    if not criteria:
        errors.append(_("Centang paling sedikit satu kriteria yang terpenuhi."))
    if valid_until is not None and valid_until < assessed_on:
        errors.append(_("Tanggal berlaku sampai tidak boleh sebelum tanggal penilaian."))
    if errors:
        raise ValidationError(errors)
    assessment = PpksAssessment.objects.create(
        category=category,
        person=person,
        household=household,
        assessor=assessor or actor,
        assessed_on=assessed_on,
        valid_until=valid_until,
        notes=notes,
    )
    assessment.criteria_met.set(criteria)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=assessment,
        wilayah_code=subject_desa,
        changes=audit.diff(
            {},
            audit.snapshot(
                assessment,
                ["category", "person", "household", "assessed_on", "valid_until", "criteria_met"],
            ),
        ),
    )
    return assessment
