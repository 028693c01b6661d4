"""Small comparisons of identity fields, the mistakes clerks make when typing them.

NIK: one wrong digit, or two neighbouring digits swapped (`3516011205800012` against
`3516011205800021`). Birth date: day and month swapped (05-12 typed for 12-05), one digit
wrong. Each has a twin in SQL in `spec.py`; `tests/linkage/test_compare.py` holds both to the
same answers."""

from __future__ import annotations

import datetime as dt


def hamming(a: str, b: str) -> int | None:
    """Positions that differ, for strings of one length; None otherwise."""
    if len(a) != len(b):
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def one_digit_apart(a: str | None, b: str | None) -> bool:
    """Same length, exactly one position differs."""
    return bool(a) and bool(b) and hamming(a or "", b or "") == 1


def adjacent_swap(a: str | None, b: str | None) -> bool:
    """`b` is `a` with two neighbouring characters swapped (and they differ)."""
    if not a or not b or len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def nik_relation(a: str | None, b: str | None) -> str:
    """How two NIKs relate: "" (one missing), "sama", "satu-angka", "tertukar", "awalan"
    (same region, birth date and sex, other serial) or "beda"."""
    if not a or not b:
        return ""
    if a == b:
        return "sama"
    if one_digit_apart(a, b):
        return "satu-angka"
    if adjacent_swap(a, b):
        return "tertukar"
    if a[:12] == b[:12]:
        return "awalan"
    return "beda"


def day_month_swapped(a: dt.date | None, b: dt.date | None) -> bool:
    """Same year, and the day of one is the month of the other and the other way round."""
    if a is None or b is None or a == b:
        return False
    return a.year == b.year and a.day == b.month and a.month == b.day


def swapped_date(value: dt.date) -> dt.date | None:
    """The date with day and month swapped, if that is a date and differs."""
    if value.day > 12 or value.day == value.month:
        return None
    return value.replace(day=value.month, month=value.day)


def levenshtein_at_most_one(a: str, b: str) -> bool:
    """At most one insertion, deletion or substitution apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return hamming(a, b) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
