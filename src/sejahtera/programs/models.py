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
    target_group = models.TextField(_("sasaran"), blank=True)
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


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    VERIFIED = "verified", _("Terverifikasi")
    APPROVED = "approved", _("Disetujui")
    DISTRIBUTED = "distributed", _("Disalurkan")
    CLOSED = "closed", _("Ditutup")


class Cycle(models.Model):
    """One round of a programme: who is eligible on a date in an area, ranked when the quota
    is smaller, verified by hand, approved by a second person, distributed, closed."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles")
    name = models.CharField(_("nama siklus"), max_length=150)
    as_of = models.DateField(_("tanggal acuan kelayakan"))
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    area = models.ForeignKey(
        "wilayah.Wilayah", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveIntegerField(_("kuota"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("nilai per penerima (Rp)"), null=True, blank=True)
    package = models.CharField(_("paket barang"), max_length=200, blank=True)
    budget = models.PositiveBigIntegerField(_("anggaran (Rp)"), null=True, blank=True)
    ranking = models.CharField(
        _("urutan bila melebihi kuota"), max_length=20, default="desil_oldest"
    )
    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="cycles"
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    eligible_count = models.PositiveIntegerField(_("jumlah layak"), null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("siklus")
        verbose_name_plural = _("siklus")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.programme.name} · {self.name}"


class Beneficiary(models.Model):
    """A person on a cycle's list, with rank, whether within the quota, and the hand check."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="beneficiaries")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="beneficiaries"
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    desa = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("peringkat"))
    selected = models.BooleanField(_("dalam kuota"), default=True)
    excluded_reason = models.CharField(_("dikeluarkan saat verifikasi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("penerima")
        verbose_name_plural = _("penerima")
        ordering = ["cycle", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="beneficiary_once_per_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "desa"])]

    def __str__(self) -> str:
        return f"{self.cycle_id}#{self.rank}"


class Distribution(models.Model):
    """What a beneficiary received, when and with what proof, or why not."""

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="distribution"
    )
    given_on = models.DateField(_("tanggal"), null=True, blank=True)
    given = models.CharField(_("yang diberikan"), max_length=200, blank=True)
    proof = models.FileField(
        _("bukti (tanda tangan/foto)"), upload_to="bansos/bukti/%Y/", blank=True
    )
    not_given_reason = models.CharField(_("alasan tidak diberikan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(given_on__isnull=False) & Q(not_given_reason=""))
                | (Q(given_on__isnull=True) & ~Q(not_given_reason="")),
                name="distribution_given_xor_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary}: {self.given or self.not_given_reason}"


class PublicCheck(models.Model):
    """One query of the public check page: when, from which client (a salted hash, never the
    address), in which desa, whether a NIK was given, how many matched. Also the basis of the
    page's rate limit."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.CharField(max_length=32, db_index=True)
    desa_code = models.CharField(max_length=13, blank=True)
    with_nik = models.BooleanField(default=False)
    matches = models.PositiveSmallIntegerField(default=0)
    refused = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.desa_code}"
