from __future__ import annotations

from typing import Any

from django_tasks import task

from sejahtera.jobs.services import run_job


@task()
def import_registry_task(
    job_id: str, token: str, mapping: dict[str, str], file_name: str, default_period: str = ""
) -> dict[str, Any]:
    from sejahtera.registry.services.imports import import_body

    return run_job(
        job_id,
        import_body(
            token=token, mapping=mapping, file_name=file_name, default_period=default_period
        ),
    )
