"""NIK and birth-date comparisons: the clerk's typing mistakes, in Python and in DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from sejahtera.linkage.compare import (
    adjacent_swap,
    day_month_swapped,
    levenshtein_at_most_one,
    nik_relation,
    one_digit_apart,
    swapped_date,
)

NIK = "3516011205800012"


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        (NIK, NIK, "sama"),
        (NIK, "3516011205800013", "satu-angka"),  # last digit wrong
        (NIK, "3516011205800912", "satu-angka"),
        (NIK, "3516011205800021", "tertukar"),  # 12 → 21
        (NIK, "3516011250800012", "tertukar"),  # day 05/50 ... two adjacent swapped
        (NIK, "3516011205805512", "awalan"),  # same region, date and sex; other serial
        (NIK, "3516021205800012", "satu-angka"),  # kecamatan 01 → 02
        (NIK, "3516025205800099", "beda"),
        (NIK, None, ""),
        ("", NIK, ""),
    ],
)
def test_nik_relation(a: str, b: str | None, relation: str) -> None:
    assert nik_relation(a, b) == relation
    assert nik_relation(b, a) == relation


def test_one_digit_and_swap_are_exclusive() -> None:
    assert one_digit_apart(NIK, "3516011205800013")
    assert not adjacent_swap(NIK, "3516011205800013")
    assert adjacent_swap(NIK, "3516011205800021")
    assert not one_digit_apart(NIK, "3516011205800021")
    # two digits wrong but not a swap of neighbours
    assert not adjacent_swap(NIK, "3516011205800034")
    # swapped but not neighbours
    assert not adjacent_swap("1234", "4231")
    # the same digit twice: swapping changes nothing, so no swap
    assert not adjacent_swap("1123", "1123")
    assert not one_digit_apart("123", "1234")


@pytest.mark.parametrize(
    ("a", "b", "swapped"),
    [
        (dt.date(1980, 5, 12), dt.date(1980, 12, 5), True),
        (dt.date(1980, 12, 5), dt.date(1980, 5, 12), True),
        (dt.date(1980, 5, 12), dt.date(1981, 12, 5), False),  # other year
        (dt.date(1980, 5, 5), dt.date(1980, 5, 5), False),  # same date
        (dt.date(1980, 5, 12), dt.date(1980, 12, 6), False),
        (dt.date(1980, 5, 12), None, False),
    ],
)
def test_day_month_swapped(a: dt.date, b: dt.date | None, swapped: bool) -> None:
    assert day_month_swapped(a, b) is swapped


def test_swapped_date() -> None:
    assert swapped_date(dt.date(1980, 5, 12)) == dt.date(1980, 12, 5)
    assert swapped_date(dt.date(1980, 5, 13)) is None  # no 13th month
    assert swapped_date(dt.date(1980, 5, 5)) is None


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("19800512", "19800512", True),
        ("19800512", "19800513", True),
        ("19800512", "1980052", True),
        ("19800512", "19800521", False),
        ("abc", "abcde", False),
    ],
)
def test_levenshtein_at_most_one(a: str, b: str, close: bool) -> None:
    assert levenshtein_at_most_one(a, b) is close


def test_duckdb_agrees_with_python_on_nik_typos() -> None:
    """The SQL the model uses (hamming, damerau_levenshtein) gives the same answers."""
    pairs = [
        (NIK, "3516011205800013"),
        (NIK, "3516011205800021"),
        (NIK, "3516011205800034"),
        (NIK, "3516011250800012"),
        (NIK, NIK),
    ]
    connection = duckdb.connect()
    for a, b in pairs:
        one, swap = connection.execute(
            "SELECT hamming($1, $2) = 1, hamming($1, $2) = 2 AND damerau_levenshtein($1, $2) = 1",
            [a, b],
        ).fetchone() or (None, None)
        assert one == one_digit_apart(a, b), (a, b)
        assert swap == adjacent_swap(a, b), (a, b)
