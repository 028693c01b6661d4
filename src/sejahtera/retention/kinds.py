"""The kinds of record that have a retention period, and what removing one means. The periods
are office configuration (data/retention.yaml, read by rules.py); what each kind selects and
does is code, here, and the configuration file must describe it truthfully (rules.py checks
`what`, `age_field` and `action` against these definitions).

A kind selects the records whose age (a date or time on the record) is older than a cutoff and
removes them set-based: one DELETE or UPDATE over the selection, never row by row. Files that
belong to removed rows are deleted from storage only after the transaction commits, by the
cleanup a removal returns, so a rolled-back removal leaves every file in place."""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Action(StrEnum):
    DELETE = "delete"  # the rows go, with the files they hold
    ANONYMISE = "anonymise"  # personal fields are emptied; the row and its statistics stay
    DELETE_FILES = "delete_files"  # the files go; the rows stay

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])

    @property
    def done(self) -> str:
        return str(DONE_LABELS[self])


ACTION_LABELS: dict[Action, Promise] = {
    Action.DELETE: _("hapus"),
    Action.ANONYMISE: _("anonimkan"),
    Action.DELETE_FILES: _("hapus berkas"),
}
DONE_LABELS: dict[Action, Promise] = {
    Action.DELETE: _("dihapus"),
    Action.ANONYMISE: _("dianonimkan"),
    Action.DELETE_FILES: _("berkasnya dihapus"),
}


@dataclass(frozen=True)
class Removal:
    """What one removal did: `count` records removed or anonymised, `files` files to delete,
    and the cleanup that deletes them (run it after the commit)."""

    count: int
    files: int
    cleanup: Callable[[], None]
    cascaded: dict[str, int] = field(default_factory=dict)


def _nothing() -> None:
    return None


class Kind(ABC):
    key: str
    what: str
    age_field: str
    action: Action
    label: Promise

    @abstractmethod
    def due(self, cutoff: dt.datetime) -> QuerySet[Any] | list[Path]:
        """The records older than the cutoff that this kind would remove."""

    @abstractmethod
    def summary(self, cutoff: dt.datetime) -> tuple[int, dt.date | dt.datetime | None]:
        """How many are due, and the age of the oldest."""

    @abstractmethod
    def remove(self, cutoff: dt.datetime) -> Removal:
        """Remove what is due, inside the caller's transaction."""


def _delete_stored(storage: Storage, names: list[str]) -> Callable[[], None]:
    def cleanup() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # a missing or locked file must not stop the others
                logger.warning("retention: berkas %s tidak dapat dihapus", name, exc_info=True)

    return cleanup


@dataclass(frozen=True)
class RowsKind(Kind):
    """Rows of one model. `age` is the field (or an expression over fields) whose value must
    be older than the cutoff; `dated` when it is a date rather than a time. `where` narrows
    the rows (e.g. only finished jobs); `files` are the file fields whose files go with a
    deleted row; `values` the fields an anonymisation empties (rows already empty are not
    due); `file_field` the field a delete_files action empties."""

    key: str
    what: str
    age_field: str
    action: Action
    label: Promise
    model: str
    age: str | Coalesce = ""
    dated: bool = False
    where: Callable[[], Q] | None = None
    files: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    file_field: str = ""

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def _limit(self, cutoff: dt.datetime) -> dt.date | dt.datetime:
        return timezone.localdate(cutoff) if self.dated else cutoff

    def due(self, cutoff: dt.datetime) -> QuerySet[Any]:
        model = self.model_class()
        age = self.age or self.age_field
        rows = model._default_manager.annotate(
            retention_age=F(age) if isinstance(age, str) else age
        )
        if self.where is not None:
            rows = rows.filter(self.where())
        if self.action == Action.ANONYMISE:
            # Only rows that still hold something to empty: a second run finds nothing.
            rows = rows.exclude(Q(**dict(self.values)))
        if self.action == Action.DELETE_FILES:
            rows = rows.exclude(**{self.file_field: ""})
        return rows.filter(retention_age__lt=self._limit(cutoff))

    def summary(self, cutoff: dt.datetime) -> tuple[int, dt.date | dt.datetime | None]:
        found = self.due(cutoff).aggregate(n=models.Count("pk"), oldest=Min("retention_age"))
        return int(found["n"]), found["oldest"]

    def _selected(self, cutoff: dt.datetime) -> QuerySet[Any]:
        """The due rows as a plain queryset (a subquery of their keys), which DELETE and
        UPDATE accept whatever joins the selection needed."""
        model = self.model_class()
        return model._default_manager.filter(pk__in=self.due(cutoff).values("pk"))

    def _file_names(self, rows: QuerySet[Any], names: tuple[str, ...]) -> tuple[Storage, list[str]]:
        model = self.model_class()
        found: list[str] = []
        storage: Storage | None = None
        for name in names:
            file_field = model._meta.get_field(name)
            assert isinstance(file_field, models.FileField)
            storage = file_field.storage
            found += [n for n in rows.exclude(**{name: ""}).values_list(name, flat=True) if n]
        assert storage is not None
        return storage, found

    def remove(self, cutoff: dt.datetime) -> Removal:
        rows = self._selected(cutoff)
        if self.action == Action.ANONYMISE:
            return Removal(count=rows.update(**self.values), files=0, cleanup=_nothing)
        if self.action == Action.DELETE_FILES:
            storage, names = self._file_names(rows, (self.file_field,))
            count = rows.update(**{self.file_field: ""})
            return Removal(count=count, files=len(names), cleanup=_delete_stored(storage, names))
        cleanup: Callable[[], None] = _nothing
        names = []
        if self.files:
            storage, names = self._file_names(rows, self.files)
            cleanup = _delete_stored(storage, names)
        _, per_model = rows.delete()
        label = self.model_class()._meta.label
        count = per_model.pop(label, 0)
        return Removal(
            count=count,
            files=len(names),
            cleanup=cleanup,
            cascaded={k: v for k, v in per_model.items() if v},
        )


