"""A worker killed mid-task (SIGKILL of its whole process group, as a power cut or the
out-of-memory killer would) leaves no half-written data, and the job can be restarted: the
next worker marks it interrupted at start, the owner restarts it from the job page, and it
completes with the full data exactly once.

These tests run a real `sejahtera db_worker` process against the test database: a file-based
SQLite database, or PostgreSQL (CI runs both)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.jobs.services import interrupted_message, mark_interrupted, restart_job
from sejahtera.programs import cycles
from sejahtera.programs.models import Beneficiary, Programme
from sejahtera.programs.reference import load as load_programmes
from sejahtera.registry.imports.layout import suggest_mapping
from sejahtera.registry.models import Household, Membership, Person
from sejahtera.registry.services.imports import keep_upload, start_registry_import
from sejahtera.wilayah.models import Wilayah
from tests.conftest import DESA_A2, MOJOKERTO
from tests.jobs.workers import (
    kill_group,
    start_worker,
    stop_group,
    wait_for,
    worker_env,
    write_population,
)
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db(transaction=True)
HOUSEHOLDS = 3000  # 9,000 rows: progress every 500 rows, the whole import in seconds
KK_PREFIX = "351601"  # every KK of the file (kecamatan of DESA_A2)


@pytest.fixture
def var(settings: Any, tmp_path: Path) -> Path:
    """One var dir for this test process and its workers (uploads, errors files)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    var = tmp_path / "var"
    settings.IMPORT_DIR = var / "imports"
    settings.MEDIA_ROOT = var / "media"
    return var


@pytest.fixture
def workers(var: Path) -> Iterator[Any]:
    """Start workers against the test database; every one is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    log = var.parent / "worker.log"

    def start() -> subprocess.Popen[bytes]:
        env = worker_env(
            connection, SEJAHTERA_VAR_DIR=str(var), SEJAHTERA_IMPORT_PROGRESS_ROWS="500"
        )
        proc = start_worker(env, log)
        started.append(proc)
        return proc

    start.log = log  # type: ignore[attr-defined]
    yield start
    for proc in started:
        stop_group(proc)


def _job(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def _start_import(owner: Any, var: Path) -> Job:
    path = var.parent / "daftar.csv"
    var.mkdir(parents=True, exist_ok=True)
    write_population(path, households=HOUSEHOLDS, desa=DESA_A2)
    upload = SimpleUploadedFile("daftar.csv", path.read_bytes(), content_type="text/csv")
    token, table = keep_upload(actor=owner, upload=upload)
    return start_registry_import(
        actor=owner,
        token=token,
        mapping=suggest_mapping(table.headers()),
        file_name="daftar.csv",
    )


def _registry_rows() -> tuple[int, int, int]:
    return (
        Household.objects.filter(kk_number__startswith=KK_PREFIX).count(),
        Person.objects.filter(desa_id=DESA_A2).count(),
        Membership.objects.filter(person__desa_id=DESA_A2).count(),
    )


def _staging_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname IN "
            "('registry_import_stage', 'registry_import_new')"
        )
        return int(cursor.fetchone()[0])


def _waiting_to_audit() -> bool:
    """A worker's session waits for the audit table's lock: everything before its audit
    event (the last write of its transaction) has run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ['INSERT INTO "audit_auditevent"%'],
        )
        return bool(cursor.fetchone()[0])


def _lock_audit_table() -> Any:
    """Another session holding a lock that stops inserts into the audit table."""
    import psycopg

    s = connection.settings_dict
    lock = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
    )
    lock.execute("LOCK TABLE audit_auditevent IN SHARE ROW EXCLUSIVE MODE")
    return lock


