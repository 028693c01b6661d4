"""Requests: the public application form and tracking page, and the clerks' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.exports import Export, start_export
from sejahtera.common.formatting import mask_nik
from sejahtera.common.ratelimit import hit, limited
from sejahtera.planning.forms import MultipleFileField
from sejahtera.programs.public_views import _desa_choices
from sejahtera.registry.models import Person
from sejahtera.registry.selectors import persons_for
from sejahtera.services import letters
from sejahtera.services import requests as service_requests
from sejahtera.services.filtersets import RequestFilterSet
from sejahtera.services.models import (
    Channel,
    Complaint,
    Letter,
    RequestStatus,
    Service,
    ServiceRequest,
)

APPLY_LIMIT = getattr(settings, "PUBLIC_APPLY_LIMIT", 5)
APPLY_WINDOW_SECONDS = 3600
RATINGS = [
    (1, gettext_lazy("sangat tidak puas")),
    (2, gettext_lazy("tidak puas")),
    (3, gettext_lazy("cukup")),
    (4, gettext_lazy("puas")),
    (5, gettext_lazy("sangat puas")),
]


class RequestForm(forms.Form):
    desa = forms.ChoiceField(label=gettext_lazy("Kecamatan · desa/kelurahan"), choices=())
    applicant_name = forms.CharField(label=gettext_lazy("Nama pemohon"), max_length=150)
    applicant_nik = forms.CharField(
        label=gettext_lazy("NIK (boleh kosong)"), required=False, max_length=16
    )
    phone = forms.CharField(label=gettext_lazy("Nomor telepon/WA"), required=False, max_length=20)
    description = forms.CharField(
        label=gettext_lazy("Keperluan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = MultipleFileField(
        label=gettext_lazy("Dokumen (PDF/JPG/PNG, paling besar 5 MB, paling banyak 5)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _desa_choices()
        field.widget.attrs["data-filterable"] = "1"


def _submit(
    request: HttpRequest, service: Service, form: RequestForm, channel: str
) -> ServiceRequest | None:
    data = form.cleaned_data
    try:
        return service_requests.submit_request(
            actor=request.user,
            service=service,
            channel=channel,
            applicant_name=data["applicant_name"],
            desa_code=data["desa"],
            description=data["description"],
            applicant_nik=data["applicant_nik"],
            phone=data["phone"],
            files=data.get("documents") or [],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Public: apply online for a service; the answer is a tracking code."""
    service = get_object_or_404(Service, code=code)
    posted = request.method == "POST"
    form = RequestForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if request.method == "POST":
        if hit(request, "apply", limit=APPLY_LIMIT, window_seconds=APPLY_WINDOW_SECONDS):
            form.add_error(
                None,
                _(
                    "Terlalu banyak permohonan dari perangkat ini. Coba lagi nanti atau datang ke loket."
                ),
            )
            status = 429
        elif form.is_valid():
            created = _submit(request, service, form, Channel.ONLINE)
            if created is not None:
                return redirect(
                    f"{redirect('services:track').url}?kode={created.tracking_code}&baru=1"
                )
    return render(request, "services/apply.html", {"service": service, "form": form}, status=status)


