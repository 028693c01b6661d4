import datetime as dt
from decimal import Decimal

import pytest

from sejahtera.common import formatting
from sejahtera.common.exports import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4765826000, "Rp 4.765.826.000"), (0, "Rp 0"), (-1500, "-Rp 1.500"), (None, "-")],
)
def test_rupiah(value: int | None, expected: str) -> None:
    assert formatting.rupiah(value) == expected


def test_number_with_decimals() -> None:
    assert formatting.number(Decimal("1234567.5"), 2) == "1.234.567,50"


def test_tanggal() -> None:
    assert formatting.tanggal(dt.date(2025, 8, 17)) == "17 Agustus 2025"


@pytest.mark.parametrize(
    ("nik", "expected"),
    [("3516014107850001", "3516••••••••0001"), ("", "-"), ("123", "•••")],
)
def test_mask_nik(nik: str, expected: str) -> None:
    assert formatting.mask_nik(nik) == expected


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_cells_stay_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_plain_cells_unchanged() -> None:
    assert safe_cell("Budi") == "Budi"
    # Signed numbers and a lone dash (as the Renstra writes empty cells) run nothing.
    assert safe_cell("-") == "-"
    assert safe_cell("-8.18%") == "-8.18%"
    assert safe_cell(12) == 12