def _slow_beneficiary_inserts() -> None:
    """SQLite cannot be paused from outside a transaction (one writer, no row locks): a
    test-only trigger makes each new beneficiary row cost a large join, so the run's one
    INSERT … SELECT takes seconds, inside its transaction, with rows already inserted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER test_slow_beneficiary AFTER INSERT ON programs_beneficiary BEGIN "
            "SELECT count(*) FROM (SELECT 1 FROM wilayah_wilayah a, wilayah_wilayah b "
            "LIMIT 8000000); END"
        )


def _restart(client: Client, owner: Any, job: Job, workers: Any) -> subprocess.Popen[bytes]:
    """A fresh worker marks the job interrupted when it starts; the owner restarts the job
    from its page. Returns the worker, which runs it."""
    proc = workers()
    job = wait_for(
        lambda: _job(job) if _job(job).status == JobStatus.FAILED else None,
        timeout=60,
        what="the new worker to mark the job interrupted",
        log=workers.log,
    )
    assert job.interrupted and job.message == interrupted_message()
    client.force_login(owner)
    page = client.get(f"/pekerjaan/{job.pk}/").content.decode()
    assert "Jalankan ulang" in page and "terputus sebelum selesai" in page
    response = client.post(f"/pekerjaan/{job.pk}/jalankan-ulang/")
    assert response.status_code == 302
    assert _job(job).status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE)
    return proc


def _finished(job: Job, workers: Any) -> Job:
    return wait_for(
        lambda: _job(job) if _job(job).is_finished else None,
        timeout=120,
        what="the restarted job to finish",
        log=workers.log,
    )


def test_import_killed_midway_saves_nothing_and_restarts(
    var: Path, workers: Any, make_user: Any, client: Client
) -> None:
    """Killed while staging the file; on PostgreSQL, restarted and killed again at the worst
    moment: every INSERT and UPDATE of the merge has run, the transaction is not committed
    (the test holds a lock on the audit table, whose event is the merge's last write). Then
    restarted once more: the registry holds the whole file, once."""
    owner = make_user(Role.ADMIN)
    job = _start_import(owner, var)
    token = job.params["token"]
    first = workers()
    running = wait_for(
        lambda: (
            j
            if (j := _job(job)).status == JobStatus.RUNNING and 0 < j.done < (j.total or 0)
            else None
        ),
        timeout=60,
        what="the import to be part-way",
        log=workers.log,
    )
    kill_group(first)
    assert 0 < running.done < HOUSEHOLDS * 3
    # Nothing of the file is in the registry, and the job still says "running".
    assert _registry_rows() == (0, 0, 0)
    assert _job(job).status == JobStatus.RUNNING
    assert not AuditEvent.objects.filter(action="import", object_type="registry.person").exists()
    assert (var / "imports" / token).exists()  # the upload waits for the restart
    attempts = 2
    if connection.vendor == "postgresql":
        # The staging tables were temporary: they went with the killed session.
        wait_for(lambda: _staging_tables() == 0, timeout=20, what="the staging tables to go")
        second = _restart(client, owner, job, workers)
        lock = _lock_audit_table()  # the worker is still staging: it cannot have merged yet
        try:
            wait_for(
                _waiting_to_audit,
                timeout=90,
                what="the merge to reach its audit event",
                log=workers.log,
            )
            assert _job(job).message == "Menyimpan ke registri"
            kill_group(second)
        finally:
            lock.rollback()
            lock.close()
        assert _registry_rows() == (0, 0, 0)
        assert _job(job).status == JobStatus.RUNNING
        attempts = 3

    _restart(client, owner, job, workers)
    done = _finished(job, workers)
    assert done.status == JobStatus.DONE, done.message
    assert done.attempts == attempts
    assert _registry_rows() == (HOUSEHOLDS, HOUSEHOLDS * 3, HOUSEHOLDS * 3)
    assert done.result["persons_created"] == HOUSEHOLDS * 3
    assert AuditEvent.objects.filter(action="import", object_type="registry.person").count() == 1
    assert not (var / "imports" / token).exists()  # personal data: removed once imported
    # A finished job is not run again.
    with pytest.raises(ValidationError, match="terhenti"):
        restart_job(actor=owner, job=done)


def test_eligibility_run_killed_leaves_the_draft_list_whole_and_restarts(
    var: Path, workers: Any, make_user: Any, client: Client
) -> None:
    """The run is one INSERT … SELECT in one transaction. On PostgreSQL the test pauses it
    after that INSERT (by locking the audit table) and kills the worker there; on SQLite a
    test-only trigger makes that INSERT take seconds and the worker is killed inside it."""
    load_programmes(stdout=io.StringIO())
    elderly = [build(Profile(age=70 + i, desil=1, in_dtks=True, size=1)) for i in range(12)]
    preparer = make_user(Role.OPERATOR_DINAS)
    cycle = cycles.create_cycle(
        actor=preparer,
        programme=Programme.objects.get(code="permakanan-pokmas"),
        name="Tahap I",
        as_of=dt.date(2026, 6, 15),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        area=Wilayah.objects.get(code=MOJOKERTO),
        quota=5,
    )
    lock = _lock_audit_table() if connection.vendor == "postgresql" else None
    if lock is None:
        _slow_beneficiary_inserts()
    try:
        job = cycles.start_run(actor=preparer, cycle=cycle)
        first = workers()
        if lock is not None:
            wait_for(
                _waiting_to_audit,
                timeout=60,
                what="the run to reach its audit event",
                log=workers.log,
            )
        else:
            wait_for(
                lambda: _job(job).status == JobStatus.RUNNING,
                timeout=60,
                what="the run to start",
                log=workers.log,
            )
            time.sleep(1)  # well inside the slowed INSERT (seconds)
            kill_group(first)
        if lock is not None:
            kill_group(first)
    finally:
        if lock is not None:
            lock.rollback()
            lock.close()
        else:
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER IF EXISTS test_slow_beneficiary")
    assert Beneficiary.objects.filter(cycle=cycle).count() == 0
    assert _job(job).status == JobStatus.RUNNING
    cycle.refresh_from_db()
    assert cycle.eligible_count is None

    _restart(client, preparer, job, workers)
    done = _finished(job, workers)
    assert done.status == JobStatus.DONE, done.message
    cycle.refresh_from_db()
    assert cycle.eligible_count == len(elderly)
    ranked = list(Beneficiary.objects.filter(cycle=cycle).order_by("rank"))
    assert [b.rank for b in ranked] == list(range(1, len(elderly) + 1))  # once each
    assert sum(b.selected for b in ranked) == 5


@pytest.mark.django_db
def test_a_job_whose_worker_is_gone_is_marked_and_restarted_by_command(
    make_user: Any, settings: Any
) -> None:
    """Without a worker restart: `sejahtera jobs stale` marks it, `sejahtera jobs restart`
    queues it again. A job whose worker is alive but silent for longer than
    JOB_STALE_MINUTES is taken as interrupted too; a live, recent one is left alone."""
    from django.core.management import call_command
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    owner = make_user(Role.ADMIN)
    dead = subprocess.Popen(["true"])  # noqa: S607
    dead.wait()
    import socket

    host = socket.gethostname()
    now = timezone.now()
    gone = Job.objects.create(
        kind="wilayah.load",
        title="Muat wilayah",
        owner=owner,
        status=JobStatus.RUNNING,
        worker=f"{host}:{dead.pid}:",
        started_at=now,
        heartbeat_at=now,
        task_path="sejahtera.wilayah.tasks.load_wilayah_task",
    )
    silent = Job.objects.create(
        kind="uji",
        title="Diam",
        status=JobStatus.RUNNING,
        worker="lain-server:1:",
        heartbeat_at=now - dt.timedelta(minutes=settings.JOB_STALE_MINUTES + 1),
    )
    alive = Job.objects.create(
        kind="uji",
        title="Hidup",
        status=JobStatus.RUNNING,
        worker="lain-server:1:",
        heartbeat_at=now,
    )
    out = io.StringIO()
    call_command("jobs", "stale", stdout=out)
    assert "Ditandai terhenti: 2" in out.getvalue()
    assert _job(gone).status == JobStatus.FAILED and _job(gone).interrupted
    assert _job(silent).status == JobStatus.FAILED
    assert _job(alive).status == JobStatus.RUNNING
    assert mark_interrupted() == []
    call_command("jobs", "restart", str(gone.pk), stdout=out)
    restarted = _job(gone)
    assert restarted.status == JobStatus.QUEUED and not restarted.interrupted
    assert restarted.message == "Dijalankan ulang; menunggu giliran."
    # A job without a known task cannot be restarted; a live one neither.
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tidak dapat dijalankan ulang"):
        call_command("jobs", "restart", str(silent.pk), stdout=out)
    with pytest.raises(CommandError, match="masih berjalan"):
        call_command("jobs", "restart", str(alive.pk), stdout=out)
    # Someone else's job: not theirs to restart.
    other = make_user(Role.OPERATOR_DINAS)
    Job.objects.filter(pk=gone.pk).update(status=JobStatus.FAILED, interrupted=True)
    with pytest.raises(PermissionDenied, match="tidak berwenang"):
        restart_job(actor=other, job=_job(gone))
