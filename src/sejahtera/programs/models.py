"""Assistance programmes (bansos) as reference data, their recipient counts of previous
years, and their eligibility rules as versioned data built from the criterion types of
`programs.criteria`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Funding(models.TextChoices):
    APBN = "APBN", _("APBN")
    APBD_PROVINSI = "APBD_PROVINSI", _("APBD Provinsi")
    APBD_KABUPATEN = "APBD_KABUPATEN", _("APBD Kabupaten")
    DBHCHT = "DBHCHT", _("DBHCHT")
    OTHER = "LAINNYA", _("Lainnya")


class Subject(models.TextChoices):
    PERSON = "person", _("Perorangan")
    HOUSEHOLD = "household", _("Keluarga (kepala keluarga)")
    INSTITUTION = "institution", _("Lembaga")


class Programme(models.Model):
    """One programme of Tabel 2.4.2: name, funding, target group and criteria as written."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("nomor di Tabel 2.4.2"))
    name = models.CharField(_("nama"), max_length=200)
    funding = models.CharField(_("sumber dana"), max_length=20, choices=Funding.choices)
    funding_written = models.CharField(_("sumber dana (tertulis)"), max_length=100)
    target_groups = models.JSONField(_("sasaran (tertulis)"), default=list)
    criteria_written = models.JSONField(_("kriteria (tertulis)"), default=list)
    subject = models.CharField(
        _("penerima"), max_length=12, choices=Subject.choices, default=Subject.PERSON
    )
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class RecipientRow(models.Model):
    """A row of Tabel 2.4.3 (recipients per year, 2021-2024) as written, linked to its
    programme where the match is clear."""

    number = models.CharField(_("nomor"), max_length=10)
    name = models.CharField(_("jenis bantuan"), max_length=200)
    target_group = models.CharField(_("sasaran"), max_length=200, blank=True)
    counts = models.JSONField(_("jumlah per tahun (tertulis)"), default=dict)
    funding_written = models.CharField(_("sumber dana (tertulis)"), max_length=100, blank=True)
    unit = models.CharField(_("satuan"), max_length=40, blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class RuleVersion(models.Model):
    """One version of a programme's eligibility rule, in force from a year on. A change is a
    new version; the old ones stay."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules")
    version = models.PositiveIntegerField(_("versi"))
    valid_from_year = models.PositiveSmallIntegerField(_("berlaku mulai tahun"))
    rule = models.JSONField(_("aturan"))
    note = models.TextField(_("alasan perubahan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("versi aturan")
        verbose_name_plural = _("versi aturan")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="rule_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rule_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.version}"
