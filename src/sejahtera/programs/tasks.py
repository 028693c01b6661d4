from __future__ import annotations

from typing import Any

from django_tasks import task

from sejahtera.jobs.services import run_job


@task()
def run_cycle_task(job_id: str, cycle_id: int) -> dict[str, Any]:
    from sejahtera.jobs.models import Job
    from sejahtera.jobs.services import JobError, Progress
    from sejahtera.programs.cycles import run_cycle
    from sejahtera.programs.models import Cycle

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        cycle = Cycle.objects.get(pk=cycle_id)
        progress(0, 1, "Menghitung kelayakan")
        try:
            count = run_cycle(cycle=cycle)
        except ValidationError as exc:
            raise JobError("; ".join(exc.messages)) from exc
        progress(1, 1, f"{count} orang memenuhi syarat")
        return {"eligible": count, "cycle": cycle_id}

    return run_job(job_id, body)
