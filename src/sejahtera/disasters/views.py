"""Events: the list (filters, .xlsx), recording an event, and an event's page with its desa,
phase history, situation reports, shelters, victims (NIK masked), kitchens, TAGANA
deployments, aid summary and, for writers, the forms of each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.views import ScopedListView
from sejahtera.disasters import events as event_services
from sejahtera.disasters import selectors
from sejahtera.disasters.filtersets import EventFilterSet, VictimFilterSet
from sejahtera.disasters.forms import (
    DeploymentForm,
    EventEditForm,
    EventForm,
    KitchenDayForm,
    PhaseForm,
    PlaceForm,
    ReportForm,
)
from sejahtera.disasters.models import Deployment, Event, KitchenDay, SituationReport
from sejahtera.disasters.summary import event_figures, meal_status
from sejahtera.disasters.tables import EventTable
from sejahtera.disasters.victims import reconcile_victims
from sejahtera.wilayah.models import Level, Wilayah
from sejahtera.wilayah.selectors import wilayah_for

PAGE_SIZE = 50


class EventListView(ScopedListView):
    selector = selectors.event_list_for
    filterset_class = EventFilterSet
    table_class = EventTable
    export_name = "kejadian-bencana"
    personal_data = False  # events, places and counts: no names
    title = gettext_lazy("Kejadian bencana")
    template_name = "disasters/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_write"] = can(self.request.user, Cap.WRITE)
        return context


def my_desa(user: Any) -> list[Wilayah]:
    return list(wilayah_for(user).filter(level=Level.DESA).order_by("parent__name", "name"))


def get_event(request: HttpRequest, pk: int) -> Event:
    require(request.user, Cap.VIEW)
    event = selectors.events_for(request.user).filter(pk=pk).first()
    if event is None:
        raise Http404(_("Kejadian tidak ditemukan."))
    return event


def run(form: BaseForm, call: Callable[[dict[str, Any]], Any]) -> Any:
    """Call a service with the form's cleaned data; show its refusal on the form."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data) or True
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    form = EventForm(request.POST or None, desa=my_desa(request.user))
    if request.method == "POST":
        event = run(
            form,
            lambda d: event_services.create_event(
                actor=request.user,
                kind=d["kind"],
                name=d["name"],
                desa_codes=d["desa"],
                started_on=d["started_on"],
                description=d["description"],
            ),
        )
        if event is not None:
            messages.success(request, _("Kejadian %(name)s dicatat.") % {"name": event.name})
            return redirect("disasters:event", pk=event.pk)
    return render(request, "disasters/event_new.html", {"form": form})


def _forms(request: HttpRequest, event: Event, bound: str) -> dict[str, BaseForm]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    today = timezone.localdate()
    desa = my_desa(request.user)
    codes = set(selectors.event_desa_codes(event))
    event_desa = [w for w in desa if w.code in codes]
    # Shelters and kitchens stand in the event's kecamatan (its desa or their neighbours).
    kecamatan = {code.rsplit(".", 1)[0] for code in codes}
    nearby = [w for w in desa if w.parent_id in kecamatan]
    made: dict[str, BaseForm] = {
        "phase": PhaseForm(data if bound == "phase" else None, initial={"on": today}),
        "report": ReportForm(
            data if bound == "report" else None,
            files if bound == "report" else None,
            initial={"on": today},
        ),
        "shelter": PlaceForm(data if bound == "shelter" else None, desa=nearby, prefix="shelter"),
        "kitchen": PlaceForm(
            data if bound == "kitchen" else None, desa=nearby, kitchen=True, prefix="kitchen"
        ),
        "kitchen_day": KitchenDayForm(
            data if bound == "kitchen_day" else None, event=event, initial={"date": today}
        ),
        "deployment": DeploymentForm(
            data if bound == "deployment" else None, initial={"from_date": today}
        ),
        "edit": EventEditForm(
            data if bound == "edit" else None,
            desa=desa,
            initial={
                "name": event.name,
                "description": event.description,
                "desa": [w.code for w in event_desa],
            },
            prefix="edit",
        ),
    }
    return made


