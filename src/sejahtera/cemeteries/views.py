"""Pages of the heroes' cemeteries: the list (kept-up status and figures of a year, filters,
.xlsx), a cemetery's page (graves with search, maintenance timeline with photos,
ceremonies, and the forms that record them), a grave's page, the photos (to signed-in
staff who see the cemetery only) and the yearly summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.cemeteries import indicators, maintenance
from sejahtera.cemeteries import services as cemetery_services
from sejahtera.cemeteries.filtersets import CemeteryFilterSet, GraveFilterSet, parse_year
from sejahtera.cemeteries.forms import (
    CemeteryForm,
    CeremonyForm,
    FinishForm,
    GraveForm,
    MaintenanceForm,
    PhotoForm,
)
from sejahtera.cemeteries.models import Cemetery, Grave, MaintenanceKind, Occasion
from sejahtera.cemeteries.reference import reference
from sejahtera.cemeteries.selectors import (
    cemeteries_for,
    ceremonies_for,
    finished_between,
    graves_for,
    kept_up_counts,
    photos_for,
    rule_text,
    with_status,
    works_for,
    year_span,
)
from sejahtera.common.exports import Export, start_export

PAGE_SIZE = 50


def export_xlsx(
    request: HttpRequest,
    *,
    headers: Sequence[str],
    rows: list[list[Any]],
    title: str,
    object_type: str,
    filename: str,
    personal: bool,
) -> HttpResponse:
    """An audited, watermarked .xlsx download of a list (needs Cap.EXPORT; personal data
    also a stated purpose, see `common.exports`)."""
    export = start_export(request, what=title, personal=personal)
    if not isinstance(export, Export):
        return export
    return export.xlsx(headers, rows, title=title, name=filename, object_type=object_type)


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def run_service(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Call a service; its refusals become the form's errors. None when refused."""
    try:
        return call()
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("Anda tidak berwenang."))
    return None


# --- List ----------------------------------------------------------------------------------


