"""Cases: the list of the user's cases with the form opening one (prefilled from a request),
and a case's page with its timeline and the form of its next step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.models import User
from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import ROLE_CAPS, Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.accounts.views import add_service_errors
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import Export, start_export
from sejahtera.common.formatting import mask_nik
from sejahtera.programs.public_views import _desa_choices
from sejahtera.registry.models import PpksCategory
from sejahtera.registry.selectors import persons_for
from sejahtera.services import cases
from sejahtera.services.filtersets import CaseFilterSet
from sejahtera.services.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    EntryKind,
    Output,
    ServiceRequest,
)
from sejahtera.services.requests import requests_for

PAGE_SIZE = 50


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    service = forms.ModelChoiceField(
        label=gettext_lazy("Layanan"), queryset=cases.case_services(), empty_label="—"
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Kategori PPKS"),
        queryset=PpksCategory.objects.order_by("number"),
        empty_label="—",
    )
    desa = forms.ChoiceField(
        label=gettext_lazy("Kecamatan · desa/kelurahan (tempat ditemukan/domisili)"), choices=()
    )
    subject_name = forms.CharField(
        label=gettext_lazy("Nama/sebutan klien"),
        max_length=150,
        help_text=gettext_lazy(
            "Untuk orang tanpa identitas tulis misalnya “Mr. X, laki-laki ±40 tahun”."
        ),
    )
    nik = forms.CharField(
        label=gettext_lazy("NIK klien (kosongkan bila tidak diketahui)"),
        required=False,
        validators=[RegexValidator(r"^\d{16}$", gettext_lazy("NIK terdiri dari 16 angka."))],
    )
    request_person = forms.BooleanField(required=False)
    opened_on = forms.DateField(label=gettext_lazy("Tanggal diterima"), widget=_date_widget())
    intake = forms.CharField(
        label=gettext_lazy("Kondisi saat diterima"), widget=forms.Textarea(attrs={"rows": 3})
    )
    worker = forms.ModelChoiceField(
        label=gettext_lazy("Petugas"), queryset=User.objects.none(), required=False
    )
    request = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: Any, origin: ServiceRequest | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The registered person of the request is offered without writing their NIK into the
        # page (the NIK is shown in full only on the person's record, where views are logged).
        if origin is None or origin.person is None:
            del self.fields["request_person"]
        else:
            self.fields["request_person"].label = _(
                "Klien adalah penduduk terdaftar pada permohonan: %(name)s (%(nik)s)"
            ) % {"name": origin.person.name, "nik": mask_nik(origin.person.nik)}
        desa = self.fields["desa"]
        assert isinstance(desa, forms.ChoiceField)
        desa.choices = [(c, n) for c, n in _desa_choices() if not c or in_scope(user, c)]
        desa.widget.attrs["data-filterable"] = "1"
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        writers = [role for role, caps in ROLE_CAPS.items() if Cap.WRITE in caps]
        worker.queryset = User.objects.filter(is_active=True, role__in=writers).order_by(
            "full_name", "username"
        )


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis"), choices=EntryKind.choices)
    on = forms.DateField(label=gettext_lazy("Tanggal"), widget=_date_widget())
    description = forms.CharField(
        label=gettext_lazy("Uraian"), widget=forms.Textarea(attrs={"rows": 3})
    )
    referred_to = forms.CharField(
        label=gettext_lazy("Dirujuk ke (wajib untuk rujukan)"), required=False, max_length=200
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Hasil akhir"), choices=[("", "—"), *CaseOutcome.choices]
    )
    closed_on = forms.DateField(label=gettext_lazy("Tanggal ditutup"), widget=_date_widget())
    note = forms.CharField(label=gettext_lazy("Keterangan"), required=False, max_length=300)


def _origin(user: Any, value: str | int | None) -> ServiceRequest | None:
    """The request a new case starts from, if the user may see it."""
    text = str(value or "")
    if not text.isdigit():
        return None
    return requests_for(user).select_related("person").filter(pk=int(text)).first()


def _case_from_form(
    request: HttpRequest, form: CaseForm, origin: ServiceRequest | None
) -> Case | None:
    data = form.cleaned_data
    if data["request"] and origin is None:
        form.add_error(None, _("Permohonan asal tidak ditemukan."))
        return None
    person = None
    if data["nik"]:
        person = persons_for(request.user).filter(nik=data["nik"]).first()
        if person is None:
            form.add_error("nik", _("NIK ini tidak terdaftar di wilayah Anda."))
            return None
    elif data.get("request_person") and origin is not None:
        person = origin.person
    try:
        return cases.open_case(
            actor=request.user,
            service=data["service"],
            category=data["category"],
            desa_code=data["desa"],
            subject_name=data["subject_name"],
            intake=data["intake"],
            opened_on=data["opened_on"],
            person=person,
            request=origin,
            worker=data["worker"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


def _initial(request: HttpRequest, origin: ServiceRequest | None) -> dict[str, Any]:
    """The new case form's first values: today, the user as worker, and what the request
    (`?permohonan=<id>`) already says."""
    initial: dict[str, Any] = {"opened_on": timezone.localdate(), "worker": request.user.pk}
    if origin is not None:
        initial.update(
            request=origin.pk,
            service=origin.service_id if origin.service.output == Output.CASE else None,
            desa=origin.desa_id,
            subject_name=origin.person.name if origin.person else origin.applicant_name,
            request_person=origin.person is not None,
            intake=origin.description,
        )
    return initial


def _days_open(case: Case, today: dt.date) -> int:
    return ((case.closed_on or today) - case.opened_on).days


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    filterset = CaseFilterSet(
        request.GET or None,
        queryset=cases.cases_for(request.user).select_related("service", "category", "desa"),
    )
    rows = filterset.qs
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset)
    can_write = can(request.user, Cap.WRITE)
    form = None
    if can_write:
        origin = _origin(
            request.user,
            request.POST.get("request")
            if request.method == "POST"
            else request.GET.get("permohonan"),
        )
        form = CaseForm(
            request.POST or None,
            user=request.user,
            origin=origin,
            initial=_initial(request, origin) if request.method != "POST" else None,
        )
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        assert form is not None
        if form.is_valid():
            created = _case_from_form(request, form, origin)
            if created is not None:
                messages.success(request, _("Kasus %(n)s dibuka.") % {"n": created.number})
                return redirect("services:case", pk=created.pk)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("hal"))
    today = timezone.localdate()
    return render(
        request,
        "services/cases.html",
        {
            "page": page,
            "rows": [(c, _days_open(c, today)) for c in page],
            "form": form,
            "prefilled": bool(form is not None and form.initial.get("request")),
            "show_form": form is not None
            and (form.is_bound or bool(form.initial.get("request")) or "baru" in request.GET),
            "filterset": filterset,
            "can_write": can_write,
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


# The form of each stage's next step: (name, form class and its arguments).
STEPS = {
    CaseStatus.INTAKE: ("assessment",),
    CaseStatus.ASSESSED: ("plan",),
    CaseStatus.PLANNED: ("entry", "close"),
    CaseStatus.ACTING: ("entry", "close"),
    CaseStatus.CLOSED: (),
}


def _forms(case: Case, data: Any = None, step: str = "") -> dict[str, forms.Form]:
    """The forms of the case's next steps; the one named `step` bound to `data`."""
    today = timezone.localdate()
    built: dict[str, forms.Form] = {}
    for name in STEPS[CaseStatus(case.status)]:
        bound = data if name == step else None
        if name == "assessment":
            built[name] = TextForm(bound, label=_("Hasil asesmen"), prefix=name)
        elif name == "plan":
            built[name] = TextForm(bound, label=_("Rencana intervensi"), prefix=name)
        elif name == "entry":
            built[name] = EntryForm(bound, prefix=name, initial={"on": today})
        else:
            built[name] = CloseForm(bound, prefix=name, initial={"closed_on": today})
    return built


