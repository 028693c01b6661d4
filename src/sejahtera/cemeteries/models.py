"""Heroes' cemeteries (Taman Makam Pahlawan, TMP) kept by the office, Renstra programme
1.06.07: the cemeteries and their graves, maintenance works (with photos), ceremonies on
national days, and the veterans the office keeps data on (seed lines 3976-3988, 4043-4047).

The seed counts the cemeteries (6 kept up each year, Tabel 4.3.2) but names none and does not
tell national from district ones: the office enters them (see data/cemeteries/README.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Cemetery(models.Model):
    """A heroes' cemetery the office maintains, in the desa it lies in."""

    name = models.CharField(_("nama taman makam"), max_length=200)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    area_m2 = models.PositiveIntegerField(_("luas (m²)"), null=True, blank=True)
    condition_notes = models.TextField(_("catatan kondisi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("taman makam pahlawan")
        verbose_name_plural = _("taman makam pahlawan")
        constraints = [
            models.UniqueConstraint(fields=["desa", "name"], name="cemetery_name_unique_in_desa")
        ]

    def __str__(self) -> str:
        return self.name


class GraveCategory(models.TextChoices):
    PAHLAWAN_NASIONAL = "pahlawan_nasional", _("Pahlawan nasional")
    VETERAN = "veteran", _("Veteran")
    PERINTIS = "perintis", _("Perintis kemerdekaan")
    TNI_POLRI = "tni_polri", _("Anggota TNI/Polri")
    LAINNYA = "lainnya", _("Lainnya")


class Grave(models.Model):
    """One grave of a cemetery (block and number unique within the cemetery) and the person
    buried in it."""

    cemetery = models.ForeignKey(
        Cemetery, verbose_name=_("taman makam"), on_delete=models.PROTECT, related_name="graves"
    )
    block = models.CharField(_("blok"), max_length=20, blank=True)
    number = models.CharField(_("nomor makam"), max_length=20)
    name = models.CharField(_("nama yang dimakamkan"), max_length=200)
    rank = models.CharField(_("pangkat/gelar"), max_length=100, blank=True)
    corps = models.CharField(_("kesatuan/korps"), max_length=150, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    death_date = models.DateField(_("tanggal wafat"), null=True, blank=True)
    burial_date = models.DateField(_("tanggal dimakamkan"), null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=GraveCategory.choices)
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cemetery", "block", "number", "id"]
        verbose_name = _("makam")
        verbose_name_plural = _("makam")
        constraints = [
            models.UniqueConstraint(
                fields=["cemetery", "block", "number"], name="grave_place_unique_in_cemetery"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.name}"

    @property
    def place(self) -> str:
        return f"{self.block}-{self.number}" if self.block else self.number


class MaintenanceKind(models.TextChoices):
    PEMBERSIHAN = "pembersihan", _("Pembersihan")
    PENGECATAN = "pengecatan", _("Pengecatan")
    PERBAIKAN = "perbaikan", _("Perbaikan")
    PERTAMANAN = "pertamanan", _("Pertamanan")
    LAINNYA = "lainnya", _("Lainnya")


class MaintenanceWork(models.Model):
    """A maintenance work on a cemetery: started, finished (or still going), its cost in
    rupiah and who did it. Finished works decide whether a cemetery is kept up in a year
    (see selectors.KEPT_UP_MIN_FINISHED_WORKS)."""

    cemetery = models.ForeignKey(
        Cemetery, verbose_name=_("taman makam"), on_delete=models.PROTECT, related_name="works"
    )
    kind = models.CharField(_("jenis pekerjaan"), max_length=12, choices=MaintenanceKind.choices)
    description = models.TextField(_("uraian"))
    started_on = models.DateField(_("tanggal mulai"))
    finished_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(_("biaya (Rp)"), default=0)
    contractor = models.CharField(_("pelaksana (penyedia/petugas)"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("pekerjaan pemeliharaan")
        verbose_name_plural = _("pekerjaan pemeliharaan")
        indexes = [models.Index(fields=["cemetery", "finished_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("started_on")),
                name="maintenance_finished_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on:%d-%m-%Y}"


class MaintenancePhoto(models.Model):
    """A photo of a maintenance work, checked by its content (JPEG/PNG). Served only to
    signed-in staff who see the cemetery (views.photo), never from /media/."""

    work = models.ForeignKey(MaintenanceWork, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("foto"), upload_to="makam-pahlawan/foto/%Y/")
    kind = models.CharField(max_length=4)  # "jpeg" or "png", from the content
    name = models.CharField(_("nama berkas"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("foto pemeliharaan")
        verbose_name_plural = _("foto pemeliharaan")

    def __str__(self) -> str:
        return self.name


class Occasion(models.TextChoices):
    HARI_PAHLAWAN = "hari_pahlawan", _("Hari Pahlawan (10 November)")
    HUT_RI = "hut_ri", _("HUT Kemerdekaan RI (17 Agustus)")
    HARI_VETERAN = "hari_veteran", _("Hari Veteran Nasional (10 Agustus)")
    HARI_JADI = "hari_jadi", _("Hari jadi daerah")
    LAINNYA = "lainnya", _("Lainnya")


class Ceremony(models.Model):
    """A ceremony or pilgrimage (upacara/ziarah) held at a cemetery on a national day."""

    cemetery = models.ForeignKey(
        Cemetery, verbose_name=_("taman makam"), on_delete=models.PROTECT, related_name="ceremonies"
    )
    held_on = models.DateField(_("tanggal"))
    occasion = models.CharField(_("peringatan"), max_length=15, choices=Occasion.choices)
    attendance = models.PositiveIntegerField(_("jumlah peserta"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("upacara/ziarah")
        verbose_name_plural = _("upacara/ziarah")

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.held_on:%d-%m-%Y}"


class VeteranCategory(models.TextChoices):
    PEJUANG = "pejuang", _("Veteran Pejuang Kemerdekaan RI")
    PEMBELA = "pembela", _("Veteran Pembela Kemerdekaan RI")
    PERDAMAIAN = "perdamaian", _("Veteran Perdamaian RI")
    ANUMERTA = "anumerta", _("Veteran Anumerta RI")
    PERINTIS = "perintis", _("Perintis kemerdekaan")
    LAINNYA = "lainnya", _("Lainnya")


class Veteran(models.Model):
    """A veteran (or pioneer of independence) the office keeps data on ("pendataan
    veteran", seed line 3982). Personal data: the NIK is masked in lists and every view of the
    record is audited."""

    name = models.CharField(_("nama"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk di registri"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="veteran_records",
    )
    category = models.CharField(
        _("kategori veteran"), max_length=12, choices=VeteranCategory.choices
    )
    decree_number = models.CharField(_("nomor SK/NPV"), max_length=100, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    is_deceased = models.BooleanField(_("meninggal"), default=False)
    deceased_on = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    benefits_note = models.TextField(_("catatan tunjangan/bantuan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("veteran")
        verbose_name_plural = _("veteran")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(nik=""), name="veteran_nik_unique"
            ),
            models.CheckConstraint(
                condition=Q(deceased_on__isnull=True) | Q(is_deceased=True),
                name="veteran_death_date_only_if_deceased",
            ),
        ]

    def __str__(self) -> str:
        return self.name
