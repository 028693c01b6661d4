from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.common.views import ScopedListView
from sejahtera.jobs.services import start_job
from sejahtera.wilayah import selectors
from sejahtera.wilayah.filtersets import WilayahFilterSet
from sejahtera.wilayah.tables import WilayahTable
from sejahtera.wilayah.tasks import load_wilayah_task


class WilayahListView(ScopedListView):
    selector = selectors.wilayah_with_counts
    filterset_class = WilayahFilterSet
    table_class = WilayahTable
    export_name = "wilayah"
    personal_data = False  # official area codes and names
    title = gettext_lazy("Wilayah")
    template_name = "wilayah/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["source"] = selectors.current_source()
        context["can_reload"] = self.request.user.can(Cap.MANAGE_REFERENCE)
        return context


@login_required
def wilayah_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Cap.VIEW)
    area = selectors.wilayah_with_counts(request.user).filter(code=code).first()
    if area is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    children = selectors.wilayah_with_counts(request.user).filter(parent=area)
    return render(
        request,
        "wilayah/detail.html",
        {"area": area, "ancestors": selectors.ancestors(area), "children": children},
    )


@login_required
@require_POST
def wilayah_reload(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_REFERENCE)
    job = start_job(
        actor=request.user,
        kind="wilayah.load",
        title=_("Memuat ulang data wilayah"),
        task=load_wilayah_task,
    )
    return redirect("jobs:detail", pk=job.pk)
