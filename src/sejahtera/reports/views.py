from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope_cache_key
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
        **_registry_counts(user),
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


# The registry's totals on the home page are a COUNT over the user's area: 0.3–0.4 s for a
# whole district of 1.1 million persons on every view of the office's home page (see
# bench/RESULTS.md, load test). They are kept for a few minutes per role and set of areas.
HOME_COUNTS_SECONDS = 300


def _registry_counts(user: Any) -> dict[str, int]:
    key = scope_cache_key("home:registry-counts", user)
    counts = cache.get(key)
    if counts is None:
        counts = {
            "person_count": persons_for(user).count(),
            "household_count": households_for(user).count(),
        }
        cache.set(key, counts, HOME_COUNTS_SECONDS)
    return dict(counts)


@login_required
def module(request: HttpRequest, slug: str) -> HttpResponse:
    found = by_slug(slug)
    if found is None:
        raise Http404
    return render(request, "reports/module.html", {"module": found})