def _apply(request: HttpRequest, case: Case, step: str, form: forms.Form) -> bool:
    """Call the service of `step`; its refusals become the form's errors."""
    data = form.cleaned_data
    try:
        if step == "assessment":
            cases.record_assessment(actor=request.user, case=case, text=data["text"])
            messages.success(request, _("Asesmen dicatat."))
        elif step == "plan":
            cases.record_plan(actor=request.user, case=case, text=data["text"])
            messages.success(request, _("Rencana intervensi dicatat."))
        elif step == "entry":
            entry = cases.add_entry(
                actor=request.user,
                case=case,
                kind=data["kind"],
                on=data["on"],
                description=data["description"],
                referred_to=data["referred_to"],
            )
            messages.success(request, _("%(kind)s dicatat.") % {"kind": entry.get_kind_display()})
        else:
            cases.close_case(
                actor=request.user,
                case=case,
                outcome=data["outcome"],
                note=data["note"],
                closed_on=data["closed_on"],
            )
            messages.success(request, _("Kasus ditutup."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    return True


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    case = (
        cases.cases_for(request.user)
        .select_related("person", "request", "created_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404(_("Kasus tidak ditemukan."))
    can_write = can(request.user, Cap.WRITE)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    step_forms = _forms(case, request.POST, step) if can_write else {}
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        form = step_forms.get(step)
        if form is None:
            messages.error(
                request,
                _("Langkah ini tidak tersedia pada tahap “%(stage)s”.")
                % {"stage": case.get_status_display()},
            )
            return redirect("services:case", pk=case.pk)
        if form.is_valid() and _apply(request, case, step, form):
            return redirect("services:case", pk=case.pk)
    if case.person is not None:
        # The page shows a registered person's case: logged as a view of the person's record
        # (UU 27/2022: specific personal data).
        audit.record(
            actor=request.user,
            action=Action.VIEW,
            obj=case.person,
            wilayah_code=case.person.desa_id or case.desa_id,
            extra={"case": case.number},
        )
    return render(
        request,
        "services/case.html",
        {
            "c": case,
            "entries": case.entries.select_related("by"),
            "forms": step_forms,
            "days_open": _days_open(case, timezone.localdate()),
            "can_write": can_write,
            "origin": case.request
            if case.request_id and requests_for(request.user).filter(pk=case.request_id).exists()
            else None,
        },
    )


def _export(request: HttpRequest, filterset: CaseFilterSet) -> HttpResponse:
    export = start_export(request, what=_("Daftar kasus"))
    if not isinstance(export, Export):
        return export
    rows = filterset.qs.select_related("desa__parent", "worker")
    today = timezone.localdate()
    headers = [
        _("Nomor"),
        _("Diterima"),
        _("Layanan"),
        _("Kategori PPKS"),
        _("Klien"),
        _("Kecamatan"),
        _("Desa"),
        _("Tahap"),
        _("Hasil akhir"),
        _("Ditutup"),
        _("Lama (hari)"),
        _("Petugas"),
    ]
    data = (
        [
            c.number,
            c.opened_on,
            c.service.name,
            c.category.name,
            c.subject_name,
            c.desa.parent.name if c.desa.parent else "",
            c.desa.name,
            c.get_status_display(),
            c.get_outcome_display() if c.outcome else "",
            c.closed_on,
            _days_open(c, today),
            (c.worker.get_full_name() or c.worker.username) if c.worker else "",
        ]
        for c in rows
    )
    return export.xlsx(
        headers,
        data,
        title=_("Kasus"),
        name="kasus",
        object_type="services.case",
        object_repr=_("Daftar kasus"),
    )
