"""Indonesian formatting of money, numbers, dates and personal identifiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def number(value: int | Decimal | float | None, decimals: int = 0) -> str:
    """`1234567.5` → `1.234.567,50` (with decimals=2)."""
    if value is None:
        return "-"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def rupiah(value: int | None) -> str:
    """Money is an integer of rupiah: `4765826000` → `Rp 4.765.826.000`."""
    if value is None:
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {number(abs(value))}"


def tanggal(value: dt.date | None) -> str:
    """`2025-08-17` → `17 Agustus 2025`."""
    if value is None:
        return "-"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def mask_nik(nik: str | None) -> str:
    """Show the region part and the serial only: `3516••••••••0001`."""
    if not nik:
        return "-"
    if len(nik) < 8:
        return "•" * len(nik)
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:]
