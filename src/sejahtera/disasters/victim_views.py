"""Victims: entry (search the registry by NIK or name within the event's desa, or record a
provisional victim), a victim's page (personal data, audited; status, aid), and the daily aid
entry of a clerk at a shelter (date + kind + tick victims)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.names import name_key
from sejahtera.disasters import selectors
from sejahtera.disasters.forms import (
    AidForm,
    DailyAidForm,
    ProvisionalVictimForm,
    SearchForm,
    VictimEditForm,
    VictimStatusForm,
)
from sejahtera.disasters.models import AidKind, Condition, Event, Victim, VictimAid
from sejahtera.disasters.standards import meals_per_day
from sejahtera.disasters.summary import meal_status
from sejahtera.disasters.victims import (
    UNAVAILABLE,
    add_victim,
    record_aid,
    record_daily_aid,
    remove_aid,
    update_victim,
)
from sejahtera.disasters.views import get_event, my_desa, run
from sejahtera.registry.models import Person
from sejahtera.registry.selectors import persons_for

RESULTS = 20


def _search(request: HttpRequest, form: SearchForm, codes: list[str]) -> list[Person]:
    if not form.is_valid():
        return []
    q = form.cleaned_data["q"].strip()
    born = form.cleaned_data["birth_date"]
    if not q and born is None:
        return []
    persons = selectors.persons_in_desa(request.user, codes)
    if q.isdigit():
        persons = persons.filter(nik=q)
    else:
        for word in name_key(q).split():
            persons = persons.filter(name_key__contains=word)
    if born is not None:
        persons = persons.filter(birth_date=born)
    return list(persons.order_by("name", "pk")[:RESULTS])


def propose_url(victim: Victim) -> str:
    """Where to propose an unknown victim for the registry: a new member of their
    household when it is known, otherwise a new household in their desa."""
    if victim.household_id:
        return reverse("registry:propose_member", args=[victim.household_id])
    return f"{reverse('registry:propose_household')}?desa={victim.desa_id}"


@login_required
def victim_new(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(request, pk)
    require(request.user, Cap.WRITE)
    codes = set(selectors.event_desa_codes(event))
    desa = [w for w in my_desa(request.user) if w.code in codes]
    if not desa:
        raise PermissionDenied(_("Tidak ada desa kejadian ini dalam wilayah kerja Anda."))
    search = SearchForm(request.GET or None)
    found = _search(request, search, [w.code for w in desa])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    link = VictimStatusForm(request.POST if action == "link" else None, event=event, prefix="link")
    told = ProvisionalVictimForm(
        request.POST if action == "provisional" else None, event=event, desa=desa, prefix="new"
    )
    victim = None
    if action == "link":
        person = (
            selectors.persons_in_desa(request.user, [w.code for w in desa])
            .filter(pk=int(request.POST.get("person", "0") or 0))
            .first()
        )
        if person is None:
            link.add_error(None, _("Pilih penduduk dari hasil pencarian."))
        else:
            victim = run(
                link,
                lambda d: add_victim(actor=request.user, event=event, person=person, **_status(d)),
            )
    elif action == "provisional":
        victim = run(
            told,
            lambda d: add_victim(
                actor=request.user,
                event=event,
                nik=d["nik"],
                name=d["name"],
                birth_date=d["birth_date"],
                sex=d["sex"],
                desa_code=d["desa"],
                **_status(d),
            ),
        )
    if victim is not None:
        if victim.person_id:
            messages.success(
                request,
                _("%(name)s dicatat sebagai korban (data registri).") % {"name": victim.name},
            )
        else:
            messages.warning(
                request,
                _(
                    "%(name)s dicatat sebagai korban sementara: belum ditemukan di registri. "
                    "Usulkan ke registri dari halaman korban."
                )
                % {"name": victim.name},
            )
        return redirect(
            f"{reverse('disasters:victim_new', args=[event.pk])}?{request.GET.urlencode()}"
        )
    taken = set(
        Victim.objects.filter(event=event, person__in=found).values_list("person_id", flat=True)
    )
    return render(
        request,
        "disasters/victim_new.html",
        {
            "event": event,
            "search": search,
            "found": found,
            "taken": taken,
            "link": link,
            "told": told,
            "searched": search.is_bound,
        },
    )


def _status(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "displaced": data["displaced"],
        "displaced_from": data["displaced_from"],
        "shelter": data["shelter"],
        "condition": data["condition"],
        "note": data["note"],
    }


def _victim(request: HttpRequest, pk: int) -> Victim:
    require(request.user, Cap.VIEW)
    victim = selectors.victims_for(request.user).filter(pk=pk).first()
    if victim is None:
        raise Http404(_("Korban tidak ditemukan."))
    return victim


@login_required
def victim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    victim = _victim(request, pk)
    event = victim.event
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Cap.WRITE)
    edit = VictimEditForm(
        request.POST if action == "edit" else None,
        event=event,
        initial={
            "displaced": victim.displaced,
            "shelter": victim.shelter_id,
            "displaced_from": victim.displaced_from,
            "displaced_until": victim.displaced_until,
            "condition": victim.condition,
            "note": victim.note,
        },
    )
    aid_form = AidForm(
        request.POST if action == "aid" else None,
        prefix="aid",
        initial={"date": timezone.localdate(), "kind": AidKind.MEALS},
    )
    done = None
    if action == "edit":
        done = run(
            edit,
            lambda d: update_victim(
                actor=request.user,
                victim=victim,
                displaced_until=d["displaced_until"],
                **_status(d),
            ),
        )
    elif action == "aid":
        done = run(
            aid_form,
            lambda d: record_aid(
                actor=request.user,
                victim=victim,
                date=d["date"],
                kind=d["kind"],
                quantity=d["quantity"],
            ),
        )
    elif action == "remove_aid":
        row = VictimAid.objects.filter(
            victim=victim, pk=int(request.POST.get("aid", "0") or 0)
        ).first()
        if row is None:
            raise Http404
        try:
            remove_aid(actor=request.user, aid=row)
            done = True
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    elif action:
        raise Http404
    if done is not None:
        messages.success(request, _("Tersimpan."))
        return redirect("disasters:victim", pk=victim.pk)
    # A victim's page shows personal data: every view is logged.
    audit.record(actor=request.user, action=Action.VIEW, obj=victim, wilayah_code=victim.desa_id)
    aid = victim.aid.select_related("recorded_by")
    return render(
        request,
        "disasters/victim.html",
        {
            "victim": victim,
            "event": event,
            "aid": aid,
            "meals": _meals_by_day(victim),
            "status": meal_status(Victim.objects.filter(pk=victim.pk)).get(victim.pk, ""),
            "edit": edit,
            "aid_form": aid_form,
            "can_write": can(request.user, Cap.WRITE),
            "can_propose": can(request.user, Cap.PROPOSE),
            "propose_url": propose_url(victim),
            "person_visible": victim.person_id is not None
            and persons_for(request.user).filter(pk=victim.person_id).exists(),
            "limit": meals_per_day(),
        },
    )


def _meals_by_day(victim: Victim) -> list[tuple[Any, int]]:
    rows = (
        victim.aid.filter(kind=AidKind.MEALS)
        .values("date")
        .annotate(total=Sum("quantity"))
        .order_by("-date")
        .values_list("date", "total")
    )
    return list(rows[:31])


def _candidates(request: HttpRequest, event: Event, shelter: Any) -> QuerySet[Victim]:
    victims = (
        selectors.victims_for(request.user)
        .filter(event=event)
        .exclude(condition__in=UNAVAILABLE)
        .order_by("-displaced", "shelter__name", "name", "pk")
    )
    if shelter is not None:
        victims = victims.filter(shelter=shelter)
    return victims


@login_required
def daily_aid(request: HttpRequest, pk: int) -> HttpResponse:
    """A clerk at a shelter: pick the date, the kind and tick who got it."""
    event = get_event(request, pk)
    require(request.user, Cap.WRITE)
    posted = request.method == "POST"
    defaults = {"date": timezone.localdate().isoformat(), "kind": AidKind.MEALS, "quantity": "1"}
    form = DailyAidForm(request.POST if posted else (request.GET or defaults), event=event)
    chosen = {int(v) for v in request.POST.getlist("victims") if v.isdigit()} if posted else set()
    valid = form.is_valid()
    shelter = form.cleaned_data.get("shelter") if valid else None
    victims = list(_candidates(request, event, shelter)[:500])
    if posted and valid:
        picked = [v for v in victims if v.pk in chosen]
        result = run(
            form,
            lambda d: record_daily_aid(
                actor=request.user,
                event=event,
                date=d["date"],
                kind=d["kind"],
                victims=picked,
                quantity=d["quantity"],
            ),
        )
        if result is not None:
            messages.success(
                request,
                _("%(kind)s dicatat untuk %(n)s korban.")
                % {"kind": AidKind(form.cleaned_data["kind"]).label, "n": len(picked)},
            )
            data = form.cleaned_data
            query = urlencode(
                {
                    "date": data["date"].isoformat(),
                    "kind": data["kind"],
                    "quantity": data["quantity"],
                    "shelter": data["shelter"].pk if data["shelter"] else "",
                }
            )
            return redirect(f"{reverse('disasters:daily_aid', args=[event.pk])}?{query}")
    day = form.cleaned_data.get("date") if valid else None
    kind = form.cleaned_data.get("kind") if valid else AidKind.MEALS
    had: dict[int, int] = {}
    if day is not None:
        had = dict(
            VictimAid.objects.filter(victim__in=victims, date=day, kind=kind)
            .values("victim_id")
            .annotate(total=Sum("quantity"))
            .values_list("victim_id", "total")
        )
    limit = meals_per_day()
    rows = [
        {
            "victim": v,
            "had": had.get(v.pk, 0),
            "full": kind == AidKind.MEALS and had.get(v.pk, 0) >= limit,
            "checked": v.pk in chosen,
        }
        for v in victims
    ]
    return render(
        request,
        "disasters/daily_aid.html",
        {
            "event": event,
            "form": form,
            "rows": rows,
            "kind": kind,
            "day": day,
            "limit": limit,
            "is_meals": kind == AidKind.MEALS,
            "conditions": Condition,
        },
    )
