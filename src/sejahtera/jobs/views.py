from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sejahtera.jobs.models import Job, JobStatus
from sejahtera.jobs.selectors import jobs_for
from sejahtera.jobs.services import is_stale, mark_interrupted, may_restart, restart_job


def _job(request: HttpRequest, pk: str) -> Job:
    job = jobs_for(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("Pekerjaan tidak ditemukan."))
    if job.status == JobStatus.RUNNING and is_stale(job):
        # Its worker was killed: say so (and offer the restart) instead of "running" forever.
        mark_interrupted(job=job)
        job.refresh_from_db()
    return job


def _context(request: HttpRequest, job: Job) -> dict[str, object]:
    return {"job": job, "may_restart": job.can_restart and may_restart(request.user, job)}


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": jobs_for(request.user)[:100]})


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(request, _job(request, pk)))


@login_required
def job_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress fragment that htmx polls; it stops polling once the job is finished."""
    return render(request, "jobs/_progress.html", _context(request, _job(request, pk)))


@login_required
@require_POST
def job_restart(request: HttpRequest, pk: str) -> HttpResponse:
    job = _job(request, pk)
    try:
        restart_job(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Pekerjaan dijalankan ulang."))
    return redirect("jobs:detail", pk=job.pk)


@login_required
def job_errors(request: HttpRequest, pk: str) -> FileResponse:
    job = _job(request, pk)
    if not job.errors_file:
        raise Http404(_("Pekerjaan ini tidak punya berkas kesalahan."))
    return FileResponse(
        job.errors_file.open("rb"), as_attachment=True, filename=f"kesalahan-{job.pk}.csv"
    )
