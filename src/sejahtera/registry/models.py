"""Households (KK), persons (NIK), membership with history, participation in national
programmes, and the PPKS categories with their assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sejahtera.registry.choices import (
    DisabilityType,
    Education,
    FloorMaterial,
    IncomeBand,
    Lighting,
    MaritalStatus,
    Ownership,
    Relation,
    RoofMaterial,
    Severity,
    Sex,
    Toilet,
    WallMaterial,
    WaterSource,
)


class Household(models.Model):
    """A family as on its Kartu Keluarga, at an address in a desa."""

    kk_number = models.CharField(_("nomor KK"), max_length=16, null=True, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    street = models.CharField(_("alamat"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # Housing and living conditions (PPKS criteria and programme rules use them).
    floor_area_m2 = models.DecimalField(
        _("luas lantai (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    floor_material = models.CharField(
        _("lantai"), max_length=20, choices=FloorMaterial.choices, blank=True
    )
    wall_material = models.CharField(
        _("dinding"), max_length=25, choices=WallMaterial.choices, blank=True
    )
    roof_material = models.CharField(
        _("atap"), max_length=20, choices=RoofMaterial.choices, blank=True
    )
    water_source = models.CharField(
        _("sumber air minum"), max_length=20, choices=WaterSource.choices, blank=True
    )
    toilet = models.CharField(_("fasilitas BAB"), max_length=20, choices=Toilet.choices, blank=True)
    lighting = models.CharField(
        _("penerangan"), max_length=20, choices=Lighting.choices, blank=True
    )
    ownership = models.CharField(
        _("status rumah"), max_length=20, choices=Ownership.choices, blank=True
    )
    income_band = models.CharField(
        _("penghasilan"), max_length=12, choices=IncomeBand.choices, blank=True
    )
    assets = models.JSONField(
        _("aset"), default=list, blank=True, help_text=_("Misalnya motor, kulkas, lahan, ternak.")
    )
    # Welfare-data status (DTKS, since 2025 DTSEN).
    in_dtks = models.BooleanField(_("terdaftar DTKS/DTSEN"), default=False)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    data_period = models.CharField(
        _("periode data"), max_length=7, blank=True, help_text=_("Bulan data, misalnya 2025-03.")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        constraints = [
            models.UniqueConstraint(
                fields=["kk_number"],
                condition=Q(kk_number__isnull=False),
                name="household_kk_unique",
            ),
            models.CheckConstraint(
                condition=Q(desil__isnull=True) | Q(desil__gte=1, desil__lte=10),
                name="household_desil_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"KK {self.kk_number or '-'}"


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)
    no_nik = models.BooleanField(
        _("tanpa NIK"),
        default=False,
        help_text=_("Orang terlantar atau tanpa identitas (“Mr. X”) yang belum punya NIK."),
    )
    name = models.CharField(_("nama"), max_length=150)
    name_key = models.CharField(
        _("kunci nama"),
        max_length=150,
        blank=True,
        editable=False,
        help_text=_(
            "Nama yang dinormalkan (gelar dibuang, ejaan lama dan varian Muhammad disamakan) untuk pencarian."
        ),
    )
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    marital_status = models.CharField(
        _("status kawin"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("pendidikan"), max_length=15, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("pekerjaan"), max_length=80, blank=True)
    disability_type = models.CharField(
        _("jenis disabilitas"), max_length=12, choices=DisabilityType.choices, blank=True
    )
    disability_severity = models.CharField(
        _("tingkat disabilitas"), max_length=8, choices=Severity.choices, blank=True
    )
    is_deceased = models.BooleanField(_("meninggal"), default=False)
    death_date = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    # Set when a clerk confirmed this record is a duplicate of another (linkage app): the
    # record is kept, its related rows were moved to the survivor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    # Where the person lives now: the desa of their household, or where a person without a
    # household was found. Kept in step by the services; used for area scoping.
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=Q(nik__isnull=False), name="person_nik_unique"
            ),
            models.CheckConstraint(
                condition=Q(no_nik=True, nik__isnull=True) | Q(no_nik=False, nik__isnull=False),
                name="person_nik_or_flagged",
            ),
            models.CheckConstraint(
                condition=Q(is_deceased=True) | Q(death_date__isnull=True),
                name="person_death_date_only_if_deceased",
            ),
        ]
        indexes = [models.Index(fields=["desa", "name"]), models.Index(fields=["desa", "name_key"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person belongs to one household at a time; moves, splits and new heads end one
    membership and start another, so history stays."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(
        _("hubungan dengan kepala keluarga"), max_length=12, choices=Relation.choices
    )
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("berakhir"), null=True, blank=True)
    end_reason = models.CharField(_("alasan berakhir"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("keanggotaan keluarga")
        verbose_name_plural = _("keanggotaan keluarga")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ∈ {self.household}"


class NationalProgramme(models.TextChoices):
    PKH = "PKH", _("Program Keluarga Harapan (PKH)")
    SEMBAKO = "SEMBAKO", _("Program Sembako/BPNT")
    PBI_JK = "PBI_JK", _("PBI Jaminan Kesehatan")
    PIP = "PIP", _("Program Indonesia Pintar")
    ATENSI = "ATENSI", _("Asistensi Rehabilitasi Sosial (ATENSI)")
    BLT = "BLT", _("Bantuan Langsung Tunai")


class Participation(models.Model):
    """A dated fact from a programme's recipient list: this person or household received
    (or was listed for) this national programme in this period."""

    programme = models.CharField(_("program"), max_length=12, choices=NationalProgramme.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="participations"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="participations"
    )
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"), null=True, blank=True)
    source = models.CharField(_("sumber daftar"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kepesertaan program nasional")
        verbose_name_plural = _("kepesertaan program nasional")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="participation_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["programme", "period_start"])]

    def __str__(self) -> str:
        return f"{self.programme} {self.period_start}"


class PpksCategory(models.Model):
    """One of the PPKS (PMKS) categories of seed section 2.4, as reference data."""

    class Subject(models.TextChoices):
        PERSON = "person", _("Perorangan")
        HOUSEHOLD = "household", _("Keluarga")
        EITHER = "either", _("Perorangan atau keluarga")

    code = models.CharField(_("kode"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.CharField(_("nama"), max_length=150)
    definition = models.TextField(_("definisi"))
    subject = models.CharField(_("sasaran"), max_length=10, choices=Subject.choices)
    age_min = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    seed_line = models.PositiveIntegerField(_("baris di dokumen sumber"))

    class Meta:
        verbose_name = _("kategori PPKS")
        verbose_name_plural = _("kategori PPKS")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PpksCriterion(models.Model):
    category = models.ForeignKey(PpksCategory, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("kriteria"))
    computable = models.BooleanField(_("dapat dihitung dari data"), default=False)
    seed_line = models.PositiveIntegerField(_("baris di dokumen sumber"))

    class Meta:
        verbose_name = _("kriteria PPKS")
        verbose_name_plural = _("kriteria PPKS")
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "order"], name="ppks_criterion_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PpksAssessment(models.Model):
    """A dated finding that a person or household falls in a PPKS category. Never edited:
    a new assessment supersedes the old; the current status is derived."""

    category = models.ForeignKey(PpksCategory, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="ppks_assessments"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="ppks_assessments"
    )
    criteria_met = models.ManyToManyField(
        PpksCriterion, verbose_name=_("kriteria terpenuhi"), blank=True
    )
    # Empty for assessments that came from outside lists or the synthetic population.
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penilai"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    assessed_on = models.DateField(_("tanggal penilaian"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    evidence = models.FileField(_("bukti"), upload_to="registry/ppks/", blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    ended_on = models.DateField(_("dinyatakan selesai"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("penilaian PPKS")
        verbose_name_plural = _("penilaian PPKS")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="ppks_assessment_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.assessed_on})"


class ProposalKind(models.TextChoices):
    NEW_HOUSEHOLD = "keluarga_baru", _("Keluarga baru")
    NEW_PERSON = "anggota_baru", _("Anggota keluarga baru")
    CHANGE = "perubahan", _("Perubahan data")
    REMOVAL = "penghapusan", _("Penghapusan (meninggal, pindah, tidak lagi miskin)")
    PPKS = "ppks", _("Penilaian PPKS")
    COMPOSITION = "susunan", _("Susunan keluarga (ganti kepala, hubungan, pecah KK)")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("Diajukan")
    VERIFIED = "diverifikasi", _("Diverifikasi")
    ENDORSED = "disahkan_musdes", _("Disahkan musdes/muskel")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")


class MusdesBatch(models.Model):
    """A village deliberation (musdes/muskel) that endorsed a batch of verified proposals."""

    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("tanggal musyawarah"))
    minutes = models.FileField(_("berita acara"), upload_to="registry/musdes/")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("musyawarah desa/kelurahan")
        verbose_name_plural = _("musyawarah desa/kelurahan")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Musdes {self.desa_id} {self.held_on}"


class Proposal(models.Model):
    """A proposed change to the registry (usulan). Registry data changes only when an
    approved proposal is applied. Every step is kept in ProposalStep."""

    kind = models.CharField(_("jenis usulan"), max_length=15, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("keluarga"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("penduduk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    payload = models.JSONField(_("data yang diusulkan"), default=dict)
    reason = models.TextField(_("alasan usulan"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengusul"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifikator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verification_notes = models.TextField(_("catatan verifikasi"), blank=True)
    batch = models.ForeignKey(
        MusdesBatch,
        verbose_name=_("musdes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemutus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    result = models.JSONField(_("hasil penerapan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["desa", "status"])]

    def __str__(self) -> str:
        return f"Usulan #{self.pk} {self.get_kind_display()}"

    @property
    def payload_summary(self) -> str:
        """A one-line description of what is proposed, for lists and choices."""
        data = self.payload or {}
        if self.kind == ProposalKind.NEW_HOUSEHOLD:
            members = data.get("members") or []
            head = next((m.get("name") for m in members if m.get("relation") == "kepala"), "-")
            return f"{head} ({len(members)} orang)"
        if self.kind == ProposalKind.NEW_PERSON:
            return str((data.get("member") or {}).get("name", "-"))
        if self.person is not None:
            subject = self.person.name
        else:
            subject = f"KK {self.household.kk_number if self.household else '-'}"
        if self.kind == ProposalKind.CHANGE:
            return f"{subject}: {', '.join(sorted(data.get('changes') or {}))}"
        if self.kind == ProposalKind.REMOVAL:
            return f"{subject}: {data.get('reason', '')}"
        if self.kind == ProposalKind.COMPOSITION:
            changes = data.get("members") or []
            split = sum(1 for c in changes if c.get("to") == "new")
            joined = sum(1 for c in changes if c.get("to") == "join")
            summary = f"{subject}: " + (
                gettext("%(n)d anggota, %(split)d pindah ke KK baru")
                % {"n": len(changes), "split": split}
            )
            if joined:
                summary += ", " + (
                    gettext("%(n)d pindah ke KK %(kk)s")
                    % {"n": joined, "kk": data.get("join_kk", "")}
                )
            return summary
        return f"{subject}: {data.get('category', '')}"


class ProposalStep(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("langkah usulan")
        verbose_name_plural = _("langkah usulan")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.status}"


class ProposalPhoto(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("foto"), upload_to="registry/verval/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foto verifikasi")
        verbose_name_plural = _("foto verifikasi")

    def __str__(self) -> str:
        return self.image.name
