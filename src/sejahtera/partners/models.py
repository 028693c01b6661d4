"""Partners of the office: potential and sources of social welfare (PSKS, seed section 2.5):
persons (penyuluh sosial, pekerja sosial, TKSK, pendamping PKH, PSM, TAGANA, …) and
institutions (LKS, Karang Taruna, LK3, WKSBM, …). A partner's active state has a dated
history with reasons; an LKS holds registration certificates (STP) and cares for people
(InstitutionMember); partners take part in trainings, and Karang Taruna and LKS receive
productive-economy grants (UEP)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Codes of the kinds the code refers to (data/partners/psks.yaml `id`).
TKSK = "tksk"
PSM = "psm"
LKS = "lks"
KARANG_TARUNA = "karang-taruna"


class PartnerKind(models.Model):
    """One of the kinds of PSKS of seed section 2.5, as reference data."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("jenis"), max_length=200)
    institution = models.BooleanField(_("lembaga"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    short_name = models.CharField(_("singkatan"), max_length=20, blank=True)
    definition = models.TextField(_("uraian"), blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("jenis PSKS")
        verbose_name_plural = _("jenis PSKS")

    def __str__(self) -> str:
        return self.name


class LksType(models.TextChoices):
    """What an LKS cares for (our reading of seed lines 2276-2278, 2784, 3050, 10938)."""

    CHILDREN = "anak", _("Anak (LKSA)")
    ELDERLY = "lansia", _("Lanjut usia")
    DISABILITY = "disabilitas", _("Penyandang disabilitas")
    ODGJ = "odgj", _("ODGJ (orang dengan gangguan jiwa)")
    NAPZA = "napza", _("Eks penderita NAPZA")
    OTHER = "lainnya", _("Lainnya")


class Partner(models.Model):
    """A partner person or institution, with the area it works in. Active or not is a
    state with a history (PartnerStatusChange)."""

    kind = models.ForeignKey(
        PartnerKind, verbose_name=_("jenis"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("nama"), max_length=200)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_roles",
    )
    area = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("wilayah kerja"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    decree_number = models.CharField(_("nomor SK/sertifikat"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK/sertifikat"), null=True, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    deed_number = models.CharField(_("nomor akta pendirian (notaris)"), max_length=100, blank=True)
    deed_date = models.DateField(_("tanggal akta pendirian"), null=True, blank=True)
    lks_type = models.CharField(
        _("jenis layanan LKS"), max_length=12, choices=LksType.choices, blank=True
    )
    active = models.BooleanField(_("aktif"), default=True)
    active_since = models.DateField(_("status sejak"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind__order", "name"]
        indexes = [models.Index(fields=["kind", "active"]), models.Index(fields=["area"])]
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")

    def __str__(self) -> str:
        return self.name


class PartnerStatusChange(models.Model):
    """One change of a partner's active state (the first row is its registration), with the
    date it took effect and why. The partner's state on a date is that of its last change
    on or before the date."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="status_changes")
    active = models.BooleanField(_("aktif"))
    on = models.DateField(_("berlaku sejak"))
    reason = models.CharField(_("alasan"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["partner", "on"])]
        verbose_name = _("perubahan status mitra")
        verbose_name_plural = _("perubahan status mitra")

    def __str__(self) -> str:
        return f"{self.partner} {self.on}: {self.active}"


class Certificate(models.Model):
    """A registration certificate (Surat Tanda Pendaftaran, STP) of an institution. A renewal
    is a new certificate; the partner's current one is the one expiring last. `reminded_on`
    records the one reminder sent for its expiry."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="certificates")
    number = models.CharField(_("nomor STP"), max_length=100)
    issued_on = models.DateField(_("tanggal terbit"))
    expires_on = models.DateField(_("berlaku sampai"))
    reminded_on = models.DateField(_("pengingat dikirim"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-expires_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
            models.UniqueConstraint(
                fields=["partner", "number"], name="certificate_number_per_partner"
            ),
        ]
        verbose_name = _("surat tanda pendaftaran (STP)")
        verbose_name_plural = _("surat tanda pendaftaran (STP)")

    def __str__(self) -> str:
        return self.number


class InstitutionMember(models.Model):
    """A person an LKS cares for (a child of an LKSA, a resident of an ODGJ home): a
    registered person, or a name and birth date for someone not (yet) in the registry.
    Living there from `since` (inclusive) until the day `until` they left (exclusive)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk terdaftar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institution_stays",
    )
    name = models.CharField(_("nama"), max_length=150, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    since = models.DateField(_("tinggal sejak"))
    until = models.DateField(_("keluar pada"), null=True, blank=True)
    end_reason = models.CharField(_("alasan keluar"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["partner", "since"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="member_person_or_name",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gt=models.F("since")),
                name="member_leaves_after_arrival",
            ),
        ]
        verbose_name = _("warga binaan LKS")
        verbose_name_plural = _("warga binaan LKS")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id and self.person else self.name


class Training(models.Model):
    """A capacity-building training (bimbingan teknis, pelatihan) for partners."""

    name = models.CharField(_("nama pelatihan"), max_length=200)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    organiser = models.CharField(_("penyelenggara"), max_length=200)
    target_kind = models.ForeignKey(
        PartnerKind,
        verbose_name=_("sasaran (jenis mitra)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    place = models.CharField(_("tempat"), max_length=200)
    area = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("wilayah penyelenggaraan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="training_ends_after_start"
            )
        ]
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")

    def __str__(self) -> str:
        return self.name


class TrainingParticipant(models.Model):
    """A partner taking part in a training, and the result: passed (lulus) or not, `None`
    until assessed."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="trainings")
    passed = models.BooleanField(_("lulus"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["training", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "partner"], name="participant_once_per_training"
            )
        ]
        verbose_name = _("peserta pelatihan")
        verbose_name_plural = _("peserta pelatihan")

    def __str__(self) -> str:
        return f"{self.partner} @ {self.training}"


class UepGrant(models.Model):
    """A productive-economy grant (bantuan Usaha Ekonomi Produktif) to a Karang Taruna or an
    LKS (Tabel 2.4.2 rows 23-24). `evidence` keeps what met each condition when granted."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="grants")
    granted_on = models.DateField(_("tanggal bantuan"))
    amount = models.PositiveBigIntegerField(_("nilai (rupiah)"))
    business = models.TextField(_("kegiatan/potensi usaha"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    evidence = models.JSONField(_("bukti syarat"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("bantuan UEP")
        verbose_name_plural = _("bantuan UEP")

    def __str__(self) -> str:
        return f"UEP {self.partner} {self.granted_on}"
