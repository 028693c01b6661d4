"""Disasters (seed §2.5 and Tabel 4.3.2, Program Penanganan Bencana): an event in one or more
desa with its phase history and situation reports; its victims, linked to the registry or kept
provisional until they are found there; shelters, public kitchens and TAGANA deployments; the
aid each victim received per day; and the office's logistics warehouse (receipts and issues
with a document number each)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sejahtera.registry.choices import Sex


class EventKind(models.TextChoices):
    """ "Korban Bencana Alam, Sosial dan/atau Non Alam" (seed lines 4797-4798)."""

    NATURAL = "alam", _("Bencana alam")
    SOCIAL = "sosial", _("Bencana sosial")
    NON_NATURAL = "non_alam", _("Bencana non-alam")


class Phase(models.TextChoices):
    EMERGENCY = "tanggap_darurat", _("Tanggap darurat")
    RECOVERY = "pemulihan", _("Pemulihan")
    DONE = "selesai", _("Selesai")


# A phase may only move forward.
PHASE_ORDER = [Phase.EMERGENCY, Phase.RECOVERY, Phase.DONE]


class Event(models.Model):
    kind = models.CharField(_("jenis bencana"), max_length=10, choices=EventKind.choices)
    name = models.CharField(_("nama kejadian"), max_length=200)
    desa = models.ManyToManyField(
        "wilayah.Wilayah", verbose_name=_("desa/kelurahan terdampak"), related_name="+"
    )
    started_on = models.DateField(_("tanggal mulai"))
    ended_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    phase = models.CharField(
        _("fase"), max_length=16, choices=Phase.choices, default=Phase.EMERGENCY
    )
    description = models.TextField(_("keterangan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("kejadian bencana")
        verbose_name_plural = _("kejadian bencana")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="disaster_event_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PhaseChange(models.Model):
    """One step of an event's phase history: the phase it entered and from which day. The
    first step (tanggap darurat from the start date) is written when the event is recorded."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices)
    on = models.DateField(_("berlaku sejak"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "phase"], name="disaster_phase_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.on:%d-%m-%Y}"


class SituationReport(models.Model):
    """A dated situation report (laporan situasi), optionally with a checked PDF/image."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("tanggal laporan"))
    text = models.TextField(_("isi laporan"))
    file = models.FileField(_("berkas"), upload_to="disasters/reports/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.event} {self.on:%d-%m-%Y}"


class Shelter(models.Model):
    """A place where displaced victims of one event stay (pengungsian)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shelters")
    name = models.CharField(_("nama tempat pengungsian"), max_length=150)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("daya tampung (orang)"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="disaster_shelter_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Condition(models.TextChoices):
    SAFE = "selamat", _("Selamat")
    INJURED = "luka", _("Luka")
    DEAD = "meninggal", _("Meninggal")
    MISSING = "hilang", _("Hilang")


# When two records of one person are merged, the graver condition is kept.
CONDITION_GRAVITY = [Condition.SAFE, Condition.INJURED, Condition.MISSING, Condition.DEAD]


class Victim(models.Model):
    """A person affected by an event. Linked to a registry person when one is found (by NIK,
    or by exact name + birth date + desa); otherwise provisional with the identity as told,
    until `reconcile_victims` finds them. The registry itself only changes by proposal."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="victims")
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disaster_victims",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("keluarga"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    displaced = models.BooleanField(_("mengungsi"), default=False)
    displaced_from = models.DateField(
        _("mengungsi sejak"),
        null=True,
        blank=True,
        help_text=_("Kosong: sejak awal kejadian."),
    )
    displaced_until = models.DateField(
        _("mengungsi sampai"),
        null=True,
        blank=True,
        help_text=_("Kosong: masih mengungsi."),
    )
    shelter = models.ForeignKey(
        Shelter,
        verbose_name=_("tempat pengungsian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="victims",
    )
    condition = models.CharField(
        _("kondisi"), max_length=10, choices=Condition.choices, default=Condition.SAFE
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("korban bencana")
        verbose_name_plural = _("korban bencana")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False),
                name="disaster_victim_person_once",
            ),
            models.UniqueConstraint(
                fields=["event", "nik"], condition=~Q(nik=""), name="disaster_victim_nik_once"
            ),
        ]
        indexes = [models.Index(fields=["event", "desa"])]

    def __str__(self) -> str:
        return self.name

    @property
    def provisional(self) -> bool:
        return self.person_id is None


class AidKind(models.TextChoices):
    MEALS = "makan", _("Makan (permakanan)")
    CLOTHING = "sandang", _("Pakaian (sandang)")
    KIT = "paket", _("Paket kelengkapan")
    PSYCHOSOCIAL = "psikososial", _("Sesi dukungan psikososial")


BASIC_NEEDS = (AidKind.MEALS, AidKind.CLOTHING, AidKind.KIT)


class VictimAid(models.Model):
    """What one victim received on one day: meals (at most the standard's three a day in
    total), clothing, a kit, or psychosocial sessions."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="aid")
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis bantuan"), max_length=12, choices=AidKind.choices)
    quantity = models.PositiveSmallIntegerField(_("jumlah"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "kind", "id"]
        indexes = [models.Index(fields=["victim", "kind", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="disaster_aid_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y} ×{self.quantity}"


class Kitchen(models.Model):
    """A public kitchen (dapur umum, seed line 3966) of an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="kitchens")
    name = models.CharField(_("nama dapur umum"), max_length=150)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="disaster_kitchen_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class KitchenDay(models.Model):
    kitchen = models.ForeignKey(Kitchen, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("tanggal"))
    meals = models.PositiveIntegerField(_("porsi disajikan"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["kitchen", "date"], name="disaster_kitchen_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.kitchen} {self.date:%d-%m-%Y}"


class Deployment(models.Model):
    """A TAGANA volunteer (a partner of kind "tagana") deployed to an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deployments")
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("relawan TAGANA"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind__code": "tagana"},
        related_name="+",
    )
    from_date = models.DateField(_("mulai bertugas"))
    until_date = models.DateField(_("selesai bertugas"), null=True, blank=True)
    note = models.CharField(_("tugas"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["from_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until_date__isnull=True) | Q(until_date__gte=models.F("from_date")),
                name="disaster_deployment_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.from_date:%d-%m-%Y})"


class StockItem(models.Model):
    """An item of the office's logistics warehouse (gudang logistik)."""

    name = models.CharField(_("nama barang"), max_length=150, unique=True)
    unit = models.CharField(_("satuan"), max_length=30)

    class Meta:
        ordering = ["name"]
        verbose_name = _("barang logistik")
        verbose_name_plural = _("barang logistik")

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    RECEIPT = "masuk", _("Penerimaan")
    ISSUE = "keluar", _("Pengeluaran")


class Source(models.TextChoices):
    APBD = "apbd", _("APBD")
    KEMENSOS = "kemensos", _("Kemensos")
    DONATION = "donasi", _("Donasi")
    OTHER = "lainnya", _("Lainnya")


class StockMovement(models.Model):
    """A receipt into or an issue out of the warehouse, with its document number (BAST, tanda
    terima) and who recorded it. The balance of an item is receipts minus issues."""

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("jenis"), max_length=6, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("jumlah"))
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("untuk kejadian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    shelter = models.ForeignKey(
        Shelter,
        verbose_name=_("untuk tempat pengungsian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    document_number = models.CharField(_("nomor dokumen"), max_length=60, unique=True)
    date = models.DateField(_("tanggal"))
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["item", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="disaster_movement_positive"),
            models.CheckConstraint(
                condition=Q(kind="masuk", event__isnull=True, shelter__isnull=True) & ~Q(source="")
                | Q(kind="keluar", event__isnull=False, source=""),
                name="disaster_movement_source_or_destination",
            ),
        ]

    def __str__(self) -> str:
        return self.document_number
