"""Starting background jobs and reporting their progress.

A job is started by a service (`start_job`), which stores a `Job` row and enqueues the task
when the surrounding transaction commits. The task body receives a `Progress` and reports
through it; progress is written in autocommit so other requests see it while the task runs.
A task body that needs all-or-nothing writes does its checking first, reporting progress, and
its writing at the end in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        update: dict[str, Any] = {"done": done}
        if total is not None:
            update["total"] = total
        if message:
            update["message"] = message[:500]
        Job.objects.filter(pk=self.job_id).update(**update)


def start_job(
    *,
    actor: Any,
    kind: str,
    title: str,
    task: Any,
    params: dict[str, Any] | None = None,
    wilayah_code: str = "",
) -> Job:
    """Create the job record and enqueue `task(job_id=..., **params)` on commit."""
    params = params or {}
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title,
            owner=actor if getattr(actor, "is_authenticated", False) else None,
            params=params,
            wilayah_code=wilayah_code,
        )

        def enqueue() -> None:
            result = task.enqueue(job_id=str(job.id), **params)
            Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

        transaction.on_commit(enqueue)
    return job


def run_job(job_id: str, body: Callable[[Job, Progress], dict[str, Any]]) -> dict[str, Any]:
    """Run a task body under its job record: mark it running, store its result, or store the
    failure with its message. Returns the result."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    progress = Progress(job_id)
    try:
        result = body(job, progress)
    except JobError as exc:
        _fail(job_id, str(exc), exc.errors_csv)
        return {"error": str(exc)}
    except Exception:
        logger.exception("job %s failed", job_id)
        _fail(job_id, _("Terjadi kesalahan tak terduga; rincian ada di log server."), None)
        raise
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        result=result,
        finished_at=timezone.now(),
        message=str(result.get("message", ""))[:500],
    )
    return result


class JobError(Exception):
    """A failure to report to the user, optionally with a CSV of the rows that failed."""

    def __init__(self, message: str, errors_csv: str | None = None) -> None:
        super().__init__(message)
        self.errors_csv = errors_csv


def _fail(job_id: str, message: str, errors_csv: str | None) -> None:
    job = Job.objects.get(pk=job_id)
    job.status = JobStatus.FAILED
    job.message = message[:500]
    job.finished_at = timezone.now()
    if errors_csv is not None:
        job.errors_file.save(
            f"{job_id}.csv", ContentFile(errors_csv.encode("utf-8-sig")), save=False
        )
    job.save()
