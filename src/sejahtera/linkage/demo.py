"""Demo data of the linkage app: the duplicate search run once over the demo population
(which has its injected duplicates), so the queue and the entry-time check work at once."""

from __future__ import annotations

from typing import TextIO

from django.utils.translation import gettext as _

from sejahtera.jobs.models import Job
from sejahtera.jobs.services import run_job
from sejahtera.linkage import records
from sejahtera.linkage.models import LinkageModel
from sejahtera.linkage.runs import JOB_KIND, MIN_PERSONS, office_area, search_body


def load(*, stdout: TextIO) -> None:
    if LinkageModel.objects.exists():
        stdout.write("Model pencocokan demo: sudah ada\n")
        return
    area = office_area()
    if records.persons(area).count() < MIN_PERSONS:
        stdout.write("Model pencocokan demo: penduduk terlalu sedikit, dilewati\n")
        return
    job = Job.objects.create(
        kind=JOB_KIND,
        title=_("Cari data ganda di %(area)s") % {"area": area},
        wilayah_code=area,
        params={"area_code": area, "retrain": True, "threshold": 0.5},
    )
    result = run_job(str(job.pk), search_body(area_code=area, u_sample_pairs=1e6))
    stdout.write(f"Model pencocokan demo: {result.get('message', result)}\n")
