"""The modules of Sejahtera as the navigation shows them. A module whose app is not installed
yet is shown as planned, with what it will do, so users know where things will be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    name: str | Promise
    description: str | Promise
    url_name: str | None = None  # set once the module's app exists
    capability: str = "view"  # what a user needs to see the module in the navigation
    short: str | Promise = ""  # the navigation bar's label (the name if empty)

    @property
    def nav_label(self) -> str | Promise:
        return self.short or self.name


MODULES = [
    Module(
        "registri",
        _("Registri Sosial"),
        _(
            "Keluarga (KK) dan penduduk (NIK), status DTKS/DTSEN dan desil, 26 kategori PPKS, "
            "usulan dan verifikasi-validasi."
        ),
        "registry:person_list",
        short=_("Registri"),
    ),
    Module(
        "data",
        _("Kualitas Data"),
        _(
            "Data ganda (pencocokan probabilistik), penggabungan yang dapat dibatalkan, "
            "pencocokan daftar dari luar, laporan kualitas data per desa."
        ),
        "linkage:queue",
        short=_("Kualitas data"),
    ),
    Module(
        "bansos",
        _("Program Bantuan"),
        _("Program bantuan sosial, aturan kelayakan, siklus, daftar penerima dan penyaluran."),
        "programs:list",
        short=_("Bansos"),
    ),
    Module(
        "layanan",
        _("Layanan & Pengaduan"),
        _("13 layanan Dinas Sosial, surat bernomor dengan kode QR, kasus, pengaduan."),
        "services:requests",
        short=_("Layanan"),
    ),
    Module(
        "mitra",
        _("Mitra PSKS & LKS"),
        _(
            "Pekerja sosial, TKSK, PSM, TAGANA, LKS, Karang Taruna dan mitra lain; sertifikat "
            "STP, warga binaan LKS, pelatihan, bantuan UEP."
        ),
        "partners:list",
        short=_("Mitra"),
    ),
    Module(
        "bencana",
        _("Bencana"),
        _(
            "Kejadian bencana, korban dan pengungsian, permakanan, dapur umum, TAGANA, gudang logistik."
        ),
        "disasters:list",
        short=_("Bencana"),
    ),
    Module(
        "tmp",
        _("Taman Makam Pahlawan"),
        _("Taman makam pahlawan, makam, pemeliharaan, upacara, dan data veteran."),
        "cemeteries:list",
        short=_("TMP"),
    ),
    Module(
        "renstra",
        _("Renstra"),
        _(
            "Tujuan, program, kegiatan, indikator, target dan pagu; realisasi triwulan, capaian "
            "dan laporan evaluasi."
        ),
        "planning:home",
        "plan_view",
        short=_("Renstra"),
    ),
]


def modules_for(user: Any) -> list[Module]:
    """The modules a user may open."""
    from sejahtera.accounts.permissions import can
    from sejahtera.accounts.roles import Cap

    return [m for m in MODULES if can(user, Cap(m.capability))]


def by_slug(slug: str) -> Module | None:
    return next((m for m in MODULES if m.slug == slug), None)
