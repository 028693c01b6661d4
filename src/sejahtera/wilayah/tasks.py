from __future__ import annotations

from typing import Any

from django_tasks import task

from sejahtera.jobs.models import Job
from sejahtera.jobs.services import JobError, Progress, run_job


@task()
def load_wilayah_task(job_id: str) -> dict[str, Any]:
    from sejahtera.wilayah.services import WilayahDataError, load_wilayah

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        try:
            report = load_wilayah(actor=job.owner, progress=progress)
        except WilayahDataError as exc:
            raise JobError(str(exc)) from exc
        result = report.as_dict()
        added = sum(report.added.values())
        changed = sum(report.changed.values())
        result["message"] = (
            f"{added} wilayah baru, {changed} berubah, {len(report.unlisted)} tidak tercantum lagi"
        )
        return result

    return run_job(job_id, body)
