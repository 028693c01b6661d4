"""Pages of the programmes: the list, one programme (criteria as written, the rule in
words, who qualifies in the user's area, the recipients of previous years, and why one
person does or does not qualify). The rule editor is in rule_views.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.programs.criteria import parse
from sejahtera.programs.forms import ExplainForm
from sejahtera.programs.models import Programme
from sejahtera.programs.selectors import eligible, explain, programmes_for, rule_in_force
from sejahtera.registry.selectors import persons_for

HISTORY_YEARS = ["2021", "2022", "2023", "2024"]


def _programme(request: HttpRequest, code: str) -> Programme:
    require(request.user, Cap.VIEW)
    programme = programmes_for(request.user).filter(code=code).first()
    if programme is None:
        raise Http404(_("Program tidak ditemukan."))
    return programme


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    today = timezone.localdate()
    rows = []
    for programme in programmes_for(request.user).prefetch_related("rules"):
        version = rule_in_force(programme, today)
        rows.append(
            {
                "p": programme,
                "version": version,
                "words": parse(version.rule).words() if version else "",
            }
        )
    return render(request, "programs/list.html", {"rows": rows})


@login_required
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    today = timezone.localdate()
    version = rule_in_force(programme, today)
    tree = parse(version.rule) if version else None
    count = eligible(programme, as_of=today, user=request.user).count() if tree else None
    form = ExplainForm(request.GET or None, initial={"as_of": today})
    verdict = person = None
    if request.GET and form.is_valid():
        person = persons_for(request.user).filter(nik=form.cleaned_data["nik"]).first()
        if person is None:
            form.add_error("nik", _("NIK ini tidak terdaftar di wilayah Anda."))
        else:
            verdict = explain(programme, person, as_of=form.cleaned_data["as_of"])
            audit.record(
                actor=request.user,
                action=Action.VIEW,
                obj=person,
                wilayah_code=person.desa_id,
                extra={"programme": programme.code, "explain": True},
            )
    return render(
        request,
        "programs/detail.html",
        {
            "p": programme,
            "version": version,
            "tree": tree,
            "count": count,
            "today": today,
            "versions": programme.rules.select_related("created_by"),
            "history_years": HISTORY_YEARS,
            "history": [
                {"row": h, "counts": [h.counts.get(y) for y in HISTORY_YEARS]}
                for h in programme.history.all()
            ],
            "form": form,
            "verdict": verdict,
            "person": person,
            "can_manage": can(request.user, Cap.MANAGE_PROGRAMS),
        },
    )
