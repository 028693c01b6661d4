from __future__ import annotations

from decimal import Decimal

import pytest

from sejahtera.planning.values import (
    Component,
    components,
    normalise_code,
    number,
    read_number,
    rupiah,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("25,578,659,507", Decimal("25578659507")),
        ("151.935", Decimal("151935")),
        ("81,10", Decimal("81.10")),
        ("97.97", Decimal("97.97")),
        ("9", Decimal("9")),
        ("-8.18", Decimal("-8.18")),
        ("1,2,3", None),
        ("", None),
    ],
)
def test_separator_rule(written: str, expected: Decimal | None) -> None:
    assert read_number(written) == expected


def test_values_as_the_seed_writes_them() -> None:
    assert number("81,10 (A)") == Decimal("81.10")
    assert number("97.97%") == Decimal("97.97")
    assert number("3 Inovasi") == Decimal("3")
    assert number("n/a") is None
    assert number("-") is None
    assert components("72 Orang, 90 Lembaga") == [
        Component(Decimal(72), "Orang"),
        Component(Decimal(90), "Lembaga"),
    ]
    assert components("151.935 Keluarga, 50 Orang")[0] == Component(Decimal(151935), "Keluarga")


def test_rupiah() -> None:
    assert rupiah("121,981,063,728") == 121_981_063_728
    assert rupiah("-") is None
    assert rupiah(None) is None


def test_codes_are_normalised_to_canonical_widths() -> None:
    assert normalise_code("1.06.04.2.01.0001") == normalise_code("1.06.04.02.01.0001")
    assert normalise_code("1.6.4.2.1.1") == "1.06.04.2.01.0001"
    assert normalise_code("1.06", "urusan") == "1.06"


def test_incomplete_code_is_kept_apart_from_the_kegiatan_it_resembles() -> None:
    # The seed writes 1.06.01.2.0002 for a sub kegiatan: it must not become kegiatan 1.06.01.2.02.
    key = normalise_code("1.06.01.2.0002", "subkegiatan")
    assert key.startswith("?")
    assert key != normalise_code("1.06.01.2.02", "kegiatan")
