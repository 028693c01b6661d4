"""Pages of a programme's cycles: create, run the eligibility (background job), verify by
hand, approve, record distributions, close; the by-name-by-address list (BNBA) and signature
sheet per desa as .xlsx and PDF; recipients per programme and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import area_codes, scope
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.exports import PDF_CONTENT_TYPE, Export, Watermark, start_export
from sejahtera.programs import cycles
from sejahtera.programs.models import Beneficiary, Cycle, Programme
from sejahtera.programs.selectors import recipients_per_kecamatan, recipients_per_programme_and_year
from sejahtera.programs.views import _programme
from sejahtera.wilayah.models import Wilayah


class CycleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama siklus"), max_length=150)
    as_of = forms.DateField(
        label=gettext_lazy("Tanggal acuan kelayakan"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_start = forms.DateField(
        label=gettext_lazy("Awal periode"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("Akhir periode"), widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.CharField(label=gettext_lazy("Kode wilayah"), max_length=13)
    quota = forms.IntegerField(
        label=gettext_lazy("Kuota (kosongkan bila tanpa kuota)"), required=False, min_value=1
    )
    amount = forms.IntegerField(
        label=gettext_lazy("Nilai per penerima (Rp)"), required=False, min_value=0
    )
    package = forms.CharField(label=gettext_lazy("Paket barang"), required=False, max_length=200)
    ranking = forms.ChoiceField(
        label=gettext_lazy("Urutan bila melebihi kuota"),
        choices=[(k, v[0]) for k, v in cycles.RANKINGS.items()],
    )


class DistributionForm(forms.Form):
    given_on = forms.DateField(
        label=gettext_lazy("Tanggal penyaluran"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    given = forms.CharField(label=gettext_lazy("Yang diberikan"), required=False, max_length=200)
    proof = forms.FileField(
        label=gettext_lazy("Bukti (foto tanda tangan/penyerahan, JPG/PNG/PDF)"), required=False
    )
    not_given_reason = forms.CharField(
        label=gettext_lazy("Atau: alasan tidak diberikan"), required=False, max_length=300
    )


@login_required
def cycle_list(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    today = timezone.localdate()
    form = CycleForm(
        request.POST or None,
        initial={
            "as_of": today,
            "period_start": today,
            "period_end": dt.date(today.year, 12, 31),
            "area": next(iter(area_codes(request.user)), ""),
            "ranking": "desil_oldest",
        },
    )
    if request.method == "POST":
        require(request.user, Cap.PREPARE_CYCLE)
        if form.is_valid():
            data = dict(form.cleaned_data)
            area = Wilayah.objects.filter(code=data.pop("area").strip()).first()
            if area is None:
                form.add_error("area", _("Kode wilayah tidak dikenal."))
            else:
                try:
                    cycle = cycles.create_cycle(
                        actor=request.user, programme=programme, area=area, **data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect("programs:cycle", pk=cycle.pk)
    visible = [
        c for c in programme.cycles.select_related("area") if _overlaps(request.user, c.area_id)
    ]
    return render(
        request,
        "programs/cycles.html",
        {
            "p": programme,
            "cycles": visible,
            "form": form,
            "can_prepare": can(request.user, Cap.PREPARE_CYCLE),
        },
    )


def _cycle_for(request: HttpRequest, pk: int) -> Cycle:
    require(request.user, Cap.VIEW)
    cycle = get_object_or_404(
        Cycle.objects.select_related("programme", "area", "prepared_by"), pk=pk
    )
    if not _overlaps(request.user, cycle.area_id):
        raise Http404(_("Siklus tidak ditemukan."))
    return cycle


def _overlaps(user: Any, code: str) -> bool:
    """The cycle's area and the user's areas overlap (either contains the other)."""
    return any(
        code == mine or code.startswith(mine + ".") or mine.startswith(code + ".")
        for mine in area_codes(user)
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    rows = scope(
        cycle.beneficiaries.select_related("person", "desa", "distribution"),
        request.user,
        "desa__code",
    )
    desa = request.GET.get("desa", "")
    if desa:
        rows = rows.filter(desa_id=desa)
    page = Paginator(rows.order_by("rank"), 100).get_page(request.GET.get("hal"))
    by_desa = (
        scope(cycle.beneficiaries.filter(selected=True), request.user, "desa__code")
        .values("desa_id", "desa__name")
        .annotate(n=Count("id"), done=Count("distribution"))
        .order_by("desa_id")
    )
    from sejahtera.jobs.models import Job

    job = (
        Job.objects.filter(kind="bansos_siklus", params__cycle_id=cycle.pk)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "programs/cycle.html",
        {
            "cycle": cycle,
            "page": page,
            "desa": desa,
            "by_desa": by_desa,
            "job": job,
            "diff": cycles.changes_since_previous(cycle, limit=50)
            if cycle.eligible_count is not None
            else None,
            "can_prepare": can(request.user, Cap.PREPARE_CYCLE),
            "can_approve": can(request.user, Cap.APPROVE)
            and cycle.prepared_by_id != request.user.pk,
            "can_write": can(request.user, Cap.WRITE),
            "selected": cycle.beneficiaries.filter(selected=True).count(),
        },
    )


@login_required
@require_POST
def cycle_action(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    action = request.POST.get("action")
    try:
        if action == "run":
            cycles.start_run(actor=request.user, cycle=cycle)
            messages.info(
                request,
                _("Penghitungan kelayakan berjalan di latar; halaman ini menampilkan kemajuannya."),
            )
        elif action == "verify":
            excluded: dict[int, str] = {}
            for key in request.POST:
                number = key.removeprefix("keluar_")
                reason = request.POST.get(key, "")
                if key.startswith("keluar_") and number.isdigit() and reason.strip():
                    excluded[int(number)] = reason
            cycles.verify_cycle(actor=request.user, cycle=cycle, excluded=excluded)
            messages.success(
                request, _("Siklus diverifikasi; %(n)s orang dikeluarkan.") % {"n": len(excluded)}
            )
        elif action == "approve":
            cycles.approve_cycle(actor=request.user, cycle=cycle)
            messages.success(request, _("Siklus disetujui; penyaluran dapat dicatat."))
        elif action == "close":
            cycles.close_cycle(actor=request.user, cycle=cycle)
            messages.success(request, _("Siklus ditutup."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        )
    return redirect("programs:cycle", pk=cycle.pk)


@login_required
def distribution(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.WRITE)
    beneficiary = get_object_or_404(
        scope(
            Beneficiary.objects.select_related("cycle", "person", "cycle__programme"),
            request.user,
            "desa__code",
        ),
        pk=pk,
    )
    form = DistributionForm(
        request.POST or None,
        request.FILES or None,
        initial={"given_on": timezone.localdate(), "given": beneficiary.cycle.package or ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycles.record_distribution(
                actor=request.user,
                beneficiary=beneficiary,
                given_on=data["given_on"] if not data["not_given_reason"] else None,
                given=data["given"],
                proof=data["proof"],
                not_given_reason=data["not_given_reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _("Penyaluran dicatat."))
            return redirect(
                f"{redirect('programs:cycle', pk=beneficiary.cycle_id).url}?desa={beneficiary.desa_id}"
            )
    return render(request, "programs/distribution.html", {"b": beneficiary, "form": form})


@login_required
def bnba(request: HttpRequest, pk: int) -> HttpResponse:
    """The by-name-by-address list and signature sheet of one desa, as .xlsx or PDF."""
    require(request.user, Cap.EXPORT)
    cycle = _cycle_for(request, pk)
    desa = get_object_or_404(Wilayah, code=request.GET.get("desa", ""))
    rows = list(
        scope(cycle.beneficiaries.filter(selected=True, desa=desa), request.user, "desa__code")
        .select_related("person", "household")
        .order_by("person__name")
    )
    if not rows:
        raise Http404(
            _("Tidak ada penerima siklus ini di desa tersebut (atau di luar wilayah Anda).")
        )
    pdf = request.GET.get("format") == "pdf"
    export = start_export(
        request,
        what=_("BNBA %(cycle)s, %(desa)s") % {"cycle": cycle, "desa": desa.name},
        back=reverse("programs:cycle", args=[cycle.pk]),
    )
    if not isinstance(export, Export):
        return export
    headers = [
        _("No."),
        _("NIK"),
        _("Nama"),
        _("Alamat"),
        _("RT/RW"),
        _("Nilai/paket"),
        _("Tanda tangan"),
    ]
    values = []
    for i, b in enumerate(rows, start=1):
        household = b.household
        values.append(
            [
                i,
                b.person.nik or "",
                b.person.name,
                household.street if household else "",
                f"{household.rt}/{household.rw}" if household else "",
                f"Rp {cycle.amount:,}".replace(",", ".") if cycle.amount else cycle.package,
                "",
            ]
        )
    name = f"bnba-{cycle.programme.code}-{desa.code}"
    what = f"BNBA {cycle} {desa.name}"
    if pdf:
        return export.file(
            lambda mark: _bnba_pdf(cycle, desa, headers, values, mark),
            rows=len(values),
            name=name,
            ext="pdf",
            content_type=PDF_CONTENT_TYPE,
            object_type="programs.beneficiary",
            object_repr=what,
            wilayah_code=desa.code,
        )
    return export.xlsx(
        headers,
        values,
        title=f"BNBA {desa.name}"[:31],
        note=f"{cycle} · {desa.display_name}",
        name=name,
        object_type="programs.beneficiary",
        object_repr=what,
        wilayah_code=desa.code,
    )


def _bnba_pdf(
    cycle: Cycle, desa: Wilayah, headers: list[str], rows: list[list[Any]], mark: Watermark
) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "programs/bnba_pdf.html",
        {"cycle": cycle, "desa": desa, "headers": headers, "rows": rows, "mark": mark},
    )
    return bytes(HTML(string=html).write_pdf())


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Recipients per programme and year (distributions given), in the layout of Tabel 2.4.3,
    and for one year per kecamatan, within the user's area."""
    require(request.user, Cap.VIEW)
    by_year = recipients_per_programme_and_year(request.user)
    ordered_years = sorted({y for counts in by_year.values() for y in counts}) or [
        timezone.localdate().year
    ]
    programmes = list(Programme.objects.order_by("number"))
    rows = [
        {"p": p, "counts": [by_year.get(p.pk, {}).get(y) for y in ordered_years]}
        for p in programmes
    ]
    try:
        year = int(request.GET.get("tahun", ordered_years[-1]))
    except ValueError:
        year = ordered_years[-1]
    by_area = recipients_per_kecamatan(request.user, year)
    served = {pk for area in by_area.values() for pk in area["counts"]}
    columns = [p for p in programmes if p.pk in served]
    area_rows = [
        {"code": code, "name": a["name"], "counts": [a["counts"].get(p.pk) for p in columns]}
        for code, a in sorted(by_area.items())
    ]
    return render(
        request,
        "programs/statistics.html",
        {
            "rows": rows,
            "years": ordered_years,
            "year": year,
            "columns": columns,
            "area_rows": area_rows,
        },
    )
