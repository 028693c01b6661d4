"""The retention rules and what is due under them, read-only, for those who may read the audit
trail. Removing is done only by the command (`sejahtera retention --apply`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.retention import services
from sejahtera.retention.rules import RetentionConfigError, rules_file


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_AUDIT)
    lines: list[services.Line] = []
    problem = ""
    try:
        lines = services.report()
    except RetentionConfigError as exc:
        problem = str(exc)
    return render(
        request,
        "retention/rules.html",
        {
            "lines": lines,
            "problem": problem,
            "file": rules_file().name,
            "as_of": services.moment(),
        },
    )
