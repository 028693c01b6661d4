"""Reads of the partners app. Everything a user sees starts here, scoped by the partner's
area of work (`area__code`); without Cap.VIEW the querysets are empty. `user=None` is the
system (a command, another app's computation) and sees everything.

A partner's state on a date is read from its status history (the first change is its
registration): registered on `on` when it has a change on or before `on`, active when the
last of those says so."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope, scope_q
from sejahtera.partners.models import (
    LKS,
    Certificate,
    InstitutionMember,
    Partner,
    PartnerStatusChange,
    Training,
    TrainingParticipant,
    UepGrant,
)
from sejahtera.registry.models import Person

REMINDER_DAYS = 90


def _scoped(queryset: QuerySet[Any], user: Any, field: str) -> QuerySet[Any]:
    if user is None:
        return queryset
    if not can(user, Cap.VIEW):
        return queryset.none()
    return scope(queryset, user, field)


def current_expiry(partner_ref: str = "pk") -> Subquery:
    """The expiry date of the partner's current certificate (the one expiring last)."""
    return Subquery(
        Certificate.objects.filter(partner_id=OuterRef(partner_ref))
        .order_by("-expires_on")
        .values("expires_on")[:1],
        output_field=DateField(),
    )


def active_on(on: dt.date, partner_ref: str = "pk") -> Subquery:
    """The partner's active state on `on` (NULL when not registered yet)."""
    return Subquery(
        PartnerStatusChange.objects.filter(partner_id=OuterRef(partner_ref), on__lte=on)
        .order_by("-on", "-id")
        .values("active")[:1],
        output_field=BooleanField(),
    )


def is_active_on(partner: Partner, on: dt.date) -> bool:
    return (
        Partner.objects.filter(pk=partner.pk)
        .annotate(active_then=active_on(on))
        .filter(active_then=True)
        .exists()
    )


def registered_on(on: dt.date, partner_ref: str = "pk") -> Exists:
    return Exists(PartnerStatusChange.objects.filter(partner_id=OuterRef(partner_ref), on__lte=on))


def partners_for(user: Any) -> QuerySet[Partner]:
    """The partners in the user's areas, with the expiry of their current certificate
    (`stp_expires_on`)."""
    queryset = Partner.objects.select_related("kind", "area__parent").annotate(
        stp_expires_on=current_expiry()
    )
    return _scoped(queryset, user, "area__code")


def expiring_q(*, days: int = REMINDER_DAYS, today: dt.date | None = None) -> Q:
    """Partners (annotated by `partners_for`) whose current certificate expires within
    `days` days or has expired."""
    today = today or timezone.localdate()
    return Q(stp_expires_on__lte=today + dt.timedelta(days=days))


def expired_q(today: dt.date | None = None) -> Q:
    """Partners (annotated by `partners_for`) whose current certificate has expired."""
    return Q(stp_expires_on__lt=today or timezone.localdate())


def current_certificates() -> QuerySet[Certificate]:
    """Each institution's current certificate: no other of its certificates expires later."""
    newer = Certificate.objects.filter(
        partner_id=OuterRef("partner_id"), expires_on__gt=OuterRef("expires_on")
    )
    return Certificate.objects.filter(~Exists(newer))


def expiring_certificates(
    *, user: Any = None, days: int = REMINDER_DAYS, today: dt.date | None = None
) -> QuerySet[Certificate]:
    """Current certificates of active partners expiring within `days` days or expired,
    soonest first."""
    today = today or timezone.localdate()
    queryset = (
        current_certificates()
        .filter(partner__active=True, expires_on__lte=today + dt.timedelta(days=days))
        .select_related("partner__kind", "partner__area__parent")
        .order_by("expires_on", "partner__name")
    )
    return _scoped(queryset, user, "partner__area__code")


def history(partner: Partner) -> QuerySet[PartnerStatusChange]:
    return partner.status_changes.select_related("by").order_by("on", "id")


