"""Reads of the services app used by other apps' pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sejahtera.registry.models import Household, Membership
from sejahtera.services.models import Case, Complaint, Letter, ServiceRequest


@dataclass
class HouseholdServices:
    requests: QuerySet[ServiceRequest]
    letters: QuerySet[Letter]
    cases: QuerySet[Case]
    complaints: QuerySet[Complaint]

    def __bool__(self) -> bool:
        return any(q.exists() for q in (self.requests, self.letters, self.cases, self.complaints))


def household_services(household: Household) -> HouseholdServices:
    """Requests, letters and cases of the people who are or were members of a household, and
    complaints that name one of them. The household page is already scoped and audited."""
    members = Membership.objects.filter(household=household).values("person_id")
    return HouseholdServices(
        requests=ServiceRequest.objects.filter(person_id__in=members)
        .select_related("service", "person")
        .order_by("-received_on")[:20],
        letters=Letter.objects.filter(person_id__in=members)
        .select_related("letter_type", "person")
        .order_by("-issued_at")[:20],
        cases=Case.objects.filter(person_id__in=members)
        .select_related("service", "person")
        .order_by("-opened_on")[:20],
        complaints=Complaint.objects.filter(Q(person_id__in=members))
        .select_related("category")
        .order_by("-received_on")[:20],
    )
