from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.jobs.services import JobError, Progress, run_job, start_job
from sejahtera.wilayah.tasks import load_wilayah_task

pytestmark = pytest.mark.django_db


def test_run_job_records_progress_and_result(make_user: Any) -> None:
    job = Job.objects.create(kind="uji", title="Uji")
    seen: list[int] = []

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        for i in range(1, 4):
            progress(i, 3, f"langkah {i}")
            seen.append(Job.objects.get(pk=job.pk).done)
        return {"message": "beres", "n": 3}

    run_job(str(job.pk), body)
    job.refresh_from_db()
    assert seen == [1, 2, 3]
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.result["n"] == 3 and job.message == "beres"


def test_job_error_is_reported_with_errors_file() -> None:
    job = Job.objects.create(kind="uji", title="Uji")

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        raise JobError("Baris 3: NIK tidak valid", errors_csv="baris,alasan\n3,NIK tidak valid\n")

    run_job(str(job.pk), body)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "Baris 3: NIK tidak valid"
    assert b"NIK tidak valid" in job.errors_file.read()


def test_unexpected_error_fails_job_without_leaking_trace() -> None:
    job = Job.objects.create(kind="uji", title="Uji")

    def body(job: Job, progress: Progress) -> dict[str, Any]:
        raise RuntimeError("rahasia internal")

    with pytest.raises(RuntimeError):
        run_job(str(job.pk), body)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "rahasia" not in job.message and "log server" in job.message


def test_wilayah_reload_from_ui_runs_as_job(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wilayah/muat-ulang/")
    job = Job.objects.get(kind="wilayah.load")
    assert response["Location"] == f"/pekerjaan/{job.pk}/"
    assert job.status == JobStatus.DONE, job.message
    assert job.result["counts"]["desa"] == 83762
    assert job.result["added"]["desa"] == 0
    page = client.get(f"/pekerjaan/{job.pk}/").content.decode()
    assert "Selesai" in page


def test_progress_fragment_polls_until_finished(client: Client, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    client.force_login(user)
    job = Job.objects.create(
        kind="uji", title="Uji", owner=user, status=JobStatus.RUNNING, done=5, total=10
    )
    running = client.get(f"/pekerjaan/{job.pk}/kemajuan/").content.decode()
    assert 'hx-trigger="every 1s"' in running and "50%" in running
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    done = client.get(f"/pekerjaan/{job.pk}/kemajuan/").content.decode()
    assert "hx-trigger" not in done and "100%" in done
    api = client.get(f"/api/pekerjaan/{job.pk}").json()
    assert api["status"] == "done" and api["percent"] == 100


def test_jobs_of_others_are_hidden(client: Client, make_user: Any) -> None:
    owner = make_user(Role.OPERATOR_DINAS)
    job = Job.objects.create(kind="uji", title="Rahasia", owner=owner)
    client.force_login(make_user(Role.OPERATOR_DINAS))
    assert client.get(f"/pekerjaan/{job.pk}/").status_code == 404
    assert client.get(f"/pekerjaan/{job.pk}/kemajuan/").status_code == 404
    assert client.get(f"/api/pekerjaan/{job.pk}").status_code == 404
    assert "Rahasia" not in client.get("/pekerjaan/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_database_backend_and_worker_process(settings: Any, make_user: Any) -> None:
    """The real path: the task is stored by the django-tasks-db backend and a separate
    `db_worker` process runs it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django.db import connection

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    admin = make_user(Role.ADMIN)
    job = start_job(actor=admin, kind="wilayah.load", title="Muat", task=load_wilayah_task)
    assert Job.objects.get(pk=job.pk).task_result_id
    env = _env_for_worker(connection)
    result = subprocess.run(
        [sys.executable, "-m", "sejahtera", "db_worker", "--batch", "--no-startup-delay"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, (job.message, result.stderr[-2000:])


def _env_for_worker(connection: Any) -> dict[str, str]:
    import os

    env = dict(os.environ)
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{name}"
    else:
        s = connection.settings_dict
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}/{name}"
    env["SEJAHTERA_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    return env
