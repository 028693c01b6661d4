from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.audit.selectors import events_about
from sejahtera.common.views import ScopedListView
from sejahtera.registry import selectors
from sejahtera.registry.filtersets import HouseholdFilterSet, PersonFilterSet
from sejahtera.registry.forms import AssessmentForm
from sejahtera.registry.models import Household, Person, ProposalKind
from sejahtera.registry.proposal_views import submit_from_form
from sejahtera.registry.tables import HouseholdTable, PersonTable


class PersonListView(ScopedListView):
    selector = selectors.persons_for
    filterset_class = PersonFilterSet
    table_class = PersonTable
    export_name = "penduduk"
    title = gettext_lazy("Penduduk")
    template_name = "registry/list.html"


class HouseholdListView(ScopedListView):
    selector = selectors.households_for
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    export_name = "keluarga"
    title = gettext_lazy("Keluarga")
    template_name = "registry/list.html"


def _person(request: HttpRequest, pk: int) -> Person:
    require(request.user, Cap.VIEW)
    person = selectors.persons_for(request.user, include_merged=True).filter(pk=pk).first()
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan."))
    return person


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    # Every view of a person's record is logged (UU 27/2022: specific personal data).
    audit.record(actor=request.user, action=Action.VIEW, obj=person, wilayah_code=person.desa_id)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "household": selectors.household_of(person),
            "current": selectors.current_assessments(person=person),
            "history": selectors.assessment_history(person=person),
            "categories": selectors.ppks_categories().filter(subject__in=["person", "either"]),
            "can_propose": can(request.user, Cap.PROPOSE),
            "trail": events_about("registry.person", str(person.pk))[:50]
            if can(request.user, Cap.VIEW_AUDIT)
            else None,
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    household = selectors.households_for(request.user).filter(pk=pk).first()
    if household is None:
        raise Http404(_("Keluarga tidak ditemukan."))
    audit.record(
        actor=request.user, action=Action.VIEW, obj=household, wilayah_code=household.desa_id
    )
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": selectors.current_members(household),
            "former": selectors.member_history(household),
            "current": selectors.current_assessments(household=household),
            "history": selectors.assessment_history(household=household),
            "participations": selectors.participations_of(household=household),
            "services": _services_of(household),
            "can_propose": can(request.user, Cap.PROPOSE),
            "categories": selectors.ppks_categories().filter(subject__in=["household", "either"]),
            "trail": events_about("registry.household", str(household.pk))[:50]
            if can(request.user, Cap.VIEW_AUDIT)
            else None,
        },
    )


def _services_of(household: Household) -> Any:
    # The services app builds on the registry; it is imported here, not at the top, so the
    # registry does not depend on it to load.
    from sejahtera.services.selectors import household_services

    return household_services(household)


def _assess(
    request: HttpRequest, *, person: Person | None = None, household: Household | None = None
) -> HttpResponse:
    """Propose a PPKS assessment of a person or a household; it takes effect when the
    proposal is approved."""
    subjects = ["person", "either"] if person is not None else ["household", "either"]
    category = (
        selectors.ppks_categories()
        .filter(code=request.GET.get("kategori", ""), subject__in=subjects)
        .first()
    )
    if category is None:
        raise Http404(_("Pilih kategori PPKS yang berlaku untuk sasaran ini."))
    form = AssessmentForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        subject = person or household
        assert subject is not None
        done = submit_from_form(
            request,
            form,
            kind=ProposalKind.PPKS,
            desa=subject.desa,
            person=person,
            household=household,
            payload={
                "category": category.code,
                "criteria": [criterion.order for criterion in c["criteria"]],
                "assessed_on": c["assessed_on"].isoformat(),
                "valid_until": c["valid_until"].isoformat() if c["valid_until"] else None,
                "notes": c["notes"],
            },
            reason=c["notes"],
        )
        if done is not None:
            return done
    return render(
        request,
        "registry/assess.html",
        {"person": person, "household": household, "category": category, "form": form},
    )


@login_required
def person_assess(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.PROPOSE)
    return _assess(request, person=_person(request, pk))


@login_required
def household_assess(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.PROPOSE)
    household = selectors.households_for(request.user).filter(pk=pk).first()
    if household is None:
        raise Http404(_("Keluarga tidak ditemukan."))
    return _assess(request, household=household)


@login_required
def ppks_categories(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    return render(
        request, "registry/ppks_categories.html", {"categories": selectors.ppks_categories()}
    )
