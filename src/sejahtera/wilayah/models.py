"""Official administrative areas of Indonesia (Kemendagri codes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINSI = 1, _("Provinsi")
    KABUPATEN = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA = 4, _("Desa/Kelurahan")


class Wilayah(models.Model):
    """One area at any level. The code is Kemendagri's dotted code (`35`, `35.16`,
    `35.16.01`, `35.16.01.2001`), so an area's code is a prefix of all its descendants'
    codes followed by a dot: scoping to an area is a prefix match on the code."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_kelurahan = models.BooleanField(
        _("kelurahan"),
        default=False,
        help_text=_("Untuk tingkat desa: kelurahan (kode 1xxx) atau desa (kode 2xxx)."),
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kind_label(self) -> str:
        if self.level == Level.DESA:
            return str(_("Kelurahan") if self.is_kelurahan else _("Desa"))
        return str(self.get_level_display())

    @property
    def display_name(self) -> str:
        """`Desa Tawangrejo`, `Kecamatan Jatirejo`, `Kabupaten Mojokerto` (the package's
        kabupaten/kota names already say which)."""
        if self.level == Level.KABUPATEN:
            return self.name
        return f"{self.kind_label} {self.name}"

    def contains(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


class WilayahSource(models.Model):
    """Which data package and regulation the loaded areas come from (one row per load)."""

    package = models.CharField(_("paket data"), max_length=100)
    version = models.CharField(_("versi"), max_length=30)
    regulation = models.CharField(_("peraturan"), max_length=255)
    checksum = models.CharField(_("sidik data"), max_length=64)
    loaded_at = models.DateTimeField(_("dimuat pada"), auto_now_add=True)
    counts = models.JSONField(_("jumlah per tingkat"), default=dict)

    class Meta:
        verbose_name = _("sumber data wilayah")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.package} {self.version}"
