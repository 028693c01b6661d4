import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter
from sejahtera.jobs.selectors import jobs_for

router: Router = CapabilityRouter(Cap.VIEW, tags=["pekerjaan"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    status: str
    done: int
    total: int | None
    percent: int
    message: str
    result: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/{job_id}", response=JobOut, summary="Kemajuan satu pekerjaan latar")
def get_job(request: HttpRequest, job_id: uuid.UUID) -> object:
    return get_object_or_404(jobs_for(request.user), pk=job_id)
