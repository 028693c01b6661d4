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
    request = models.ForeignKey(
        "services.ServiceRequest",
        verbose_name=_("permohonan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )

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
    escalated_on = models.DateField(_("dilaporkan ke kepala bidang"), null=True, blank=True)
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


# --- Cases -------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Penerimaan")
    ASSESSED = "assessed", _("Asesmen")
    PLANNED = "planned", _("Rencana intervensi")
    ACTING = "acting", _("Intervensi")
    CLOSED = "closed", _("Ditutup")


class CaseOutcome(models.TextChoices):
    SERVED = "served", _("Terlayani (rehabilitasi sosial dasar diberikan)")
    REUNIFIED = "reunified", _("Kembali ke keluarga")
    REFERRED = "referred", _("Dirujuk dan diterima lembaga lain")
    DECEASED = "deceased", _("Meninggal dunia")
    LEFT = "left", _("Tidak dapat dilanjutkan (pergi/menolak)")

    @classmethod
    def counted(cls) -> tuple[str, ...]:
        """Outcomes in which basic social rehabilitation was given (counted in the IKK)."""
        return (cls.SERVED, cls.REUNIFIED, cls.REFERRED)


class Case(models.Model):
    """Work with a person over time (penanganan kasus): intake, assessment, plan, actions and
    referrals, outcome. The person may be unregistered or unknown ("Mr. X")."""

    number = models.CharField(_("nomor kasus"), max_length=20, unique=True)
    service = models.ForeignKey(
        Service, verbose_name=_("layanan"), on_delete=models.PROTECT, related_name="cases"
    )
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("permohonan asal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    subject_name = models.CharField(
        _("nama/sebutan klien"),
        max_length=150,
        help_text=_("Untuk orang tanpa identitas tulis misalnya “Mr. X, laki-laki ±40 tahun”."),
    )
    category = models.ForeignKey(
        "registry.PpksCategory",
        verbose_name=_("kategori PPKS"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan (tempat ditemukan/domisili)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("tahap"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    opened_on = models.DateField(_("tanggal diterima"))
    intake = models.TextField(_("kondisi saat diterima"))
    assessment = models.TextField(_("hasil asesmen"), blank=True)
    plan = models.TextField(_("rencana intervensi"), blank=True)
    outcome = models.CharField(
        _("hasil akhir"), max_length=10, choices=CaseOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("keterangan hasil"), max_length=300, blank=True)
    closed_on = models.DateField(_("tanggal ditutup"), null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["desa", "status"]),
            models.Index(fields=["closed_on", "outcome"]),
        ]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    ACTION = "action", _("Tindakan")
    REFERRAL = "referral", _("Rujukan")
    NOTE = "note", _("Catatan")


class CaseEntry(models.Model):
    """A dated action, referral (to an LKS or another agency) or note in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("jenis"), max_length=10, choices=EntryKind.choices)
    on = models.DateField(_("tanggal"))
    description = models.TextField(_("uraian"))
    referred_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.on}"


# --- Complaints --------------------------------------------------------------------------


class ComplaintChannel(models.TextChoices):
    WEB = "web", _("Formulir web")
    COUNTER = "counter", _("Loket")
    PHONE = "phone", _("Telepon/WA")
    LETTER = "letter", _("Surat")
    SOCIAL = "social", _("Media sosial")


class ComplaintCategory(models.Model):
    """A kind of complaint, with its response deadline and the division that answers it
    (configured by the office; see data/services/pengaduan.yaml)."""

    class Registry(models.TextChoices):
        NONE = "", _("—")
        EXCLUSION = "exclusion", _("Penerima dinilai tidak layak")
        INCLUSION = "inclusion", _("Warga layak belum terdaftar/terlewat")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("kategori"), max_length=150)
    order = models.PositiveSmallIntegerField(default=0)
    response_working_days = models.PositiveSmallIntegerField(_("batas tanggapan (hari kerja)"))
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("bidang penanggung jawab"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    registry = models.CharField(
        _("dapat menjadi usulan registri"),
        max_length=10,
        choices=Registry.choices,
        blank=True,
    )

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    ASSIGNED = "assigned", _("Ditangani")
    ANSWERED = "answered", _("Dijawab")
    CLOSED = "closed", _("Selesai")


class Complaint(models.Model):
    """A complaint (pengaduan) from any channel, followed by its tracking code. The citizen
    may stay anonymous; the reply and the rating are seen on the public tracking page."""

    tracking_code = models.CharField(_("kode lacak"), max_length=20, unique=True)
    channel = models.CharField(_("saluran"), max_length=10, choices=ComplaintChannel.choices)
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("kategori"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    anonymous = models.BooleanField(_("tanpa nama"), default=False)
    complainant_name = models.CharField(_("nama pengadu"), max_length=150, blank=True)
    contact = models.CharField(_("kontak (telepon/surel)"), max_length=100, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("program bantuan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("layanan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    subject_nik = models.CharField(_("NIK yang diadukan/terlewat"), max_length=16, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk terkait"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    description = models.TextField(_("isi pengaduan"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("bidang"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("tanggal diterima"))
    due_on = models.DateField(_("batas tanggapan"))
    escalated_on = models.DateField(_("dieskalasi"), null=True, blank=True)
    reply = models.TextField(_("jawaban kepada pengadu"), blank=True)
    answered_on = models.DateField(_("tanggal dijawab"), null=True, blank=True)
    closed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("penilaian (1-5)"), null=True, blank=True)
    rating_note = models.CharField(_("komentar penilaian"), max_length=300, blank=True)
    proposal = models.ForeignKey(
        "registry.Proposal",
        verbose_name=_("usulan registri"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["desa", "status"]), models.Index(fields=["received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code


class ComplaintStep(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    public = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.status}"
