"""The services configuration page (administrators): divisions, working-day targets and
documents per service; deadlines and divisions per complaint category; the holiday calendar."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.models import Unit
from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.services import config
from sejahtera.services.models import ComplaintCategory, Holiday, Service


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Tanggal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Keterangan"), max_length=150)
    collective_leave = forms.BooleanField(label=gettext_lazy("Cuti bersama"), required=False)


def _int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(_("Jumlah hari kerja harus berupa angka."))
    return int(raw)


def _unit(raw: str) -> Unit | None:
    return Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_REFERENCE)
    year = timezone.localdate().year
    raw_year = request.GET.get("tahun", "")
    if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100:
        year = int(raw_year)
    holiday_form = HolidayForm(request.POST if request.POST.get("action") == "holiday" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "service":
                service = get_object_or_404(Service, pk=request.POST.get("pk", "0") or 0)
                config.configure_service(
                    actor=request.user,
                    service=service,
                    unit=_unit(request.POST.get("unit", "")),
                    sla_working_days=_int(request.POST.get("sla", "")),
                    documents=request.POST.get("documents", "").splitlines(),
                )
                messages.success(
                    request, _("Pengaturan %(name)s disimpan.") % {"name": service.name}
                )
                return redirect(f"{request.path}?tahun={year}#layanan-{service.pk}")
            if action == "category":
                category = get_object_or_404(ComplaintCategory, pk=request.POST.get("pk", "0") or 0)
                config.configure_category(
                    actor=request.user,
                    category=category,
                    unit=_unit(request.POST.get("unit", "")),
                    response_working_days=_int(request.POST.get("days", "")),
                )
                messages.success(
                    request, _("Kategori %(name)s disimpan.") % {"name": category.name}
                )
                return redirect(f"{request.path}?tahun={year}#pengaduan")
            if action == "holiday_delete":
                holiday = get_object_or_404(Holiday, pk=request.POST.get("pk", "0") or 0)
                config.remove_holiday(actor=request.user, holiday=holiday)
                messages.success(request, _("Hari libur dihapus."))
                return redirect(f"{request.path}?tahun={year}#libur")
            if action == "holiday" and holiday_form.is_valid():
                try:
                    config.add_holiday(actor=request.user, **holiday_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(holiday_form, exc)
                else:
                    messages.success(request, _("Hari libur ditambahkan."))
                    day: dt.date = holiday_form.cleaned_data["date"]
                    return redirect(f"{request.path}?tahun={day.year}#libur")
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
    return render(
        request,
        "services/settings.html",
        {
            "services": Service.objects.select_related("unit"),
            "categories": ComplaintCategory.objects.select_related("unit"),
            "units": Unit.objects.all(),
            "holidays": Holiday.objects.filter(date__year=year),
            "holiday_form": holiday_form,
            "year": year,
        },
    )
