from __future__ import annotations

from typing import Any

from django_tasks import task

from sejahtera.jobs.services import run_job


@task()
def find_duplicates_task(
    job_id: str, area_code: str, retrain: bool = True, threshold: float = 0.5
) -> dict[str, Any]:
    from sejahtera.linkage.runs import search_body

    return run_job(job_id, search_body(area_code=area_code, retrain=retrain, threshold=threshold))


@task()
def match_outside_list_task(job_id: str, list_id: int) -> dict[str, Any]:
    from sejahtera.linkage.outside import match_body

    return run_job(job_id, match_body(list_id=list_id))