@dataclass(frozen=True)
class UploadsKind(Kind):
    """Files left in IMPORT_DIR: a list uploaded for an import or a match whose next step
    never came (the import and the match delete their file themselves). A file that a queued
    or running job will still read is never due."""

    key: str
    what: str
    age_field: str
    action: Action
    label: Promise

    def _in_use(self) -> set[str]:
        from sejahtera.jobs.models import Job, JobStatus

        tokens: set[str] = set()
        waiting = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        for params in waiting.values_list("params", flat=True):
            if isinstance(params, dict) and isinstance(params.get("token"), str):
                tokens.add(params["token"])
        return tokens

    def due(self, cutoff: dt.datetime) -> list[Path]:
        directory = Path(settings.IMPORT_DIR)
        if not directory.is_dir():
            return []
        limit = cutoff.timestamp()
        in_use = self._in_use()
        return sorted(
            path
            for path in directory.iterdir()
            if path.is_file() and path.name not in in_use and path.stat().st_mtime < limit
        )

    def summary(self, cutoff: dt.datetime) -> tuple[int, dt.date | dt.datetime | None]:
        paths = self.due(cutoff)
        if not paths:
            return 0, None
        oldest = min(path.stat().st_mtime for path in paths)
        return len(paths), dt.datetime.fromtimestamp(oldest, tz=dt.UTC)

    def remove(self, cutoff: dt.datetime) -> Removal:
        paths = self.due(cutoff)

        def cleanup() -> None:
            for path in paths:
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    logger.warning("retention: berkas %s tidak dapat dihapus", path, exc_info=True)

        return Removal(count=len(paths), files=len(paths), cleanup=cleanup)


def _finished_job() -> Q:
    from sejahtera.jobs.models import JobStatus

    return Q(status__in=[JobStatus.DONE, JobStatus.FAILED])


def _finished_task() -> Q:
    return Q(status__in=["SUCCESSFUL", "FAILED"])