@login_required
def cemetery_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    scoped = cemeteries_for(request.user)
    params = request.GET.copy()
    if not params.get("tahun"):
        params["tahun"] = str(timezone.localdate().year)  # shown in the filter, not left blank
    filterset = CemeteryFilterSet(params, queryset=scoped)
    year = filterset.year
    if request.GET.get("format") == "xlsx":
        return _export_cemeteries(request, filterset.qs, year)
    form = CemeteryForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            data = form.cleaned_data
            created = run_service(
                form,
                lambda: cemetery_services.register_cemetery(
                    actor=request.user,
                    name=data["name"],
                    desa_code=data["desa"],
                    address=data["address"],
                    area_m2=data["area_m2"],
                    condition_notes=data["condition_notes"],
                ),
            )
            if created is not None:
                messages.success(request, _("%(name)s didaftarkan.") % {"name": created.name})
                return redirect("cemeteries:detail", pk=created.pk)
    today = timezone.localdate()
    kept, total = kept_up_counts(scoped, year=year, until=today)
    return render(
        request,
        "cemeteries/list.html",
        {
            "filterset": filterset,
            "page": Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query_without(request, "page"),
            "year": year,
            "kept": kept,
            "total": total,
            "rule": rule_text(),
            "reference": reference(),
            "form": form,
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export_cemeteries(request: HttpRequest, rows: Iterable[Any], year: int) -> HttpResponse:
    headers = [
        _("Nama taman makam"),
        _("Kecamatan"),
        _("Desa/kelurahan"),
        _("Alamat"),
        _("Luas (m²)"),
        _("Jumlah makam"),
        _("Pekerjaan selesai %(year)s") % {"year": year},
        _("Biaya pekerjaan selesai %(year)s (Rp)") % {"year": year},
        _("Upacara %(year)s") % {"year": year},
        _("Terkelola %(year)s") % {"year": year},
    ]
    data = [
        [
            c.name,
            c.desa.parent.name if c.desa.parent else "",
            c.desa.name,
            c.address,
            c.area_m2,
            c.graves_count,
            c.works_finished,
            int(c.works_cost),
            c.ceremonies_count,
            _("Ya") if c.kept_up else _("Belum"),
        ]
        for c in rows
    ]
    return export_xlsx(
        request,
        headers=headers,
        rows=data,
        title=_("Taman makam pahlawan %(year)s") % {"year": year},
        object_type="cemeteries.cemetery",
        filename=f"taman-makam-pahlawan-{year}",
        personal=False,  # cemeteries and their upkeep: no person in it
    )


# --- A cemetery ----------------------------------------------------------------------------


def _cemetery(request: HttpRequest, pk: int, year: int) -> Cemetery:
    cemetery = (
        with_status(cemeteries_for(request.user), year=year, until=timezone.localdate())
        .filter(pk=pk)
        .first()
    )
    if cemetery is None:
        raise Http404(_("Taman makam tidak ditemukan."))
    return cemetery


def _forms(request: HttpRequest, cemetery: Cemetery) -> dict[str, forms.Form]:
    """The page's forms, unbound; the one posted is replaced by its bound copy."""
    return {
        "edit": CemeteryForm(
            user=request.user,
            initial={
                "name": cemetery.name,
                "desa": cemetery.desa_id,
                "address": cemetery.address,
                "area_m2": cemetery.area_m2,
                "condition_notes": cemetery.condition_notes,
            },
        ),
        "grave": GraveForm(prefix="grave"),
        "work": MaintenanceForm(prefix="work"),
        "ceremony": CeremonyForm(prefix="ceremony"),
    }


def _post(request: HttpRequest, cemetery: Cemetery, bound: dict[str, forms.Form]) -> bool:
    """Handle the posted action; True when it succeeded (then redirect)."""
    require(request.user, Cap.WRITE)
    action = request.POST.get("action", "")
    user = request.user
    form: forms.Form
    if action == "edit":
        form = CemeteryForm(request.POST, user=user)
        bound["edit"] = form
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(
                form,
                lambda: cemetery_services.update_cemetery(
                    actor=user,
                    cemetery=cemetery,
                    name=d["name"],
                    desa_code=d["desa"],
                    address=d["address"],
                    area_m2=d["area_m2"],
                    condition_notes=d["condition_notes"],
                ),
            )
            if done is not None:
                messages.success(request, _("Data taman makam disimpan."))
                return True
    elif action == "grave":
        form = GraveForm(request.POST, prefix="grave")
        bound["grave"] = form
        if form.is_valid():
            d = form.cleaned_data
            grave = run_service(
                form, lambda: cemetery_services.add_grave(actor=user, cemetery=cemetery, **d)
            )
            if grave is not None:
                messages.success(
                    request,
                    _("Makam %(place)s atas nama %(name)s dicatat.")
                    % {"place": grave.place, "name": grave.name},
                )
                return True
    elif action == "work":
        form = MaintenanceForm(request.POST, request.FILES, prefix="work")
        bound["work"] = form
        if form.is_valid():
            d = form.cleaned_data
            work = run_service(
                form,
                lambda: maintenance.record_maintenance(actor=user, cemetery=cemetery, **d),
            )
            if work is not None:
                messages.success(request, _("Pekerjaan pemeliharaan dicatat."))
                return True
    elif action == "ceremony":
        form = CeremonyForm(request.POST, prefix="ceremony")
        bound["ceremony"] = form
        if form.is_valid():
            d = form.cleaned_data
            ceremony = run_service(
                form,
                lambda: cemetery_services.record_ceremony(actor=user, cemetery=cemetery, **d),
            )
            if ceremony is not None:
                messages.success(request, _("Upacara/ziarah dicatat."))
                return True
    elif action in ("finish", "photos"):
        return _post_work(request, cemetery, action)
    else:
        messages.error(request, _("Tindakan tidak dikenal."))
    return False


def _post_work(request: HttpRequest, cemetery: Cemetery, action: str) -> bool:
    """Finish a work or add its photos: small forms on the timeline; errors as messages."""
    raw = request.POST.get("work", "")
    work = (
        cemetery.works.filter(pk=int(raw)).select_related("cemetery").first()
        if raw.isdigit()
        else None
    )
    if work is None:
        messages.error(request, _("Pekerjaan tidak ditemukan."))
        return False
    form: forms.Form
    if action == "finish":
        form = FinishForm(request.POST, prefix=f"finish-{work.pk}")
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(
                form,
                lambda: maintenance.finish_maintenance(
                    actor=request.user, work=work, finished_on=d["finished_on"], cost=d["cost"]
                ),
            )
            if done is not None:
                messages.success(request, _("Pekerjaan dicatat selesai."))
                return True
    else:
        form = PhotoForm(request.POST, request.FILES, prefix=f"photos-{work.pk}")
        if form.is_valid():
            saved = run_service(
                form,
                lambda: maintenance.add_photos(
                    actor=request.user, work=work, photos=form.cleaned_data["photos"]
                ),
            )
            if saved is not None:
                messages.success(request, _("%(n)s foto ditambahkan.") % {"n": len(saved)})
                return True
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return False


@login_required
def cemetery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    year = parse_year(request.GET.get("tahun"))
    cemetery = _cemetery(request, pk, year)
    page_forms = _forms(request, cemetery)
    if request.method == "POST" and _post(request, cemetery, page_forms):
        return redirect("cemeteries:detail", pk=cemetery.pk)
    graves = GraveFilterSet(
        request.GET, queryset=graves_for(request.user).filter(cemetery=cemetery)
    )
    works = (
        works_for(request.user)
        .filter(cemetery=cemetery)
        .prefetch_related("photos")
        .order_by("-started_on", "-id")[:200]
    )
    return render(
        request,
        "cemeteries/detail.html",
        {
            "c": cemetery,
            "year": year,
            "rule": rule_text(),
            "graves": graves,
            "grave_page": Paginator(graves.qs, PAGE_SIZE).get_page(request.GET.get("hal")),
            "grave_query": query_without(request, "hal"),
            "works": works,
            "ceremonies": ceremonies_for(request.user).filter(cemetery=cemetery)[:200],
            "forms": page_forms,
            "open_form": request.POST.get("action", "") if request.method == "POST" else "",
            "can_write": can(request.user, Cap.WRITE),
            "today": timezone.localdate(),
        },
    )


@login_required
def grave_detail(request: HttpRequest, pk: int, grave_pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    grave: Grave | None = (
        graves_for(request.user)
        .select_related("cemetery__desa")
        .filter(pk=grave_pk, cemetery_id=pk)
        .first()
    )
    if grave is None:
        raise Http404(_("Makam tidak ditemukan."))
    initial = {
        f: getattr(grave, f)
        for f in (
            "block",
            "number",
            "name",
            "category",
            "rank",
            "corps",
            "birth_date",
            "death_date",
            "burial_date",
            "notes",
        )
    }
    form = GraveForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(
                form, lambda: cemetery_services.edit_grave(actor=request.user, grave=grave, **d)
            )
            if done is not None:
                messages.success(request, _("Data makam disimpan."))
                return redirect("cemeteries:grave", pk=pk, grave_pk=grave.pk)
    return render(
        request,
        "cemeteries/grave.html",
        {"g": grave, "form": form, "can_write": can(request.user, Cap.WRITE)},
    )


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A maintenance photo, to signed-in users who see its cemetery (never from /media/)."""
    require(request.user, Cap.VIEW)
    item = photos_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("Foto tidak ditemukan."))
    response = FileResponse(item.file.open("rb"), content_type=f"image/{item.kind}")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Summary -------------------------------------------------------------------------------


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """A year's summary: each cemetery kept up or not, the indicators against the Renstra's
    targets, maintenance by kind and ceremonies by occasion."""
    require(request.user, Cap.VIEW)
    today = timezone.localdate()
    year = parse_year(request.GET.get("tahun"), today)
    start, end = year_span(year, today)
    rows = list(with_status(cemeteries_for(request.user), year=year, until=today))
    works = works_for(request.user).filter(pk__in=finished_between(start, end).values("pk"))
    by_kind = {
        r["kind"]: r
        for r in works.order_by().values("kind").annotate(n=Count("pk"), cost=Sum("cost"))
    }
    held = ceremonies_for(request.user).filter(held_on__gte=start, held_on__lte=end)
    by_occasion = {
        r["occasion"]: r
        for r in held.order_by()
        .values("occasion")
        .annotate(n=Count("pk"), people=Sum("attendance"))
    }
    ref = reference()
    results = indicators.compute(start=start, end=end, user=request.user)
    targets = {
        indicators.PROGRAM_KEY: ref.target("program", year),
        indicators.KEGIATAN_KEY: ref.target("kegiatan", year),
        indicators.SUBKEGIATAN_KEY: ref.target("subkegiatan", year),
    }
    return render(
        request,
        "cemeteries/summary.html",
        {
            "year": year,
            "start": start,
            "end": end,
            "years": list(range(today.year, max(today.year - 6, 2019), -1)),
            "rows": rows,
            "kept": sum(1 for r in rows if getattr(r, "kept_up", False)),
            "cost": sum(int(getattr(r, "works_cost", 0)) for r in rows),
            "results": [{"r": r, "target": targets.get(r.key, "")} for r in results],
            "kinds": [
                (label, by_kind.get(value, {}).get("n", 0), by_kind.get(value, {}).get("cost"))
                for value, label in MaintenanceKind.choices
            ],
            "occasions": [
                (
                    label,
                    by_occasion.get(value, {}).get("n", 0),
                    by_occasion.get(value, {}).get("people"),
                )
                for value, label in Occasion.choices
            ],
            "rule": rule_text(),
            "reference": ref,
            "today": today,
        },
    )
