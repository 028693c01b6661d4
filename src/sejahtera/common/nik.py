"""Checking NIK (national identity number) and No. KK (family-card number).

A NIK is 16 digits: 1–6 the kecamatan of registration (`PPKKCC` → Kemendagri `PP.KK.CC`),
7–12 the birth date as DDMMYY with 40 added to the day for women, 13–16 a serial number.
A No. KK is 16 digits: 1–6 the kecamatan, 7–12 the date the card was issued (DDMMYY), 13–16 a
serial. Errors make a number unusable; warnings (a NIK that disagrees with the recorded birth
date or sex) are shown but do not block, because NIKs are never reissued.

The functions here know nothing of the database: the caller passes `region_exists`, a
function that says whether a kecamatan code exists (see `wilayah.selectors.kecamatan_exists`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Labels in messages, translated only when a message is written (a million checks of good
# numbers ask for none).
KK_LABEL = gettext_lazy("Nomor KK")
KK_LABEL_LOWER = gettext_lazy("nomor KK")

RegionCheck = Callable[[str], bool]


@dataclass
class NumberCheck:
    number: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region_code: str | None = None
    date: dt.date | None = None  # birth date (NIK) or issue date (KK)
    sex: str | None = None  # "L" or "P" (NIK only)

    @property
    def ok(self) -> bool:
        return not self.errors


def region_code(number: str) -> str:
    """`3516011201850001` → `35.16.01`."""
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}"


def _date(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The date DD MM YY in the latest century that does not put it after `today`."""
    for century in (2000, 1900):
        try:
            value = dt.date(century + yy, month, day)
        except ValueError:
            return None
        if value <= today:
            return value
    return None


def _digits(number: str, label: str | Promise, check: NumberCheck) -> bool:
    if len(number) != 16 or not number.isdigit():
        check.errors.append(
            _("%(label)s harus 16 angka (tertulis %(n)d karakter).")
            % {"label": label, "n": len(number)}
        )
        return False
    if number[12:16] == "0000":
        check.errors.append(
            _("Nomor urut %(label)s (4 angka terakhir) tidak boleh 0000.") % {"label": label}
        )
    return True


def _region(
    number: str, label: str | Promise, check: NumberCheck, region_exists: RegionCheck | None
) -> None:
    code = region_code(number)
    check.region_code = code
    if region_exists is not None and not region_exists(code):
        check.errors.append(
            _("Kode wilayah %(code)s pada %(label)s tidak ada dalam data wilayah Kemendagri.")
            % {"code": code, "label": label}
        )


def check_nik(
    raw: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    region_exists: RegionCheck | None = None,
    today: dt.date | None = None,
) -> NumberCheck:
    nik = (raw or "").strip().replace(" ", "")
    check = NumberCheck(number=nik)
    if not _digits(nik, "NIK", check):
        return check
    _region(nik, "NIK", check, region_exists)
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    check.sex = nik_sex
    today = today or dt.date.today()
    born = _date(day, month, yy, today) if 1 <= day <= 31 else None
    if born is None:
        check.errors.append(
            _(
                "Bagian tanggal lahir NIK (%(part)s) bukan tanggal yang sah (hari ditambah 40 untuk perempuan)."
            )
            % {"part": nik[6:12]}
        )
        return check
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) == (
        day,
        month,
        yy,
    ):
        born = birth_date  # the record settles the century
    elif birth_date is not None:
        check.warnings.append(
            _(
                "Tanggal lahir pada NIK (%(nik)s) berbeda dengan tanggal lahir tercatat (%(recorded)s)."
            )
            % {"nik": born.strftime("%d-%m-%Y"), "recorded": birth_date.strftime("%d-%m-%Y")}
        )
    check.date = born
    if sex in ("L", "P") and sex != nik_sex:
        check.warnings.append(
            _("NIK menunjukkan jenis kelamin %(nik)s, tercatat %(recorded)s.")
            % {"nik": _sex_label(nik_sex), "recorded": _sex_label(sex)}
        )
    return check


def _sex_label(sex: str) -> str:
    return _("perempuan") if sex == "P" else _("laki-laki")


def check_kk(
    raw: str, *, region_exists: RegionCheck | None = None, today: dt.date | None = None
) -> NumberCheck:
    kk = (raw or "").strip().replace(" ", "")
    check = NumberCheck(number=kk)
    if not _digits(kk, KK_LABEL, check):
        return check
    _region(kk, KK_LABEL_LOWER, check, region_exists)
    day, month, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    issued = _date(day, month, yy, today or dt.date.today())
    if issued is None:
        check.errors.append(
            _("Bagian tanggal terbit nomor KK (%(part)s) bukan tanggal yang sah.")
            % {"part": kk[6:12]}
        )
    check.date = issued
    return check


def make_nik(*, kecamatan_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Compose a NIK from its parts (for synthetic data and tests): `35.16.01`, 1985-08-12,
    "P", 2 → `3516015208850002`."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return (
        kecamatan_code.replace(".", "")
        + f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
    )
