from __future__ import annotations

import datetime as dt

import pytest

from sejahtera.common.nik import check_kk, check_nik, region_code
from sejahtera.wilayah.selectors import kecamatan_exists

TODAY = dt.date(2026, 11, 27)


def exists(code: str) -> bool:
    return code in {"35.16.01", "35.16.02"}


def test_valid_nik_of_a_man() -> None:
    check = check_nik("3516011208850001", region_exists=exists, today=TODAY)
    assert check.ok, check.errors
    assert check.region_code == "35.16.01"
    assert check.date == dt.date(1985, 8, 12)
    assert check.sex == "L"


def test_valid_nik_of_a_woman_has_day_plus_40() -> None:
    check = check_nik("3516015208850002", region_exists=exists, today=TODAY)
    assert check.ok
    assert check.date == dt.date(1985, 8, 12)
    assert check.sex == "P"


def test_century_is_the_latest_not_in_the_future() -> None:
    assert check_nik("3516010101200001", today=TODAY).date == dt.date(2020, 1, 1)
    assert check_nik("3516010101300001", today=TODAY).date == dt.date(1930, 1, 1)
    # A recorded birth date settles the century (a centenarian born in 1920).
    born = dt.date(1920, 1, 1)
    assert check_nik("3516010101200001", birth_date=born, today=TODAY).date == born


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("351601120885000", "16 angka"),
        ("35160112088500012", "16 angka"),
        ("35160112O8850001", "16 angka"),
        ("", "16 angka"),
        ("3516013202850001", "bukan tanggal yang sah"),  # 32 Feb
        ("3516017208850001", "bukan tanggal yang sah"),  # day 72 - 40 = 32
        ("3516010013850001", "bukan tanggal yang sah"),  # day 00
        ("3516011213850001", "bukan tanggal yang sah"),  # month 13
        ("3516012902010001", "bukan tanggal yang sah"),  # 29 Feb 2001
        ("3599011208850001", "tidak ada dalam data wilayah"),
        ("3516011208850000", "tidak boleh 0000"),
    ],
)
def test_invalid_niks(nik: str, fragment: str) -> None:
    check = check_nik(nik, region_exists=exists, today=TODAY)
    assert not check.ok
    assert any(fragment in e for e in check.errors), check.errors


def test_leap_day_is_valid_in_leap_year() -> None:
    assert check_nik("3516016902000001", region_exists=exists, today=TODAY).ok  # 29 Feb 2000, woman


def test_mismatch_with_record_is_a_warning_not_an_error() -> None:
    check = check_nik(
        "3516011208850001",
        birth_date=dt.date(1985, 8, 13),
        sex="P",
        region_exists=exists,
        today=TODAY,
    )
    assert check.ok
    assert len(check.warnings) == 2
    assert "12-08-1985" in check.warnings[0] and "13-08-1985" in check.warnings[0]
    assert "laki-laki" in check.warnings[1] and "perempuan" in check.warnings[1]


def test_spaces_are_ignored() -> None:
    assert check_nik(" 3516 0112 0885 0001 ", region_exists=exists, today=TODAY).ok


def test_kk_number() -> None:
    ok = check_kk("3516010503150007", region_exists=exists, today=TODAY)
    assert ok.ok and ok.date == dt.date(2015, 3, 5)
    assert "16 angka" in check_kk("12345", region_exists=exists).errors[0]
    assert not check_kk("3516014503150007", region_exists=exists, today=TODAY).ok  # no +40 on KK
    assert not check_kk("3598010503150007", region_exists=exists, today=TODAY).ok


def test_region_code() -> None:
    assert region_code("3516011208850001") == "35.16.01"


@pytest.mark.django_db
def test_region_check_against_real_areas() -> None:
    assert check_nik("3516011208850001", region_exists=kecamatan_exists, today=TODAY).ok
    # 35.16.19 does not exist: Mojokerto has 18 kecamatan.
    assert not check_nik("3516191208850001", region_exists=kecamatan_exists, today=TODAY).ok
    # A kabupaten code padded with 00 is not a kecamatan.
    assert not check_nik("3516001208850001", region_exists=kecamatan_exists, today=TODAY).ok
