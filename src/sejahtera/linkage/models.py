"""Record linkage: the trained model, the pairs it proposes as duplicates, the clerks'
decisions on them, merges (reversible, every moved row recorded) and outside lists matched
against the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LinkageModel(models.Model):
    """One trained Splink model: its settings with every m and u (the JSON Splink saves), the
    area it was trained on and how many persons it saw. Versions only grow."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    area_code = models.CharField(_("wilayah"), max_length=13)
    model = models.JSONField(_("model Splink"))
    persons = models.PositiveIntegerField(_("jumlah penduduk dilatih"), default=0)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dilatih oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    trained_at = models.DateTimeField(_("dilatih pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("model pencocokan")
        verbose_name_plural = _("model pencocokan")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Model v{self.version}"


class CandidatePair(models.Model):
    """Two persons the model thinks may be one, waiting for a clerk. `person_a` has the
    lower id. `levels` explains the score: per comparison, the level and its weight."""

    linkage_model = models.ForeignKey(
        LinkageModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="pairs"
    )
    person_a = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang A")
    )
    person_b = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang B")
    )
    # Where the two live when the pair was found: a user sees the pair if both are in area.
    desa_a = models.CharField(_("desa A"), max_length=13, db_index=True)
    desa_b = models.CharField(_("desa B"), max_length=13, db_index=True)
    match_weight = models.FloatField(_("bobot"))
    match_probability = models.FloatField(_("peluang sama"), db_index=True)
    levels = models.JSONField(_("rincian perbandingan"), default=dict)
    found_at = models.DateTimeField(_("ditemukan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("pasangan calon duplikat")
        verbose_name_plural = _("pasangan calon duplikat")
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidate_pair_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} ({self.match_probability:.2f})"


class Decision(models.TextChoices):
    SAME = "sama", _("Orang yang sama")
    DIFFERENT = "beda", _("Orang yang berbeda")


class PairDecision(models.Model):
    """A clerk's answer for an unordered pair of persons, remembered so that no later run
    asks again. `person_a` has the lower id."""

    person_a = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang A")
    )
    person_b = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang B")
    )
    decision = models.CharField(_("keputusan"), max_length=4, choices=Decision.choices)
    match_probability = models.FloatField(_("peluang sama menurut model"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("keputusan pasangan")
        verbose_name_plural = _("keputusan pasangan")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="pair_decision_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="pair_decision_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id}: {self.decision}"


class Merge(models.Model):
    """The duplicate (`loser`) folded into the record kept (`survivor`). Both records stay;
    the loser is marked `merged_into` and every row that pointed at it now points at the
    survivor, each listed in MergeRecord so that an undo puts it back exactly."""

    decision = models.ForeignKey(
        PairDecision,
        verbose_name=_("keputusan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merges",
    )
    survivor = models.ForeignKey(
        "registry.Person",
        verbose_name=_("data yang dipertahankan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    loser = models.ForeignKey(
        "registry.Person",
        verbose_name=_("data duplikat"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digabung oleh"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    merged_at = models.DateTimeField(_("digabung pada"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibatalkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undone_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    undo_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("penggabungan")
        verbose_name_plural = _("penggabungan")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.loser_id} → {self.survivor_id}"


class MergeRecord(models.Model):
    """One field of one row changed by a merge: which model, which row, which field, the
    value before and after."""

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="records")
    model_label = models.CharField(_("model"), max_length=100)
    object_pk = models.CharField(_("baris"), max_length=64)
    field = models.CharField(_("kolom"), max_length=100)
    old_value = models.JSONField(_("nilai lama"), null=True, blank=True)
    new_value = models.JSONField(_("nilai baru"), null=True, blank=True)

    class Meta:
        verbose_name = _("rincian penggabungan")
        verbose_name_plural = _("rincian penggabungan")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.model_label}#{self.object_pk}.{self.field}"


class OutsideList(models.Model):
    """A list from outside (e.g. a ministry's PKH recipients) matched against the registry.
    Seen by the user who uploaded it; matched only against persons in their areas."""

    name = models.CharField(_("nama berkas"), max_length=200)
    source = models.CharField(_("sumber daftar"), max_length=200, blank=True)
    mapping = models.JSONField(_("pemetaan kolom"), default=dict)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    matched = models.PositiveIntegerField(_("cocok"), default=0)
    ambiguous = models.PositiveIntegerField(_("ragu"), default=0)
    unmatched = models.PositiveIntegerField(_("tidak cocok"), default=0)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("daftar luar")
        verbose_name_plural = _("daftar luar")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class MatchStatus(models.TextChoices):
    PENDING = "menunggu", _("Menunggu")
    MATCHED = "cocok", _("Cocok")
    AMBIGUOUS = "ragu", _("Ragu (lebih dari satu calon)")
    UNMATCHED = "tidak", _("Tidak ditemukan")


class OutsideRow(models.Model):
    outside_list = models.ForeignKey(OutsideList, on_delete=models.CASCADE, related_name="items")
    line = models.PositiveIntegerField(_("baris"))
    values = models.JSONField(_("isi"), default=dict)
    status = models.CharField(
        _("hasil"), max_length=8, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penduduk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    probability = models.FloatField(_("peluang"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("baris daftar luar")
        verbose_name_plural = _("baris daftar luar")
        ordering = ["outside_list", "line"]
        constraints = [
            models.UniqueConstraint(fields=["outside_list", "line"], name="outside_row_line")
        ]

    def __str__(self) -> str:
        return f"{self.outside_list_id}:{self.line}"
