"""Pages of the proposal flow: list, detail with the next step's form, new proposals,
and the village deliberation (musdes) that endorses verified proposals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.exports import CSV_CONTENT_TYPE, Export, start_export
from sejahtera.common.views import ScopedListView
from sejahtera.linkage.check import proposal_warnings
from sejahtera.registry import selectors, services
from sejahtera.registry.choices import Relation
from sejahtera.registry.exports import siksng_rows, to_csv
from sejahtera.registry.filtersets import ProposalFilterSet
from sejahtera.registry.forms import (
    HOUSEHOLD_CHANGE_FIELDS,
    PERSON_CHANGE_FIELDS,
    CompositionForm,
    DecideForm,
    HouseholdForm,
    MemberFormSet,
    MusdesForm,
    NewKkForm,
    PersonForm,
    ReasonForm,
    RemovalForm,
    VerifyForm,
    change_form_class,
)
from sejahtera.registry.models import Household, Person, Proposal, ProposalKind, ProposalStatus
from sejahtera.registry.tables import ProposalTable
from sejahtera.wilayah.models import Level
from sejahtera.wilayah.selectors import wilayah_for


class ProposalListView(ScopedListView):
    selector = selectors.proposals_for
    filterset_class = ProposalFilterSet
    table_class = ProposalTable
    export_name = "usulan"
    title = gettext_lazy("Usulan")
    template_name = "registry/proposal_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "siksng":
            return self.export_siksng(request)
        return super().get(request, *args, **kwargs)

    def export_siksng(self, request: HttpRequest) -> HttpResponse:
        """The approved proposals of the filtered list, in the national upload layout. The
        layout is read by a machine: no note row and no comment line; the watermark is in
        the file name, the audit event and (.xlsx) the page footer and document properties."""
        csv_format = request.GET.get("format") == "csv"
        export = start_export(request, what=_("Usulan dalam format SIKS-NG"))
        if not isinstance(export, Export):
            return export
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        headers, rows = siksng_rows(queryset)
        if csv_format:
            return export.file(
                lambda _mark: to_csv(headers, rows),
                rows=len(rows),
                name="usulan-siksng",
                ext="csv",
                content_type=CSV_CONTENT_TYPE,
                object_type="registry.proposal",
                object_repr="SIKS-NG",
            )
        return export.xlsx(
            headers,
            rows,
            title="SIKS-NG",
            name="usulan-siksng",
            object_type="registry.proposal",
            object_repr="SIKS-NG",
            note_row=False,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_propose"] = can(self.request.user, Cap.PROPOSE)
        return context


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    require(request.user, Cap.VIEW)
    proposal = selectors.proposals_for(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("Usulan tidak ditemukan."))
    return proposal


def _household(request: HttpRequest, pk: int) -> Household:
    household = selectors.households_for(request.user).filter(pk=pk).first()
    if household is None:
        raise Http404(_("Keluarga tidak ditemukan."))
    return household


def _show_errors(request: HttpRequest, form: BaseForm, exc: ValidationError) -> None:
    if getattr(exc, "code", None) == "duplicate_nik" and exc.params:
        url = reverse("registry:person_detail", args=[exc.params["person_id"]])
        form.add_error(
            None,
            format_html('{} <a href="{}">{}</a>', exc.messages[0], url, _("Buka data orang itu.")),
        )
    else:
        add_service_errors(form, exc)


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def submit_from_form(request: HttpRequest, form: BaseForm, **kwargs: Any) -> HttpResponse | None:
    """Submit a proposal for a page: on success a redirect to it (warnings shown as
    messages), on refusal the service's reasons on the form and None."""
    try:
        proposal, warnings = services.submit_proposal(actor=request.user, **kwargs)
    except ValidationError as exc:
        _show_errors(request, form, exc)
        return None
    # Members who look like persons already registered (linkage's entry-time check).
    _warn(request, warnings + proposal_warnings(request.user, proposal))
    messages.success(request, _("Usulan #%(id)d diajukan.") % {"id": proposal.pk})
    return redirect("registry:proposal_detail", pk=proposal.pk)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    user = request.user
    verify_form = (
        VerifyForm(request.POST or None, request.FILES or None, prefix="v")
        if "verify" in request.POST
        else VerifyForm(prefix="v")
    )
    decide_form = (
        DecideForm(request.POST or None, prefix="d")
        if "decide" in request.POST
        else DecideForm(prefix="d")
    )
    if request.method == "POST":
        try:
            if "verify" in request.POST and verify_form.is_valid():
                photo = verify_form.cleaned_data.get("photos")
                services.verify_proposal(
                    actor=user,
                    proposal=proposal,
                    ok=verify_form.cleaned_data["result"] == "ok",
                    notes=verify_form.cleaned_data["notes"],
                    photos=[photo] if photo else [],
                )
                messages.success(request, _("Hasil verifikasi disimpan."))
                return redirect("registry:proposal_detail", pk=pk)
            if "decide" in request.POST and decide_form.is_valid():
                services.decide_proposal(
                    actor=user,
                    proposal=proposal,
                    approve=decide_form.cleaned_data["decision"] == "approve",
                    reason=decide_form.cleaned_data["reason"],
                )
                messages.success(request, _("Keputusan disimpan."))
                return redirect("registry:proposal_detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(verify_form if "verify" in request.POST else decide_form, exc)
    return render(
        request,
        "registry/proposal_detail.html",
        {
            "proposal": proposal,
            "steps": proposal.steps.select_related("actor"),
            "photos": proposal.photos.all(),
            "verify_form": verify_form
            if proposal.status == ProposalStatus.SUBMITTED and can(user, Cap.VERIFY)
            else None,
            "decide_form": decide_form
            if proposal.status == ProposalStatus.ENDORSED and can(user, Cap.APPROVE)
            else None,
        },
    )


def _desa_choices(request: HttpRequest) -> Any:
    return (
        wilayah_for(request.user).filter(level=Level.DESA).select_related("parent").order_by("code")
    )


def _chosen_desa(request: HttpRequest, desa_list: Any) -> Any:
    """The desa named in the request if the user may work there; a user bound to one desa
    needs not name it. A desa outside the user's areas is never silently replaced."""
    code = request.POST.get("desa") or request.GET.get("desa") or ""
    if code:
        return desa_list.filter(code=code).first()
    return desa_list.first() if desa_list.count() == 1 else None


@login_required
def propose_household(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.PROPOSE)
    desa_list = _desa_choices(request)
    chosen = _chosen_desa(request, desa_list)
    form = HouseholdForm(request.POST or None)
    members = MemberFormSet(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        rows = [f.payload() for f in members if f.has_changed() and f.cleaned_data]
        if chosen is None:
            form.add_error(None, _("Pilih desa/kelurahan."))
        else:
            done = submit_from_form(
                request,
                form,
                kind=ProposalKind.NEW_HOUSEHOLD,
                desa=chosen,
                payload={"household": form.payload(), "members": rows},
                reason=form.cleaned_data["reason"],
            )
            if done is not None:
                return done
    return render(
        request,
        "registry/propose_household.html",
        {"form": form, "members": members, "desa_list": desa_list, "chosen": chosen},
    )


@login_required
def propose_member(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.PROPOSE)
    household = _household(request, pk)
    # A new member of an existing household is rarely its head: start from "Anak".
    form = PersonForm(request.POST or None, initial={"relation": Relation.CHILD})
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and reason.is_valid():
        done = submit_from_form(
            request,
            form,
            kind=ProposalKind.NEW_PERSON,
            desa=household.desa,
            household=household,
            payload={"member": form.payload()},
            reason=reason.cleaned_data["reason"],
        )
        if done is not None:
            return done
    return render(
        request,
        "registry/propose_form.html",
        {
            "title": _("Usulkan anggota baru untuk KK %(kk)s") % {"kk": household.kk_number or "-"},
            "forms": [form, reason],
            "back": reverse("registry:household_detail", args=[household.pk]),
        },
    )


@login_required
def propose_composition(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the head or relations of a KK, or split members off into a new KK."""
    require(request.user, Cap.PROPOSE)
    household = _household(request, pk)
    members = list(
        household.memberships.filter(end_date__isnull=True)
        .select_related("person")
        .order_by("person__birth_date")
    )
    form = CompositionForm(request.POST or None, members=members)
    new_kk = NewKkForm(request.POST or None, prefix="baru")
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and new_kk.is_valid() and reason.is_valid():
        changes = form.changes()
        payload: dict[str, Any] = {"members": changes}
        if any(c["to"] == "new" for c in changes):
            payload["new_household"] = new_kk.payload()
        if any(c["to"] == "join" for c in changes):
            payload["join_kk"] = form.cleaned_data["join_kk"].strip()
        done = submit_from_form(
            request,
            form,
            kind=ProposalKind.COMPOSITION,
            desa=household.desa,
            household=household,
            payload=payload,
            reason=reason.cleaned_data["reason"],
        )
        if done is not None:
            return done
    return render(
        request,
        "registry/propose_form.html",
        {
            "title": _("Usulkan perubahan susunan KK %(kk)s") % {"kk": household.kk_number or "-"},
            "forms": [form, new_kk, reason],
            "back": reverse("registry:household_detail", args=[household.pk]),
        },
    )


@login_required
def propose_removal(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.PROPOSE)
    person = selectors.persons_for(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan."))
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit_from_form(
            request,
            form,
            kind=ProposalKind.REMOVAL,
            desa=person.desa,
            person=person,
            payload={
                "reason": form.cleaned_data["removal"],
                "date": form.cleaned_data["date"].isoformat(),
            },
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            return done
    return render(
        request,
        "registry/propose_form.html",
        {
            "title": _("Usulkan penghapusan %(name)s") % {"name": person.name},
            "forms": [form],
            "back": reverse("registry:person_detail", args=[person.pk]),
        },
    )


@login_required
def propose_change(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Propose a correction of a person's or a household's data."""
    require(request.user, Cap.PROPOSE)
    if kind == "penduduk":
        target: Person | Household | None = (
            selectors.persons_for(request.user).filter(pk=pk).first()
        )
        form_class = change_form_class(Person, PERSON_CHANGE_FIELDS)
    else:
        target = selectors.households_for(request.user).filter(pk=pk).first()
        form_class = change_form_class(Household, HOUSEHOLD_CHANGE_FIELDS)
    if target is None:
        raise Http404(_("Data tidak ditemukan."))
    form = form_class(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            form.add_error(None, _("Tidak ada yang diubah."))
        else:
            done = submit_from_form(
                request,
                form,
                kind=ProposalKind.CHANGE,
                desa=target.desa,
                person=target if isinstance(target, Person) else None,
                household=target if isinstance(target, Household) else None,
                payload={"changes": changes},
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version") or "",
            )
            if done is not None:
                return done
    back = (
        reverse("registry:person_detail", args=[target.pk])
        if isinstance(target, Person)
        else reverse("registry:household_detail", args=[target.pk])
    )
    return render(
        request,
        "registry/propose_form.html",
        {
            "title": _("Usulkan perubahan data: %(name)s") % {"name": target},
            "forms": [form],
            "back": back,
        },
    )


@login_required
def musdes(request: HttpRequest) -> HttpResponse:
    """Record a village deliberation: the verified proposals of one desa it endorsed."""
    require(request.user, Cap.PROPOSE)
    desa_list = _desa_choices(request)
    chosen = _chosen_desa(request, desa_list)
    queryset = selectors.proposals_for(request.user).filter(status=ProposalStatus.VERIFIED)
    queryset = queryset.filter(desa=chosen) if chosen else queryset.none()
    form = MusdesForm(request.POST or None, request.FILES or None, queryset=queryset)
    if request.method == "POST" and chosen is not None and form.is_valid():
        try:
            batch = services.endorse_batch(
                actor=request.user,
                desa=chosen,
                held_on=form.cleaned_data["held_on"],
                minutes=form.cleaned_data["minutes"],
                proposals=list(form.cleaned_data["proposals"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Musyawarah dicatat; %(n)d usulan disahkan.") % {"n": batch.proposals.count()},
            )
            return redirect(
                reverse("registry:proposal_list") + f"?status={ProposalStatus.ENDORSED}"
            )
    return render(
        request,
        "registry/musdes.html",
        {"form": form, "desa_list": desa_list, "chosen": chosen, "waiting": queryset.count()},
    )
