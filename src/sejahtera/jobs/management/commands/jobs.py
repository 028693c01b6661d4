"""`sejahtera jobs stale|restart ID`: mark the jobs whose worker was killed as interrupted;
run an interrupted job again with the same parameters."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.jobs.models import Job
from sejahtera.jobs.services import mark_interrupted, restart_job


class Command(BaseCommand):
    help = "Pekerjaan latar: tandai yang terhenti, jalankan ulang."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("stale", help="tandai pekerjaan yang prosesnya sudah tidak ada")
        restart = sub.add_parser("restart", help="jalankan ulang pekerjaan yang terhenti")
        restart.add_argument("job_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "stale":
            marked = mark_interrupted()
            for job in marked:
                self.stdout.write(f"Terhenti: {job.pk} {job.title} ({job.worker})")
            self.stdout.write(f"Ditandai terhenti: {len(marked)} pekerjaan")
            return
        try:
            found = Job.objects.filter(pk=uuid.UUID(options["job_id"])).first()
        except ValueError:
            found = None
        if found is None:
            raise CommandError("Pekerjaan tidak ditemukan.")
        try:
            job = restart_job(actor=None, job=found)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Dijalankan ulang: {job.pk} {job.title}")
