"""Reads of the registry, already scoped to the user's areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope
from sejahtera.registry.models import (
    Household,
    Membership,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
    Proposal,
)


def persons_for(user: Any, *, include_merged: bool = False) -> QuerySet[Person]:
    """The persons in the user's areas. A record merged into another (a duplicate found by
    the linkage app) is left out of lists, searches and every use, unless asked for: its
    own page still opens, pointing at the record it was merged into."""
    if not can(user, Cap.VIEW):
        return Person.objects.none()
    queryset = Person.objects.select_related("desa", "desa__parent")
    if not include_merged:
        queryset = queryset.filter(merged_into__isnull=True)
    return scope(queryset, user, "desa__code")


def households_for(user: Any) -> QuerySet[Household]:
    if not can(user, Cap.VIEW):
        return Household.objects.none()
    return scope(Household.objects.select_related("desa", "desa__parent"), user, "desa__code")


def current_members(household: Household) -> QuerySet[Membership]:
    return (
        household.memberships.filter(end_date__isnull=True)
        .select_related("person")
        .order_by("start_date", "id")
    )


def member_history(household: Household) -> QuerySet[Membership]:
    return (
        household.memberships.filter(end_date__isnull=False)
        .select_related("person")
        .order_by("-end_date")
    )


def household_of(person: Person) -> Household | None:
    membership = (
        person.memberships.filter(end_date__isnull=True).select_related("household").first()
    )
    return membership.household if membership else None


def current_assessments(
    *, person: Person | None = None, household: Household | None = None, on: dt.date | None = None
) -> QuerySet[PpksAssessment]:
    """The PPKS status derived from the assessments: those not ended and still valid on the
    date (today by default)."""
    on = on or dt.date.today()
    qs = PpksAssessment.objects.filter(assessed_on__lte=on, ended_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    if person is not None:
        qs = qs.filter(person=person)
    if household is not None:
        qs = qs.filter(household=household)
    return qs.select_related("category", "assessor")


def assessment_history(
    *, person: Person | None = None, household: Household | None = None
) -> QuerySet[PpksAssessment]:
    qs = PpksAssessment.objects.select_related("category", "assessor").prefetch_related(
        "criteria_met"
    )
    if person is not None:
        qs = qs.filter(person=person)
    if household is not None:
        qs = qs.filter(household=household)
    return qs


def ppks_categories() -> QuerySet[PpksCategory]:
    return PpksCategory.objects.prefetch_related("criteria")


def proposals_for(user: Any) -> QuerySet[Proposal]:
    if not can(user, Cap.VIEW):
        return Proposal.objects.none()
    return scope(
        Proposal.objects.select_related(
            "desa", "person", "household", "proposed_by", "verified_by", "decided_by"
        ),
        user,
        "desa__code",
    )


def participations_of(*, household: Household) -> QuerySet[Participation]:
    """National-programme participation of the household and of its current members."""
    # The member ids as a list (a KK has a handful): with a subquery inside the OR,
    # PostgreSQL scanned all participation rows (1.4 s at 1.1 million persons) instead of
    # combining the person and household indexes.
    member_ids = list(
        household.memberships.filter(end_date__isnull=True).values_list("person_id", flat=True)
    )
    return (
        Participation.objects.filter(Q(household=household) | Q(person_id__in=member_ids))
        .select_related("person")
        .order_by("-period_start", "programme")
    )
