"""The office's services (Tabel 2.4.1), the working-day calendar, and numbered letters with
a verifiable QR code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Output(models.TextChoices):
    LETTER = "letter", _("Surat")
    CASE = "case", _("Penanganan kasus")
    REFERRAL = "referral", _("Rujukan")
    AID = "aid", _("Bantuan")


class Service(models.Model):
    """A service of Tabel 2.4.1 as written, with what the office configures for it."""

    number = models.PositiveSmallIntegerField(_("nomor"), unique=True)
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama layanan"), max_length=200)
    target_groups = models.JSONField(_("sasaran (tertulis)"), default=list)
    output = models.CharField(_("hasil"), max_length=10, choices=Output.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("bidang penanggung jawab"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    sla_working_days = models.PositiveSmallIntegerField(
        _("target waktu (hari kerja)"), null=True, blank=True
    )
    documents = models.JSONField(_("dokumen yang dibawa"), default=list, blank=True)
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A national holiday or collective leave day (not a working day)."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("keterangan"), max_length=150)
    collective_leave = models.BooleanField(_("cuti bersama"), default=False)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class LetterType(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("jenis surat"), max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="letter_types"
    )
    pattern = models.CharField(
        _("pola nomor"),
        max_length=100,
        help_text=_("{seq} nomor urut, {year} tahun, {month} bulan"),
    )
    requires = models.JSONField(_("syarat data registri"), default=list, blank=True)
    body = models.TextField(_("isi surat"))
    signer_name = models.CharField(_("nama penanda tangan"), max_length=150)
    signer_title = models.CharField(_("jabatan penanda tangan"), max_length=150)
    signer_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LetterCounter(models.Model):
    """The last number issued for a letter type in a year; locked while a number is taken."""

    letter_type = models.ForeignKey(LetterType, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter_type", "year"], name="letter_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.letter_type.code} {self.year}: {self.last}"


class Letter(models.Model):
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="letters")
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("nomor surat"), max_length=100, unique=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    desa = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("isi"))
    content_hash = models.CharField(max_length=64)
    token = models.CharField(max_length=40, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("alasan pencabutan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["letter_type", "year", "seq"], name="letter_seq_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    COUNTER = "counter", _("Loket")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    MISSING = "missing", _("Kekurangan dokumen")
    CHECKED = "checked", _("Dokumen lengkap")
    IN_PROCESS = "in_process", _("Diproses")
    DONE = "done", _("Selesai")
    REFUSED = "refused", _("Ditolak")


class ServiceRequest(models.Model):
    """A citizen's request for a service, online or at the counter, followed by its
    tracking code."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    tracking_code = models.CharField(_("kode lacak"), max_length=20, unique=True)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    applicant_name = models.CharField(_("nama pemohon"), max_length=150)
    applicant_nik = models.CharField(_("NIK pemohon"), max_length=16, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    description = models.TextField(_("keperluan"))
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    reason = models.CharField(_("alasan/keterangan"), max_length=300, blank=True)
    received_on = models.DateField(_("tanggal diterima"))
    due_on = models.DateField(_("batas waktu"), null=True, blank=True)
    closed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["desa", "status"])]

    def __str__(self) -> str:
        return self.tracking_code


class RequestDocument(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="layanan/dokumen/%Y/")
    name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class RequestStep(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=12, choices=RequestStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status}"
