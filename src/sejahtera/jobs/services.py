"""Starting background jobs, reporting their progress, and restarting interrupted ones.

A job is started by a service (`start_job`), which stores a `Job` row and enqueues the task
when the surrounding transaction commits. The task body receives a `Progress` and reports
through it; progress is written in autocommit so other requests see it while the task runs.
A task body that needs all-or-nothing writes does its checking first, reporting progress, and
its writing at the end in one transaction.

A worker killed mid-task (power cut, out of memory, `kill -9`) commits nothing of that last
transaction, but leaves its job "running". Such a job is found by `mark_interrupted`: its
process is gone (same host), or it gave no sign of life for `JOB_STALE_MINUTES`. It is then
marked failed ("Proses terhenti; silakan jalankan ulang") and `restart_job` enqueues the same
task with the same parameters again. Every task body is safe to run again: imports merge
only what differs, an eligibility run replaces the draft list, and so on."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        update: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            update["total"] = total
        if message:
            update["message"] = message[:500]
        Job.objects.filter(pk=self.job_id).update(**update)


def _task_path(task: Any) -> str:
    return str(getattr(task, "module_path", "") or "")


def _enqueue(job: Job, task: Any) -> None:
    """Enqueue `task(job_id=..., **params)` when the surrounding transaction commits."""
    job_id, params = str(job.pk), dict(job.params)

    def enqueue() -> None:
        result = task.enqueue(job_id=job_id, **params)
        Job.objects.filter(pk=job_id).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)


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
            task_path=_task_path(task),
        )
        _enqueue(job, task)
    return job


def this_process() -> str:
    """`host:pid:start` of the running process; the start time (from /proc, where there is
    one) tells a living process from a later one that reuses the pid."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22 (starttime); the command name (field 2) may hold spaces, so count after ')'.
    return stat.rsplit(")", 1)[1].split()[19]


def process_gone(worker: str) -> bool:
    """Whether the process named by `worker` has certainly ended. Only a process of this
    host can be checked; for another host the answer is False (not known)."""
    host, _sep, rest = worker.partition(":")
    pid_text, _sep, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: alive
    return bool(started) and _start_time(pid) not in ("", started)


def run_job(job_id: str, body: Callable[[Job, Progress], dict[str, Any]]) -> dict[str, Any]:
    """Run a task body under its job record: mark it running (with this process as its
    worker), store its result, or store the failure with its message. Returns the result."""
    now = timezone.now()
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=this_process(),
        attempts=job.attempts + 1,
        interrupted=False,
    )
    job.refresh_from_db()
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


def is_stale(job: Job, *, now: dt.datetime | None = None) -> bool:
    """A running job whose process is gone, or that gave no sign of life (start or
    progress) for JOB_STALE_MINUTES."""
    if job.status != JobStatus.RUNNING:
        return False
    if job.worker and process_gone(job.worker):
        return True
    last = job.heartbeat_at or job.started_at
    limit = dt.timedelta(minutes=settings.JOB_STALE_MINUTES)
    return last is not None and (now or timezone.now()) - last > limit


def interrupted_message() -> str:
    return _("Proses terhenti; silakan jalankan ulang.")


@transaction.atomic
def mark_interrupted(*, job: Job | None = None) -> list[Job]:
    """Mark running jobs that were interrupted (all of them, or just `job`) as failed, so
    they can be restarted. Returns the jobs marked. Run by the worker when it starts, by
    `sejahtera jobs stale`, and when a running job's page is looked at."""
    running = Job.objects.select_for_update().filter(status=JobStatus.RUNNING)
    if job is not None:
        running = running.filter(pk=job.pk)
    now = timezone.now()
    marked = []
    for candidate in running:
        if not is_stale(candidate, now=now):
            continue
        candidate.status = JobStatus.FAILED
        candidate.interrupted = True
        candidate.finished_at = now
        candidate.message = interrupted_message()
        candidate.save(update_fields=["status", "interrupted", "finished_at", "message"])
        _end_task_result(candidate.task_result_id)
        audit.record(
            actor=None,
            action=Action.UPDATE,
            obj=candidate,
            wilayah_code=candidate.wilayah_code,
            changes={"status": [JobStatus.RUNNING, JobStatus.FAILED]},
            extra={"interrupted": True, "worker": candidate.worker},
        )
        logger.warning("job %s (%s) was interrupted", candidate.pk, candidate.worker)
        marked.append(candidate)
    return marked


def _end_task_result(task_result_id: str) -> None:
    """The database backend's record of the lost task is left "running" by the killed
    worker; close it as failed so it does not look alive."""
    if not task_result_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="sejahtera.jobs.services.WorkerLost",
        traceback="Proses pekerja terhenti sebelum tugas selesai.",
    )


def may_restart(actor: Any, job: Job) -> bool:
    """The job's owner or an administrator (or the system) may run a job again."""
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return job.owner_id == actor.pk or can(actor, Cap.MANAGE_USERS)


@transaction.atomic
def restart_job(*, actor: Any, job: Job) -> Job:
    """Run an interrupted job again with the same task and parameters, as the same job."""
    if not may_restart(actor, job):
        raise PermissionDenied(_("Anda tidak berwenang menjalankan ulang pekerjaan ini."))
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.RUNNING:
        if not is_stale(job):
            raise ValidationError(_("Pekerjaan ini masih berjalan."))
        mark_interrupted(job=job)
        job.refresh_from_db()
    if not job.can_restart:
        if not job.task_path and job.interrupted:
            raise ValidationError(
                _(
                    "Pekerjaan ini tidak dapat dijalankan ulang dari sini; mulai lagi dari halamannya."
                )
            )
        raise ValidationError(_("Hanya pekerjaan yang terhenti yang dapat dijalankan ulang."))
    task = import_string(job.task_path)
    before = job.status
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED,
        interrupted=False,
        done=0,
        total=None,
        message=_("Dijalankan ulang; menunggu giliran."),
        result={},
        errors_file="",
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        worker="",
        task_result_id="",
    )
    job.refresh_from_db()
    _enqueue(job, task)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=job,
        wilayah_code=job.wilayah_code,
        changes={"status": [before, JobStatus.QUEUED]},
        extra={"restart": True, "attempts": job.attempts},
    )
    return job
