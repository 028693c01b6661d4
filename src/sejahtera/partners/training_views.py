"""Capacity-building pages: the trainings (list with the form for a new one; a training's
participants and results) and the UEP grants (list, .xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.exports import Export, start_export
from sejahtera.partners import capacity, selectors
from sejahtera.partners.forms import ParticipantForm, ResultForm, TrainingForm
from sejahtera.partners.views import page_of


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    can_write = can(request.user, Cap.WRITE)
    form = None
    if can_write:
        form = TrainingForm(
            request.POST or None,
            user=request.user,
            initial={"starts_on": timezone.localdate(), "ends_on": timezone.localdate()},
        )
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                training = capacity.create_training(
                    actor=request.user,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    organiser=data["organiser"],
                    place=data["place"],
                    area_code=data["area"],
                    target_kind=data["target_kind"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Pelatihan dicatat; tambahkan pesertanya."))
                return redirect("partners:training", pk=training.pk)
    rows = selectors.trainings_for(request.user)
    year = request.GET.get("tahun", "")
    if year.isdigit():
        rows = rows.filter(starts_on__year=int(year))
    page, query = page_of(request, rows)
    return render(
        request,
        "partners/trainings.html",
        {"page": page, "query": query, "form": form, "year": year, "can_write": can_write},
    )


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    training = selectors.trainings_for(request.user).filter(pk=pk).first()
    if training is None:
        raise Http404(_("Pelatihan tidak ditemukan."))
    participants = selectors.participants_for(training, request.user)
    can_write = can(request.user, Cap.WRITE) and in_scope(request.user, training.area_id)
    candidates = (
        selectors.partners_for(request.user)
        .filter(active=True)
        .exclude(trainings__training=training)
        .order_by("name")
    )
    if training.target_kind_id is not None:
        candidates = candidates.filter(kind_id=training.target_kind_id)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    add_form = ParticipantForm(
        request.POST if step == "participant" else None, partners=candidates, prefix="participant"
    )
    result_form = ResultForm(request.POST if step == "result" else None, prefix="result")
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        form = add_form if step == "participant" else result_form
        if step in ("participant", "result") and form.is_valid():
            try:
                if step == "participant":
                    capacity.add_participant(
                        actor=request.user,
                        training=training,
                        partner=add_form.cleaned_data["partner"],
                    )
                    messages.success(request, _("Peserta ditambahkan."))
                else:
                    participant = participants.filter(
                        pk=result_form.cleaned_data["participant"]
                    ).first()
                    if participant is None:
                        raise ValidationError(_("Peserta tidak ditemukan."))
                    capacity.record_result(
                        actor=request.user,
                        participant=participant,
                        passed=result_form.cleaned_data["passed"],
                        note=result_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Hasil peserta dicatat."))
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Anda tidak berwenang."))
            return redirect("partners:training", pk=training.pk)
        if step not in ("participant", "result"):
            messages.error(request, _("Tindakan tidak dikenal."))
            return redirect("partners:training", pk=training.pk)
    return render(
        request,
        "partners/training.html",
        {
            "t": training,
            "participants": participants,
            "add_form": add_form,
            "can_write": can_write,
            "ended": training.ends_on <= timezone.localdate(),
        },
    )


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    rows = selectors.grants_for(request.user)
    year = request.GET.get("tahun", "")
    if year.isdigit():
        rows = rows.filter(granted_on__year=int(year))
    kind = request.GET.get("jenis", "")
    if kind:
        rows = rows.filter(partner__kind__code=kind)
    if request.GET.get("format") == "xlsx":
        export = start_export(request, what=_("Daftar bantuan UEP"))
        if not isinstance(export, Export):
            return export
        headers = [
            _("Tanggal"),
            _("Penerima"),
            _("Jenis"),
            _("Wilayah"),
            _("Nilai (Rp)"),
            _("Kegiatan/potensi usaha"),
        ]
        data = (
            [
                g.granted_on,
                g.partner.name,
                g.partner.kind.name,
                g.partner.area.display_name,
                g.amount,
                g.business,
            ]
            for g in rows
        )
        return export.xlsx(
            headers,
            data,
            title=_("Bantuan UEP"),
            name="bantuan-uep",
            object_type="partners.uepgrant",
            object_repr=_("Daftar bantuan UEP"),
        )
    page, query = page_of(request, rows)
    return render(
        request,
        "partners/grants.html",
        {
            "page": page,
            "query": query,
            "year": year,
            "kind": kind,
            "total": rows.aggregate(total=Sum("amount"))["total"] or 0,
            "can_export": can(request.user, Cap.EXPORT),
        },
    )
