"""Partners of the office: potential and sources of social welfare (PSKS, seed section 2.5):
persons (penyuluh sosial, pekerja sosial, TKSK, pendamping PKH, PSM, TAGANA, …) and
institutions (LKS, Karang Taruna, LK3, WKSBM, …)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.Model):
    """One of the kinds of PSKS of seed section 2.5, as reference data."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("jenis"), max_length=200)
    institution = models.BooleanField(_("lembaga"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    seed_lines = models.CharField(_("baris sumber"), max_length=20, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("jenis PSKS")
        verbose_name_plural = _("jenis PSKS")

    def __str__(self) -> str:
        return self.name


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
