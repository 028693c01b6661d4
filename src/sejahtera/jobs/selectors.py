from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope_q
from sejahtera.jobs.models import Job


def jobs_for(user: Any) -> QuerySet[Job]:
    """A user sees their own jobs; those who may read the audit trail also see the jobs of
    their areas."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    q = Q(owner=user)
    if can(user, Cap.VIEW_AUDIT):
        q |= scope_q(user, "wilayah_code")
    return Job.objects.filter(q)
