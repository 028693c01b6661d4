from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Buat")
    UPDATE = "update", _("Ubah")
    DELETE = "delete", _("Hapus")
    VIEW = "view", _("Lihat")
    EXPORT = "export", _("Ekspor")
    IMPORT = "import", _("Impor")
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOGOUT = "logout", _("Keluar")


class AuditEvent(models.Model):
    """One thing that happened: a write (with old → new values), a view of a person's record,
    an export, a sign-in. Rows are only ever added."""

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("nama pengguna pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=200, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    wilayah_code = models.CharField(_("kode wilayah"), max_length=13, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=255, blank=True)
    extra = models.JSONField(_("keterangan"), default=dict, blank=True)
    # The chain (see audit/chain.py): set once, when the event is sealed after its commit.
    seq = models.PositiveBigIntegerField(_("urutan rantai"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(_("sidik rantai"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("kejadian audit")
        verbose_name_plural = _("kejadian audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"


class ChainHead(models.Model):
    """The last sealed link of the audit chain (one row). Sealing locks it, so links are
    added one transaction at a time."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.last_seq}: {self.last_hash[:12]}"
