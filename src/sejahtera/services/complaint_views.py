"""Complaints: the public form (anonymous allowed), the staff list (with what came by
counter, phone, letter or social media recorded there), the handling page, the .xlsx
export, and the citizen's rating from the tracking page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.models import Unit, User
from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.accounts.views import add_service_errors
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import Export, start_export
from sejahtera.common.ratelimit import hit, limited
from sejahtera.programs.models import Programme
from sejahtera.programs.public_views import _desa_choices
from sejahtera.services import complaints as service_complaints
from sejahtera.services.filtersets import ComplaintFilterSet
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    Service,
)

PUBLIC_LIMIT = 5
WINDOW_SECONDS = 3600


class ComplaintForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Kategori pengaduan"),
        queryset=ComplaintCategory.objects.all(),
        empty_label="—",
    )
    desa = forms.ChoiceField(label=gettext_lazy("Kecamatan · desa/kelurahan kejadian"), choices=())
    description = forms.CharField(
        label=gettext_lazy("Isi pengaduan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Apa yang terjadi, kapan, siapa yang terlibat."),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Program bantuan terkait (jika ada)"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label="—",
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Layanan terkait (jika ada)"),
        queryset=Service.objects.all(),
        required=False,
        empty_label="—",
    )
    subject_nik = forms.CharField(
        label=gettext_lazy("NIK warga yang diadukan atau yang terlewat (jika tahu)"),
        required=False,
        max_length=16,
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Kirim tanpa nama (jawaban tetap dapat dilihat dengan kode lacak)"),
        required=False,
    )
    complainant_name = forms.CharField(
        label=gettext_lazy("Nama pengadu"), required=False, max_length=150
    )
    contact = forms.CharField(
        label=gettext_lazy("Telepon/WA atau surel (boleh kosong)"), required=False, max_length=100
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _desa_choices()
        field.widget.attrs["data-filterable"] = "1"
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=gettext_lazy("Saluran"),
                choices=[(v, label) for v, label in ComplaintChannel.choices if v != "web"],
            )
            self.order_fields(["channel"])


def _submit(request: HttpRequest, form: ComplaintForm, channel: str) -> Complaint | None:
    data = form.cleaned_data
    try:
        return service_complaints.submit_complaint(
            actor=request.user,
            channel=channel,
            category=data["category"],
            desa_code=data["desa"],
            description=data["description"],
            anonymous=data["anonymous"],
            complainant_name=data["complainant_name"],
            contact=data["contact"],
            programme=data["programme"],
            service=data["service"],
            subject_nik=data["subject_nik"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


def _limited(request: HttpRequest, what: str) -> bool:
    return hit(request, what, limit=PUBLIC_LIMIT, window_seconds=WINDOW_SECONDS)


def complaint_new(request: HttpRequest) -> HttpResponse:
    """Public: send a complaint; the answer is a tracking code."""
    form = ComplaintForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _limited(request, "complaint"):
            form.add_error(
                None,
                _(
                    "Terlalu banyak pengaduan dari perangkat ini. Coba lagi nanti atau telepon Dinas."
                ),
            )
            status = 429
        elif form.is_valid():
            created = _submit(request, form, ComplaintChannel.WEB)
            if created is not None:
                return redirect(
                    f"{redirect('services:track').url}?kode={created.tracking_code}&baru=1"
                )
    return render(request, "services/complaint_new.html", {"form": form}, status=status)


@limited("rate", limit=20, window_seconds=600, methods=("POST",))
def rate(request: HttpRequest) -> HttpResponse:
    """Public: the citizen rates the answer from the tracking page."""
    code = request.POST.get("kode", "").strip().upper()
    if request.method == "POST":
        raw = request.POST.get("rating", "")
        try:
            service_complaints.rate_complaint(
                tracking_code=code,
                rating=int(raw) if raw.isdigit() else 0,
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Terima kasih atas penilaian Anda."))
    return redirect(f"{redirect('services:track').url}?kode={code}")


def _rows(request: HttpRequest) -> ComplaintFilterSet:
    return ComplaintFilterSet(
        request.GET or None,
        queryset=service_complaints.complaints_for(request.user).order_by("-received_on", "-id"),
    )


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    filterset = _rows(request)
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset)
    form = ComplaintForm(request.POST or None, staff=True)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            created = _submit(request, form, form.cleaned_data["channel"])
            if created is not None:
                messages.success(
                    request, _("Pengaduan %(code)s dicatat.") % {"code": created.tracking_code}
                )
                return redirect("services:complaint", pk=created.pk)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/complaints.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "form": form,
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
            "today": timezone.localdate(),
        },
    )


def _export(request: HttpRequest, filterset: ComplaintFilterSet) -> HttpResponse:
    # No names, but one row per citizen's complaint with its tracking code: personal data.
    export = start_export(request, what=_("Daftar pengaduan"))
    if not isinstance(export, Export):
        return export
    rows = filterset.qs.select_related("programme", "service", "desa__parent")
    headers = [
        _("Kode"),
        _("Diterima"),
        _("Saluran"),
        _("Kategori"),
        _("Kecamatan"),
        _("Desa"),
        _("Program/layanan"),
        _("Status"),
        _("Batas tanggapan"),
        _("Dijawab"),
        _("Dieskalasi"),
        _("Penilaian"),
    ]
    data = (
        [
            c.tracking_code,
            c.received_on,
            c.get_channel_display(),
            c.category.name,
            c.desa.parent.name if c.desa.parent else "",
            c.desa.name,
            (c.programme.name if c.programme else "") or (c.service.name if c.service else ""),
            c.get_status_display(),
            c.due_on,
            c.answered_on,
            c.escalated_on,
            c.rating,
        ]
        for c in rows
    )
    return export.xlsx(
        headers,
        data,
        title=_("Pengaduan"),
        name="pengaduan",
        object_type="services.complaint",
        object_repr=_("Daftar pengaduan"),
    )


def _officers(complaint: Complaint) -> list[User]:
    """Active users who may handle the complaint: they write, and see its desa."""
    users = User.objects.filter(is_active=True).select_related("unit").order_by("username")
    return [u for u in users if can(u, Cap.WRITE) and in_scope(u, complaint.desa_id)][:100]


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = service_complaints.complaints_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("Pengaduan tidak ditemukan."))
    if request.method == "POST":
        _act(request, item)
        return redirect("services:complaint", pk=item.pk)
    if not item.anonymous:
        audit.record(
            actor=request.user,
            action=Action.VIEW,
            obj=item,
            wilayah_code=item.desa_id,
        )
    can_write = can(request.user, Cap.WRITE)
    return render(
        request,
        "services/complaint.html",
        {
            "c": item,
            "late": item.status in service_complaints.OPEN and item.due_on < timezone.localdate(),
            "can_write": can_write,
            "can_propose": can(request.user, Cap.PROPOSE) and bool(item.category.registry),
            "units": Unit.objects.all(),
            "officers": _officers(item) if can_write else [],
        },
    )


def _act(request: HttpRequest, item: Complaint) -> None:
    action = request.POST.get("action", "")
    try:
        if action == "assign":
            unit_id = request.POST.get("unit", "")
            officer_id = request.POST.get("officer", "")
            service_complaints.assign_complaint(
                actor=request.user,
                complaint=item,
                unit=Unit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None,
                officer=User.objects.filter(pk=int(officer_id)).first()
                if officer_id.isdigit()
                else None,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Pengaduan dialihkan."))
        elif action == "answer":
            service_complaints.answer_complaint(
                actor=request.user, complaint=item, reply=request.POST.get("reply", "")
            )
            messages.success(request, _("Jawaban disimpan dan tampil di halaman lacak."))
        elif action == "close":
            service_complaints.close_complaint(
                actor=request.user, complaint=item, note=request.POST.get("note", "")
            )
            messages.success(request, _("Pengaduan ditutup."))
        elif action == "proposal":
            proposal = service_complaints.complaint_to_proposal(actor=request.user, complaint=item)
            messages.success(
                request,
                _("Usulan registri #%(id)s dibuat untuk diverifikasi.") % {"id": proposal.pk},
            )
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Anda tidak berwenang."))
