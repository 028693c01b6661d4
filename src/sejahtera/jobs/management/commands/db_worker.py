"""`sejahtera db_worker`: django-tasks-db's worker, which first marks the jobs that a killed
worker of this host left running as interrupted, so that they can be restarted."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from sejahtera.jobs.services import mark_interrupted


class Command(DbWorkerCommand):
    help = "Jalankan pekerja tugas latar (setelah menandai pekerjaan yang terhenti)."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in mark_interrupted():
            self.stdout.write(f"Pekerjaan terhenti: {job.pk} {job.title} ({job.worker})")
        super().handle(*args, **options)