def _act(request: HttpRequest, event: Event, action: str, form: BaseForm) -> Any:
    user = request.user
    if action == "phase":
        return run(
            form,
            lambda d: event_services.set_phase(
                actor=user, event=event, phase=d["phase"], on=d["on"], note=d["note"]
            ),
        )
    if action == "report":
        return run(
            form,
            lambda d: event_services.add_report(
                actor=user, event=event, on=d["on"], text=d["text"], upload=d["file"] or None
            ),
        )
    if action == "shelter":
        return run(
            form,
            lambda d: event_services.add_shelter(
                actor=user,
                event=event,
                name=d["name"],
                desa_code=d["desa"],
                capacity=d["capacity"],
            ),
        )
    if action == "kitchen":
        return run(
            form,
            lambda d: event_services.add_kitchen(
                actor=user, event=event, name=d["name"], desa_code=d["desa"]
            ),
        )
    if action == "kitchen_day":
        return run(
            form,
            lambda d: event_services.record_kitchen_day(
                actor=user, kitchen=d["kitchen"], date=d["date"], meals=d["meals"]
            ),
        )
    if action == "deployment":
        return run(
            form,
            lambda d: event_services.deploy_volunteer(
                actor=user,
                event=event,
                partner=d["partner"],
                from_date=d["from_date"],
                until_date=d["until_date"],
                note=d["note"],
            ),
        )
    if action == "edit":
        return run(
            form,
            lambda d: event_services.update_event(
                actor=user,
                event=event,
                name=d["name"],
                desa_codes=d["desa"],
                description=d["description"],
            ),
        )
    raise Http404


DONE_MESSAGES = {
    "phase": gettext_lazy("Fase kejadian diubah."),
    "report": gettext_lazy("Laporan situasi disimpan."),
    "shelter": gettext_lazy("Tempat pengungsian ditambahkan."),
    "kitchen": gettext_lazy("Dapur umum ditambahkan."),
    "kitchen_day": gettext_lazy("Porsi dapur umum dicatat."),
    "deployment": gettext_lazy("Relawan TAGANA ditugaskan."),
    "edit": gettext_lazy("Data kejadian diubah."),
}


def _simple_post(request: HttpRequest, event: Event, action: str) -> HttpResponse:
    """Actions without a form: reconcile victims, end a deployment."""
    try:
        if action == "reconcile":
            result = reconcile_victims(actor=request.user, event=event)
            messages.success(
                request,
                _(
                    "Pencocokan dengan registri: %(linked)s korban tertaut, %(merged)s digabung "
                    "dengan catatan yang sudah ada, %(left)s belum ditemukan."
                )
                % {"linked": result.linked, "merged": result.merged, "left": result.left},
            )
        else:
            deployment = Deployment.objects.filter(
                event=event, pk=int(request.POST.get("deployment", "0") or 0)
            ).first()
            if deployment is None:
                raise Http404
            event_services.end_deployment(
                actor=request.user, deployment=deployment, until_date=timezone.localdate()
            )
            messages.success(request, _("Tugas relawan diakhiri hari ini."))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("disasters:event", pk=event.pk)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(request, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Cap.WRITE)
        if action in ("reconcile", "end_deployment"):
            return _simple_post(request, event, action)
    forms = _forms(request, event, action)
    if action:
        if action not in forms:
            raise Http404
        if _act(request, event, action, forms[action]) is not None:
            messages.success(request, str(DONE_MESSAGES[action]))
            return redirect("disasters:event", pk=event.pk)
    return render(request, "disasters/event.html", _context(request, event, forms))


def _context(request: HttpRequest, event: Event, forms: dict[str, BaseForm]) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    victims = selectors.victims_for(user)
    mine = victims.filter(event=event).order_by("name", "pk")
    filterset = VictimFilterSet(request.GET or None, queryset=mine)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    status = meal_status(mine.filter(pk__in=[v.pk for v in page]), today=today)
    for victim in page:
        victim.meal_status = status.get(victim.pk, "")
    query = request.GET.copy()
    query.pop("page", None)
    shelters = event.shelters.select_related("desa").annotate(
        staying=Count("victims", filter=Q(victims__displaced_until__isnull=True))
    )
    kitchens = event.kitchens.select_related("desa").annotate(
        served=Sum("days__meals"), days_count=Count("days")
    )
    can_write = can(user, Cap.WRITE)
    return {
        "event": event,
        "desa": event.desa.select_related("parent").order_by("code"),
        "phases": event.phases.select_related("by"),
        "reports": event.reports.select_related("by"),
        "shelters": shelters,
        "kitchens": kitchens,
        "kitchen_days": event_kitchen_days(event),
        "deployments": event.deployments.select_related("partner", "partner__area"),
        "figures": event_figures(event, victims, today=today),
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "forms": forms,
        "can_write": can_write,
        "can_edit_event": can_write and selectors.covers_event(user, event),
        "can_propose": can(user, Cap.PROPOSE),
        "can_export": can(user, Cap.EXPORT),
        "bound": request.POST.get("action", "") if request.method == "POST" else "",
        "today": today,
    }


def event_kitchen_days(event: Event) -> Any:
    return KitchenDay.objects.filter(kitchen__event=event).select_related("kitchen")[:14]


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    require(request.user, Cap.VIEW)
    report = SituationReport.objects.filter(
        pk=pk, event__in=selectors.events_for(request.user)
    ).first()
    if report is None or not report.file:
        raise Http404
    return FileResponse(report.file.open("rb"), as_attachment=False)
