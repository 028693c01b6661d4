"""The strategic plan (Renstra) of an office as data: a plan revision, its tree of rows
(urusan → sasaran → program → kegiatan → sub kegiatan), indicators with yearly targets, pagu
per year, the other tables of the document as written; and what happens to it: quarterly
realisation with approval and locking, the Renja of a year, and the grade scale."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """One revision of an office's Renstra for a period. A revision (perubahan Renstra)
    is a new Plan that supersedes the previous one; the old one stays for history."""

    office = models.CharField(_("perangkat daerah"), max_length=150)
    period_start = models.PositiveSmallIntegerField(_("tahun awal"))
    period_end = models.PositiveSmallIntegerField(_("tahun akhir"))
    last_target_year = models.PositiveSmallIntegerField(_("tahun target terakhir"))
    revision = models.PositiveSmallIntegerField(_("perubahan ke-"), default=0)
    title = models.CharField(_("judul"), max_length=250)
    vision = models.TextField(_("visi"), blank=True)
    source = models.CharField(_("sumber"), max_length=250, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    is_current = models.BooleanField(_("berlaku"), default=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("menggantikan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    note = models.TextField(_("catatan perubahan"), blank=True)
    loaded_at = models.DateTimeField(_("dimuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("Renstra")
        verbose_name_plural = _("Renstra")
        ordering = ["-period_start", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "period_start", "revision"], name="plan_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["office", "period_start"],
                condition=Q(is_current=True),
                name="plan_one_current",
            ),
        ]

    def __str__(self) -> str:
        rev = f" (perubahan {self.revision})" if self.revision else ""
        return f"Renstra {self.period_start}–{self.period_end}{rev}"

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.last_target_year + 1))


class Level(models.TextChoices):
    URUSAN = "urusan", _("Urusan")
    SASARAN = "sasaran", _("Sasaran")
    PROGRAM = "program", _("Program")
    KEGIATAN = "kegiatan", _("Kegiatan")
    SUBKEGIATAN = "subkegiatan", _("Sub kegiatan")


class Node(models.Model):
    """A row of the plan table (Tabel 4.3.2): its code as written and normalised, name,
    goal/target texts written on it, the unit responsible, and where it is in the seed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("urutan"))
    level = models.CharField(_("tingkat"), max_length=12, choices=Level.choices)
    code = models.CharField(_("kode"), max_length=40, blank=True)
    code_key = models.CharField(_("kode baku"), max_length=40, blank=True, db_index=True)
    name = models.CharField(_("nama"), max_length=300, blank=True)
    tujuan = models.TextField(_("tujuan"), blank=True)
    sasaran = models.TextField(_("sasaran"), blank=True)
    responsible = models.CharField(_("penanggung jawab (tertulis)"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit kerja pelapor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_nodes",
    )
    location = models.CharField(_("lokasi"), max_length=150, blank=True)
    pagu_end = models.BigIntegerField(_("pagu akhir periode (tertulis)"), null=True, blank=True)
    pagu_end_written = models.CharField(max_length=40, blank=True)
    seed_table = models.CharField(max_length=20, blank=True)
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        verbose_name = _("baris rencana")
        verbose_name_plural = _("baris rencana")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="node_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip() or self.sasaran[:80]

    @property
    def title(self) -> str:
        return self.name or self.sasaran or self.tujuan


class Budget(models.Model):
    """The pagu of a row for a year, as written and in rupiah."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    amount = models.BigIntegerField(_("pagu (Rp)"), null=True, blank=True)
    written = models.CharField(_("tertulis"), max_length=40, blank=True)

    class Meta:
        ordering = ["node", "year"]
        constraints = [
            models.UniqueConstraint(fields=["node", "year"], name="budget_node_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.year}: {self.written}"


class IndicatorKind(models.TextChoices):
    PLAN = "plan", _("Indikator Tabel 4.3.2")
    IKU = "iku", _("IKU")
    IKK = "ikk", _("IKK")
    GOAL = "goal", _("Indikator tujuan/sasaran (Tabel 3.1)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Makin tinggi makin baik")
    LOWER = "lower", _("Makin rendah makin baik")


class Accumulation(models.TextChoices):
    """How quarterly and yearly values add up (see docs/ARCHITECTURE.md, planning)."""

    ANNUAL = "annual", _("Tahunan (jumlah triwulan; akhir periode = tahun terakhir)")
    SUM = "sum", _("Kumulatif (jumlah triwulan; akhir periode = jumlah semua tahun)")
    LATEST = "latest", _("Nilai terakhir (triwulan/tahun terakhir yang dilaporkan)")


class Indicator(models.Model):
    """An indicator of a plan row (or of the IKU/IKK tables), with its baseline and
    end-of-period value as written and how its achievement is computed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    node = models.ForeignKey(
        Node, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=IndicatorKind.choices)
    source = models.CharField(_("tabel sumber"), max_length=40)
    position = models.PositiveIntegerField(_("urutan"))
    number = models.CharField(_("nomor"), max_length=10, blank=True)
    name = models.CharField(_("indikator"), max_length=400)
    unit = models.CharField(_("satuan"), max_length=60, blank=True)
    baseline = models.CharField(_("baseline (tertulis)"), max_length=80, blank=True)
    end = models.CharField(_("kondisi akhir (tertulis)"), max_length=80, blank=True)
    direction = models.CharField(
        _("arah"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    accumulation = models.CharField(
        _("cara akumulasi"),
        max_length=8,
        choices=Accumulation.choices,
        default=Accumulation.ANNUAL,
    )
    method_note = models.CharField(_("dasar cara hitung"), max_length=250, blank=True)
    counterpart = models.ForeignKey(
        "self",
        verbose_name=_("indikator yang sama di Tabel 4.3.2"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mirrors",
    )
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["plan", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source", "position"], name="indicator_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def reported(self) -> Indicator:
        """The indicator whose realisation counts for this one (IKU rows report through the
        same indicator of Tabel 4.3.2)."""
        return self.counterpart or self


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    written = models.CharField(_("tertulis"), max_length=80, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.written}"


class Statement(models.Model):
    """A row of the plan's other tables kept as written: vision and missions (Bab III),
    goals and targets (3.1), strategies (3.2), phases (3.3), policy directions (3.4),
    outcome/output statements (4.3.1), priorities (4.4), the previous period's performance
    (2.3.3) and budgets (2.3.4)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statements")
    table = models.CharField(_("tabel"), max_length=20, db_index=True)
    position = models.PositiveIntegerField(_("urutan"))
    kind = models.CharField(_("jenis"), max_length=40, blank=True)
    number = models.CharField(_("nomor"), max_length=20, blank=True)
    text = models.TextField(_("isi"), blank=True)
    data = models.JSONField(_("nilai"), default=dict, blank=True)
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)
    seed_note = models.TextField(_("catatan sumber"), blank=True)

    class Meta:
        ordering = ["plan", "table", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "table", "position"], name="statement_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Tabel {self.table} #{self.position}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Diisi")
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui (terkunci)")


class Realisation(models.Model):
    """What was achieved in a quarter: an indicator's value, or the rupiah a row spent.
    Approved rows are locked; changing one needs a recorded reopening."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="realisations")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="realisations"
    )
    node = models.ForeignKey(
        Node, on_delete=models.CASCADE, null=True, blank=True, related_name="spending"
    )
    written = models.CharField(_("nilai (tertulis)"), max_length=80, blank=True)
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=4, null=True)
    amount = models.BigIntegerField(_("realisasi anggaran (Rp)"), null=True, blank=True)
    helped = models.TextField(_("faktor pendorong"), blank=True)
    hindered = models.TextField(_("faktor penghambat"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("diisi"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["plan", "year", "quarter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="realisation_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=(Q(indicator__isnull=False) & Q(node__isnull=True))
                | (Q(indicator__isnull=True) & Q(node__isnull=False)),
                name="realisation_indicator_xor_node",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(indicator__isnull=False),
                name="realisation_indicator_unique",
            ),
            models.UniqueConstraint(
                fields=["node", "year", "quarter"],
                condition=Q(node__isnull=False),
                name="realisation_node_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Realisasi {self.year} TW {self.quarter}"

    @property
    def locked(self) -> bool:
        return self.status == Status.APPROVED


class Evidence(models.Model):
    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("berkas"), upload_to="renstra/bukti/%Y/")
    name = models.CharField(_("nama berkas"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Reopening(models.Model):
    """An approved realisation unlocked again, by whom and why."""

    realisation = models.ForeignKey(
        Realisation, on_delete=models.CASCADE, related_name="reopenings"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("alasan"))

    def __str__(self) -> str:
        return f"Dibuka kembali {self.at:%d-%m-%Y}"


class GradeBand(models.Model):
    """A band of the grade scale (predikat): achievement from `minimum` (inclusive) up to
    the next band's minimum; the band without a minimum takes everything below."""

    scale = models.CharField(_("skala"), max_length=60, default="permendagri-86-2017")
    label = models.CharField(_("predikat"), max_length=40)
    minimum = models.DecimalField(
        _("batas bawah (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    colour = models.CharField(_("warna"), max_length=20, default="secondary")
    source = models.CharField(_("dasar"), max_length=200, blank=True)

    class Meta:
        ordering = ["scale", "-minimum"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "minimum"], name="grade_band_unique")
        ]

    def __str__(self) -> str:
        return self.label


class WorkPlan(models.Model):
    """The Renja of a year, derived from the Renstra year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_plans")
    year = models.PositiveSmallIntegerField(_("tahun"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="work_plan_year_unique")
        ]

    def __str__(self) -> str:
        return f"Renja {self.year}"


class WorkPlanItem(models.Model):
    """The Renja's target for an indicator or pagu for a row; a departure from the Renstra
    carries its reason."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    node = models.ForeignKey(
        Node, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    renstra_written = models.CharField(_("menurut Renstra"), max_length=80, blank=True)
    written = models.CharField(_("target Renja"), max_length=80, blank=True)
    renstra_amount = models.BigIntegerField(_("pagu Renstra"), null=True, blank=True)
    amount = models.BigIntegerField(_("pagu Renja"), null=True, blank=True)
    reason = models.TextField(_("alasan perbedaan"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(indicator__isnull=False) & Q(node__isnull=True))
                | (Q(indicator__isnull=True) & Q(node__isnull=False)),
                name="work_plan_item_indicator_xor_node",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_plan}: {self.written or self.amount}"

    @property
    def departs(self) -> bool:
        return self.written != self.renstra_written or self.amount != self.renstra_amount
