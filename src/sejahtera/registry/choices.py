"""Coded values of the registry. Codes are stable identifiers; labels are what people read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relation(models.TextChoices):
    HEAD = "kepala", _("Kepala keluarga")
    SPOUSE = "pasangan", _("Suami/istri")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua")
    PARENT_IN_LAW = "mertua", _("Mertua")
    OTHER_FAMILY = "famili", _("Famili lain")
    HELPER = "pembantu", _("Pembantu")
    OTHER = "lainnya", _("Lainnya")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    SD_NOT_FINISHED = "tidak_tamat_sd", _("Tidak tamat SD")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/sederajat")
    DIPLOMA = "diploma", _("Diploma")
    BACHELOR = "s1", _("S1")
    POSTGRADUATE = "s2_s3", _("S2/S3")


class DisabilityType(models.TextChoices):
    """The kinds of disability of UU 8/2016 (fisik, intelektual, mental, sensorik) and
    multiple disability."""

    NONE = "", _("Tidak ada")
    PHYSICAL = "fisik", _("Fisik")
    INTELLECTUAL = "intelektual", _("Intelektual")
    MENTAL = "mental", _("Mental")
    SENSORY_SIGHT = "netra", _("Sensorik netra")
    SENSORY_HEARING = "rungu", _("Sensorik rungu")
    SENSORY_SPEECH = "wicara", _("Sensorik wicara")
    MULTIPLE = "ganda", _("Ganda/multi")


class Severity(models.TextChoices):
    NONE = "", _("-")
    MILD = "ringan", _("Ringan")
    MODERATE = "sedang", _("Sedang")
    SEVERE = "berat", _("Berat")


class FloorMaterial(models.TextChoices):
    EARTH = "tanah", _("Tanah")
    BAMBOO_WOOD = "bambu_kayu", _("Bambu/kayu murah")
    CEMENT = "semen", _("Semen/bata merah")
    TILE = "keramik", _("Keramik/ubin/marmer")


class WallMaterial(models.TextChoices):
    BAMBOO = "bambu", _("Bambu/rumbia")
    WOOD = "kayu", _("Kayu/papan kualitas rendah")
    UNPLASTERED = "tembok_tanpa_plester", _("Tembok tanpa plester")
    PLASTERED = "tembok", _("Tembok diplester")


class RoofMaterial(models.TextChoices):
    THATCH = "ijuk_rumbia", _("Ijuk/rumbia/daun")
    ZINC = "seng", _("Seng/asbes")
    TILE = "genteng", _("Genteng")
    CONCRETE = "beton", _("Beton")


class WaterSource(models.TextChoices):
    UNPROTECTED = "tak_terlindung", _("Sumur/mata air tak terlindung, sungai, air hujan")
    PROTECTED_WELL = "sumur_terlindung", _("Sumur/mata air terlindung")
    PUMP = "pompa", _("Sumur bor/pompa")
    PIPED = "ledeng", _("Ledeng/PDAM")
    BOTTLED = "kemasan", _("Air kemasan/isi ulang")


class Toilet(models.TextChoices):
    NONE = "tidak_ada", _("Tidak ada")
    SHARED = "bersama", _("Bersama/umum")
    OWN = "sendiri", _("Sendiri")


class Lighting(models.TextChoices):
    NON_ELECTRIC = "bukan_listrik", _("Bukan listrik")
    PLN_450 = "pln_450", _("Listrik PLN 450 VA")
    PLN_900 = "pln_900", _("Listrik PLN 900 VA")
    PLN_OVER_900 = "pln_lebih_900", _("Listrik PLN > 900 VA")
    NON_PLN = "non_pln", _("Listrik non-PLN")


class Ownership(models.TextChoices):
    OWN = "milik_sendiri", _("Milik sendiri")
    RENT = "sewa", _("Kontrak/sewa")
    FREE = "bebas_sewa", _("Bebas sewa/menumpang")
    OFFICIAL = "dinas", _("Rumah dinas")
    OTHER = "lainnya", _("Lainnya")


class IncomeBand(models.TextChoices):
    BELOW_500K = "lt_500rb", _("< Rp 500.000 per bulan")
    TO_1M = "500rb_1jt", _("Rp 500.000 – 1.000.000")
    TO_2M = "1jt_2jt", _("Rp 1.000.000 – 2.000.000")
    TO_3M = "2jt_3jt", _("Rp 2.000.000 – 3.000.000")
    ABOVE_3M = "gt_3jt", _("> Rp 3.000.000")


class RemovalReason(models.TextChoices):
    DECEASED = "meninggal", _("Meninggal dunia")
    MOVED = "pindah", _("Pindah domisili")
    NOT_POOR = "tidak_miskin", _("Tidak lagi miskin/mampu")
