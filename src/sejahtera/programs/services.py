"""Writes of the programmes app: loading the programmes of the seed and saving a new version
of a programme's rule (checked, audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.programs.criteria import parse
from sejahtera.programs.models import Programme, RuleVersion


@transaction.atomic
def save_rule(
    *,
    actor: Any,
    programme: Programme,
    rule: Any,
    valid_from_year: int,
    note: str,
) -> RuleVersion:
    """Store a new version of the rule. An unchanged rule is refused; the reason is kept."""
    require(actor, Cap.MANAGE_PROGRAMS)
    tree = parse(rule)
    if not 2000 <= valid_from_year <= 2100:
        raise ValidationError({"valid_from_year": _("Tahun berlaku tidak masuk akal.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tuliskan alasan perubahan aturan.")})
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = programme.rules.order_by("-version").first()
    normalised = tree.to_json()
    if (
        latest is not None
        and latest.rule == normalised
        and latest.valid_from_year == valid_from_year
    ):
        raise ValidationError(_("Aturan sama dengan versi yang berlaku; tidak ada yang disimpan."))
    number = (programme.rules.aggregate(n=Max("version"))["n"] or 0) + 1
    version = RuleVersion.objects.create(
        programme=programme,
        version=number,
        valid_from_year=valid_from_year,
        rule=normalised,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE if latest else Action.CREATE,
        obj=version,
        changes={"rule": [latest.rule if latest else None, normalised]},
        extra={"valid_from_year": valid_from_year, "note": note},
    )
    return version