def living_q(on: dt.date, prefix: str = "") -> Q:
    """Members living in their institution on `on` (arrived on or before, not yet left)."""
    return Q(**{f"{prefix}since__lte": on}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": on})
    )


def alive_q(on: dt.date, prefix: str = "") -> Q:
    """Persons alive on `on` (a death without a date counts as before any date)."""
    return Q(**{f"{prefix}is_deceased": False}) | Q(**{f"{prefix}death_date__gt": on})


def _members(*, kinds: list[str] | None, on: dt.date, user: Any) -> QuerySet[InstitutionMember]:
    """Stays on `on` in an LKS (of the service kinds, `LksType` values; None: any) that was
    active on `on`."""
    rows = InstitutionMember.objects.filter(living_q(on), partner__kind__code=LKS)
    if kinds is not None:
        rows = rows.filter(partner__lks_type__in=kinds)
    rows = rows.annotate(partner_active=active_on(on, "partner_id")).filter(partner_active=True)
    return _scoped(rows, user, "partner__area__code")


def members_on(*, kinds: list[str] | None, on: dt.date, user: Any = None) -> QuerySet[Person]:
    """Registered persons living on `on` in an active LKS of the service kinds (`LksType`
    values, e.g. ["anak"] for LKSA; None for every LKS), alive on that day. The programmes
    app computes per-institution aid (rice, meals) from these; `user` scopes by the LKS's
    area."""
    stays = _members(kinds=kinds, on=on, user=user).filter(person__isnull=False)
    return Person.objects.filter(pk__in=stays.values("person_id")).filter(alive_q(on))


def member_counts(
    *, on: dt.date, kinds: list[str] | None = None, user: Any = None
) -> QuerySet[Partner]:
    """The LKS active on `on` (of the service kinds; None: all) with `member_count`
    (everyone living there that day, registered or not; registered persons alive) and
    `registered_count`."""
    living = InstitutionMember.objects.filter(
        living_q(on), Q(person__isnull=True) | alive_q(on, "person__"), partner_id=OuterRef("pk")
    )

    def count(rows: QuerySet[InstitutionMember]) -> Any:
        return Coalesce(
            Subquery(
                rows.order_by().values("partner_id").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    queryset = Partner.objects.filter(kind__code=LKS).select_related("kind", "area")
    if kinds is not None:
        queryset = queryset.filter(lks_type__in=kinds)
    queryset = (
        queryset.annotate(active_then=active_on(on))
        .filter(active_then=True)
        .annotate(
            member_count=count(living),
            registered_count=count(living.filter(person__isnull=False)),
        )
        .order_by("name")
    )
    return _scoped(queryset, user, "area__code")


def members_of(partner: Partner) -> QuerySet[InstitutionMember]:
    return partner.members.select_related("person").order_by(
        F("until").asc(nulls_first=True), "-since", "id"
    )


def trainings_for(user: Any) -> QuerySet[Training]:
    """Trainings held in the user's areas or with a participant from them."""
    queryset = (
        Training.objects.select_related("target_kind", "area")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-starts_on", "-id")
    )
    if user is None:
        return queryset
    if not can(user, Cap.VIEW):
        return queryset.none()
    theirs = TrainingParticipant.objects.filter(
        scope_q(user, "partner__area__code"), training_id=OuterRef("pk")
    )
    return queryset.filter(scope_q(user, "area__code") | Q(Exists(theirs)))


def participants_for(training: Training, user: Any) -> QuerySet[TrainingParticipant]:
    rows = training.participants.select_related("partner__kind", "partner__area")
    return _scoped(rows, user, "partner__area__code").order_by("partner__name")


def grants_for(user: Any) -> QuerySet[UepGrant]:
    queryset = UepGrant.objects.select_related("partner__kind", "partner__area__parent")
    return _scoped(queryset, user, "partner__area__code")