def _outside_list_idle() -> Q:
    from sejahtera.jobs.models import JobStatus

    return Q(job__isnull=True) | ~Q(job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


def _rejected_proposal() -> Q:
    from sejahtera.registry.models import ProposalStatus

    return Q(proposal__status=ProposalStatus.REJECTED)


def _closed_request() -> Q:
    from sejahtera.services.models import RequestStatus

    return Q(request__status__in=[RequestStatus.DONE, RequestStatus.REFUSED])


def _closed_request_itself() -> Q:
    from sejahtera.services.models import RequestStatus

    return Q(status__in=[RequestStatus.DONE, RequestStatus.REFUSED])


def _answered_complaint() -> Q:
    from sejahtera.services.models import ComplaintStatus

    return Q(status__in=[ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED])


KINDS: list[Kind] = [
    RowsKind(
        key="public_checks",
        what="programs.PublicCheck",
        age_field="at",
        action=Action.DELETE,
        label=_("Catatan cek bansos publik"),
        model="programs.PublicCheck",
    ),
    RowsKind(
        key="login_attempts",
        what="axes.AccessAttempt",
        age_field="attempt_time",
        action=Action.DELETE,
        label=_("Percobaan masuk gagal (penguncian)"),
        model="axes.AccessAttempt",
    ),
    RowsKind(
        key="login_failures",
        what="axes.AccessFailureLog",
        age_field="attempt_time",
        action=Action.DELETE,
        label=_("Log kegagalan masuk"),
        model="axes.AccessFailureLog",
    ),
    RowsKind(
        key="access_logs",
        what="axes.AccessLog",
        age_field="attempt_time",
        action=Action.DELETE,
        label=_("Log masuk dan keluar"),
        model="axes.AccessLog",
    ),
    RowsKind(
        key="sessions",
        what="sessions.Session",
        age_field="expire_date",
        action=Action.DELETE,
        label=_("Sesi yang kedaluwarsa"),
        model="sessions.Session",
    ),
    RowsKind(
        key="unconfirmed_otp",
        what="otp_totp.TOTPDevice",
        age_field="created_at",
        action=Action.DELETE,
        label=_("Verifikasi dua langkah yang tidak diselesaikan"),
        model="otp_totp.TOTPDevice",
        where=lambda: Q(confirmed=False),
    ),
    RowsKind(
        key="job_error_files",
        what="jobs.Job.errors_file",
        age_field="finished_at",
        action=Action.DELETE_FILES,
        label=_("Berkas kesalahan impor"),
        model="jobs.Job",
        where=_finished_job,
        file_field="errors_file",
    ),
    RowsKind(
        key="finished_jobs",
        what="jobs.Job",
        age_field="finished_at",
        action=Action.DELETE,
        label=_("Pekerjaan latar yang sudah selesai"),
        model="jobs.Job",
        where=_finished_job,
        files=("errors_file",),
    ),
    RowsKind(
        key="task_results",
        what="django_tasks_database.DBTaskResult",
        age_field="finished_at",
        action=Action.DELETE,
        label=_("Antrean tugas yang sudah selesai"),
        model="django_tasks_database.DBTaskResult",
        where=_finished_task,
    ),
    UploadsKind(
        key="import_uploads",
        what="IMPORT_DIR",
        age_field="mtime",
        action=Action.DELETE_FILES,
        label=_("Berkas unggahan yang tidak pernah diproses"),
    ),
    RowsKind(
        key="outside_lists",
        what="linkage.OutsideList",
        age_field="uploaded_at",
        action=Action.DELETE,
        label=_("Daftar dari luar dan hasil pencocokannya"),
        model="linkage.OutsideList",
        where=_outside_list_idle,
    ),
    RowsKind(
        key="rejected_proposal_photos",
        what="registry.ProposalPhoto",
        age_field="proposal__decided_at",
        action=Action.DELETE,
        label=_("Foto verifikasi usulan yang ditolak"),
        model="registry.ProposalPhoto",
        where=_rejected_proposal,
        files=("image",),
    ),
    RowsKind(
        key="service_request_documents",
        what="services.RequestDocument",
        age_field="request__closed_on",
        action=Action.DELETE,
        label=_("Dokumen permohonan layanan yang sudah selesai"),
        model="services.RequestDocument",
        dated=True,
        where=_closed_request,
        files=("file",),
    ),
    RowsKind(
        key="service_request_contacts",
        what="services.ServiceRequest.phone",
        age_field="closed_on",
        action=Action.ANONYMISE,
        label=_("Telepon pemohon layanan yang sudah selesai"),
        model="services.ServiceRequest",
        dated=True,
        where=_closed_request_itself,
        values={"phone": ""},
    ),
    RowsKind(
        key="complaint_contacts",
        what="services.Complaint.complainant_name,contact",
        age_field="closed_on|answered_on",
        action=Action.ANONYMISE,
        label=_("Nama dan kontak pengadu"),
        model="services.Complaint",
        age=Coalesce("closed_on", "answered_on"),
        dated=True,
        where=_answered_complaint,
        values={"complainant_name": "", "contact": ""},
    ),
]

BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}
