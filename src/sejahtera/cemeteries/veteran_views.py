"""Pages of the veterans' data: the list (filters, NIK masked, .xlsx audited, the form to
register a veteran) and a veteran's page (full NIK, every view audited, the edit form)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.cemeteries import veterans as veteran_services
from sejahtera.cemeteries.filtersets import VeteranFilterSet
from sejahtera.cemeteries.forms import VeteranForm
from sejahtera.cemeteries.models import Veteran
from sejahtera.cemeteries.selectors import veterans_for
from sejahtera.cemeteries.views import PAGE_SIZE, export_xlsx, query_without, run_service
from sejahtera.common.formatting import mask_nik

FIELDS = (
    "name",
    "nik",
    "birth_date",
    "category",
    "decree_number",
    "address",
    "is_deceased",
    "deceased_on",
    "benefits_note",
)


def _arguments(data: dict[str, Any]) -> dict[str, Any]:
    arguments = {name: data[name] for name in FIELDS}
    arguments["desa_code"] = data["desa"]
    return arguments


@login_required
def veteran_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    filterset = VeteranFilterSet(request.GET, queryset=veterans_for(request.user))
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset.qs)
    form = VeteranForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            arguments = _arguments(form.cleaned_data)
            created = run_service(
                form,
                lambda: veteran_services.register_veteran(actor=request.user, **arguments),
            )
            if created is not None:
                messages.success(
                    request, _("Data veteran %(name)s dicatat.") % {"name": created.name}
                )
                return redirect("cemeteries:veteran", pk=created.pk)
    return render(
        request,
        "cemeteries/veterans.html",
        {
            "filterset": filterset,
            "page": Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query_without(request, "page"),
            "form": form,
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export(request: HttpRequest, rows: Any) -> HttpResponse:
    headers = [
        _("Nama"),
        _("NIK (disamarkan)"),
        _("Kategori"),
        _("Nomor SK/NPV"),
        _("Kecamatan"),
        _("Desa/kelurahan"),
        _("Status"),
        _("Tanggal meninggal"),
        _("Tunjangan/bantuan"),
    ]
    data = [
        [
            v.name,
            mask_nik(v.nik) if v.nik else "",
            v.get_category_display(),
            v.decree_number,
            v.desa.parent.name if v.desa.parent else "",
            v.desa.name,
            _("Meninggal") if v.is_deceased else _("Masih hidup"),
            v.deceased_on,
            v.benefits_note,
        ]
        for v in rows
    ]
    return export_xlsx(
        request,
        headers=headers,
        rows=data,
        title=_("Data veteran"),
        object_type="cemeteries.veteran",
        filename="data-veteran",
        personal=True,
    )


@login_required
def veteran_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    veteran: Veteran | None = (
        veterans_for(request.user).select_related("person").filter(pk=pk).first()
    )
    if veteran is None:
        raise Http404(_("Data veteran tidak ditemukan."))
    initial = {name: getattr(veteran, name) for name in FIELDS}
    initial["desa"] = veteran.desa_id
    form = VeteranForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            arguments = _arguments(form.cleaned_data)
            done = run_service(
                form,
                lambda: veteran_services.update_veteran(
                    actor=request.user, veteran=veteran, **arguments
                ),
            )
            if done is not None:
                messages.success(request, _("Data veteran disimpan."))
                return redirect("cemeteries:veteran", pk=veteran.pk)
    # The page shows the full NIK and the person's data: every showing is audited.
    audit.record(actor=request.user, action=Action.VIEW, obj=veteran, wilayah_code=veteran.desa_id)
    return render(
        request,
        "cemeteries/veteran.html",
        {"v": veteran, "form": form, "can_write": can(request.user, Cap.WRITE)},
    )
