from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sejahtera.jobs.models import Job
from sejahtera.jobs.selectors import jobs_for


def _job(request: HttpRequest, pk: str) -> Job:
    job = jobs_for(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("Pekerjaan tidak ditemukan."))
    return job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": jobs_for(request.user)[:100]})


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _job(request, pk)})


@login_required
def job_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress fragment that htmx polls; it stops polling once the job is finished."""
    return render(request, "jobs/_progress.html", {"job": _job(request, pk)})


@login_required
def job_errors(request: HttpRequest, pk: str) -> FileResponse:
    job = _job(request, pk)
    if not job.errors_file:
        raise Http404(_("Pekerjaan ini tidak punya berkas kesalahan."))
    return FileResponse(
        job.errors_file.open("rb"), as_attachment=True, filename=f"kesalahan-{job.pk}.csv"
    )
