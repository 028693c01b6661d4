from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.selectors import users_for
from sejahtera.audit.selectors import events_for
from sejahtera.jobs.selectors import jobs_for
from sejahtera.registry.selectors import households_for, persons_for
from sejahtera.reports.modules import by_slug, modules_for
from sejahtera.services.escalation import attention_for
from sejahtera.wilayah.models import Level
from sejahtera.wilayah.selectors import counts_by_level, current_source


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    levels = counts_by_level(user)
    context = {
        "area_counts": [
            (level.label, levels.get(level.value, 0)) for level in Level if levels.get(level.value)
        ],
        "person_count": persons_for(user).count(),
        "household_count": households_for(user).count(),
        "user_count": users_for(user).filter(is_active=True).count()
        if can(user, Cap.VIEW_USERS)
        else None,
        "event_count": events_for(user).count() if can(user, Cap.VIEW_AUDIT) else None,
        "recent_jobs": jobs_for(user)[:5],
        "modules": modules_for(request.user),
        "source": current_source(),
        "attention": attention_for(user),
    }
    return render(request, "reports/home.html", context)


@login_required
def module(request: HttpRequest, slug: str) -> HttpResponse:
    found = by_slug(slug)
    if found is None:
        raise Http404
    return render(request, "reports/module.html", {"module": found})
