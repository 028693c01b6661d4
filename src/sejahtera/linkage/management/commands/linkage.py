"""`sejahtera linkage duplicates [--keep-model] [--threshold 0.5]`: the district's duplicate
search in the foreground (the same body as the page's background job), e.g. from cron at
night."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.jobs.models import Job, JobStatus
from sejahtera.jobs.services import run_job
from sejahtera.linkage.runs import DEFAULT_THRESHOLD, JOB_KIND, office_area, search_body


class Command(BaseCommand):
    help = "Pencocokan: cari data ganda di seluruh kabupaten."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        duplicates = sub.add_parser("duplicates", help="cari data ganda (latih model baru)")
        duplicates.add_argument(
            "--keep-model", action="store_true", help="pakai model terakhir, jangan latih ulang"
        )
        duplicates.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        duplicates.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            default="duckdb",
            help="mesin penilai pasangan: duckdb (satu mesin) atau spark (pyspark, opsional)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        area = office_area()
        retrain = not options["keep_model"]
        threshold = options["threshold"]
        if not 0.05 <= threshold < 1:
            raise CommandError("Ambang peluang harus antara 0,05 dan 0,99.")
        job = Job.objects.create(
            kind=JOB_KIND,
            title=f"Cari data ganda di {area}",
            wilayah_code=area,
            params={"area_code": area, "retrain": retrain, "threshold": threshold},
        )
        result = run_job(
            str(job.pk),
            search_body(
                area_code=area, retrain=retrain, threshold=threshold, engine=options["engine"]
            ),
        )
        job.refresh_from_db()
        if job.status != JobStatus.DONE:
            raise CommandError(job.message)
        self.stdout.write(str(result.get("message", result)))