@limited("track", limit=60, window_seconds=600)
def track(request: HttpRequest) -> HttpResponse:
    """Public: the state of a request by its code, without personal data."""
    code = request.GET.get("kode", "").strip().upper()
    found: ServiceRequest | Complaint | None = None
    steps: Any = []
    if code.startswith("ADU-"):
        found = Complaint.objects.select_related("category").filter(tracking_code=code).first()
        # Internal steps that do not change the state (an assignment note, a registry
        # proposal) are not the citizen's business: one line per state.
        steps = []
        for step in found.steps.all() if found else []:
            if not steps or steps[-1].status != step.status:
                steps.append(step)
    elif code:
        found = ServiceRequest.objects.select_related("service").filter(tracking_code=code).first()
        steps = found.steps.all() if found else []
    response = render(
        request,
        "services/track.html",
        {
            "code": code,
            "found": found,
            "complaint": isinstance(found, Complaint),
            "ratings": RATINGS,
            "steps": steps,
            "new": request.GET.get("baru") == "1",
        },
        status=404 if code and found is None else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    base = service_requests.requests_for(request.user).order_by("-received_on", "-id")
    filterset = RequestFilterSet(request.GET or None, queryset=base)
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset)
    posted = request.method == "POST"
    form = RequestForm(request.POST if posted else None, request.FILES if posted else None)
    services = Service.objects.all()
    if posted:
        require(request.user, Cap.WRITE)
        chosen = request.POST.get("service", "")
        service = services.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        valid = form.is_valid()
        if service is None:
            form.add_error(None, _("Pilih layanan."))
        elif valid:
            created = _submit(request, service, form, Channel.COUNTER)
            if created is not None:
                messages.success(
                    request, _("Permohonan %(code)s dicatat.") % {"code": created.tracking_code}
                )
                return redirect("services:request", pk=created.pk)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/requests.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "late": set(
                service_requests.overdue(base.filter(pk__in=[r.pk for r in page])).values_list(
                    "pk", flat=True
                )
            ),
            "form": form,
            "services": services,
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export(request: HttpRequest, filterset: RequestFilterSet) -> HttpResponse:
    export = start_export(request, what=_("Daftar permohonan layanan"))
    if not isinstance(export, Export):
        return export
    rows = filterset.qs.select_related("service", "desa__parent")
    headers = [
        _("Kode"),
        _("Layanan"),
        _("Saluran"),
        _("Pemohon"),
        _("NIK"),
        _("Kecamatan"),
        _("Desa"),
        _("Diterima"),
        _("Batas"),
        _("Status"),
        _("Selesai"),
        _("Alasan/keterangan"),
    ]
    data = (
        [
            r.tracking_code,
            r.service.name,
            r.get_channel_display(),
            r.applicant_name,
            mask_nik(r.applicant_nik),
            r.desa.parent.name if r.desa.parent else "",
            r.desa.name,
            r.received_on,
            r.due_on,
            r.get_status_display(),
            r.closed_on,
            r.reason,
        ]
        for r in rows
    )
    return export.xlsx(
        headers,
        data,
        title=_("Permohonan"),
        name="permohonan",
        object_type="services.servicerequest",
        object_repr=_("Daftar permohonan layanan"),
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = service_requests.requests_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("Permohonan tidak ditemukan."))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "letter":
                letter = _issue_for(request, item)
                messages.success(request, _("Surat %(n)s diterbitkan.") % {"n": letter.number})
                return redirect("services:letter", pk=letter.pk)
            service_requests.move_request(
                actor=request.user,
                request=item,
                to=request.POST.get("to", ""),
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            )
        return redirect("services:request", pk=item.pk)
    return render(
        request,
        "services/request.html",
        {
            "r": item,
            "next": [
                (s, RequestStatus(s).label) for s in service_requests.TRANSITIONS[item.status]
            ],
            "late": item.pk
            in set(
                service_requests.overdue(ServiceRequest.objects.filter(pk=item.pk)).values_list(
                    "pk", flat=True
                )
            ),
            "can_write": can(request.user, Cap.WRITE),
            "letter_types": item.service.letter_types.all(),
            "letters": item.letters.all(),
            "applicant": _applicant(request, item),
        },
    )


def _applicant(request: HttpRequest, item: ServiceRequest) -> Person | None:
    """The registered person the request is for: linked at submission, or found by NIK."""
    if item.person_id is not None:
        return item.person
    if item.applicant_nik:
        return persons_for(request.user).filter(nik=item.applicant_nik).first()
    return None


def _issue_for(request: HttpRequest, item: ServiceRequest) -> Letter:
    chosen = request.POST.get("letter_type", "")
    letter_type = (
        item.service.letter_types.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    )
    if letter_type is None:
        raise ValidationError(_("Pilih jenis surat."))
    person = _applicant(request, item)
    if person is None:
        raise ValidationError(
            _("Pemohon belum terdaftar di registri (NIK tidak ditemukan di wilayah Anda).")
        )
    return letters.issue_letter(
        actor=request.user,
        letter_type=letter_type,
        person=person,
        purpose=request.POST.get("purpose", "") or item.description,
        request=item,
    )
