"""Reads of the linkage app, scoped: a pair is seen by users whose areas hold both persons'
desa; a merge by users whose areas hold both records."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope_q
from sejahtera.linkage.models import CandidatePair, LinkageModel, Merge, PairDecision


def pairs_for(user: Any) -> QuerySet[CandidatePair]:
    """Undecided pairs of two unmerged persons, both in the user's areas."""
    if not can(user, Cap.VIEW):
        return CandidatePair.objects.none()
    decided = PairDecision.objects.filter(
        person_a_id=OuterRef("person_a_id"), person_b_id=OuterRef("person_b_id")
    )
    return (
        CandidatePair.objects.filter(scope_q(user, "desa_a"), scope_q(user, "desa_b"))
        .filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
        .exclude(Exists(decided))
        .select_related("person_a__desa", "person_b__desa", "linkage_model")
    )


def merges_for(user: Any) -> QuerySet[Merge]:
    if not can(user, Cap.VIEW):
        return Merge.objects.none()
    return Merge.objects.filter(
        scope_q(user, "survivor__desa__code"), scope_q(user, "loser__desa__code")
    ).select_related("survivor__desa", "loser__desa", "merged_by", "undone_by")


def decisions_for(user: Any) -> QuerySet[PairDecision]:
    if not can(user, Cap.VIEW):
        return PairDecision.objects.none()
    return PairDecision.objects.filter(
        scope_q(user, "person_a__desa__code"), scope_q(user, "person_b__desa__code")
    ).select_related("person_a", "person_b", "decided_by")


def latest_model() -> LinkageModel | None:
    return LinkageModel.objects.order_by("-version").first()
