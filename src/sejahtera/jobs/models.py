from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class Job(models.Model):
    """The progress record of one background task, which the UI polls."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=60, db_index=True)
    title = models.CharField(_("judul"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    wilayah_code = models.CharField(_("kode wilayah"), max_length=13, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), null=True, blank=True)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    errors_file = models.FileField(_("berkas kesalahan"), upload_to="jobs/errors/", blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # The task to enqueue again when an interrupted job is restarted (its module path).
    task_path = models.CharField(max_length=200, blank=True)
    # The process running the job ("host:pid:start"), and its last sign of life: a job whose
    # process is gone, or silent for too long, was interrupted (see jobs.services).
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    interrupted = models.BooleanField(_("terhenti"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def can_restart(self) -> bool:
        """An interrupted job whose task is known can be run again with the same
        parameters."""
        return self.status == JobStatus.FAILED and self.interrupted and bool(self.task_path)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))
