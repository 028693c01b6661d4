"""Reading the values of a plan as the documents write them.

A Renstra writes its figures as text: `81,10 (A)`, `97.97%`, `3 Inovasi`,
`72 Orang, 90 Lembaga`, `25,578,659,507`. We keep the text and read a number from it:

- a group separator (`.` or `,`) followed by exactly three digits, in every group, is a
  thousands separator (`25,578,659,507`, `151.935 Keluarga`); any other `.` or `,` is the
  decimal separator (`81,10`, `97.97`);
- a value with several numbers and labels (`72 Orang, 90 Lembaga`) has one component per
  number, each labelled by the word after it; achievement is computed per component;
- `n/a`, `-` and empty cells have no number.

Nomenclature codes (Permendagri 90/2019) are normalised to their canonical widths, so that
`1.06.04.2.01.0001` and `1.06.04.02.01.0001` are the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_LABEL = re.compile(r"\s*([A-Za-z][A-Za-z/ ]*)")
EMPTY = frozenset({"", "-", "n/a", "na", "N/A", "–"})
# Widths of the parts of a code: urusan, bidang, program, kegiatan (2 parts), sub kegiatan.
CODE_WIDTHS = (1, 2, 2, 1, 2, 4)
LEVEL_PARTS = {"urusan": 2, "program": 3, "kegiatan": 5, "subkegiatan": 6}


def read_number(token: str) -> Decimal | None:
    """One written number as a Decimal, by the separator rule above; None if unreadable."""
    token = token.strip()
    if not token:
        return None
    if _THOUSANDS.match(token):
        digits = token.replace(".", "").replace(",", "")
    elif token.count(",") + token.count(".") > 1:
        return None
    else:
        digits = token.replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Component:
    number: Decimal
    label: str


def components(text: str | None) -> list[Component]:
    """The numbers of a written value with the word after each (`72 Orang` → 72, "Orang")."""
    if text is None or text.strip() in EMPTY:
        return []
    found: list[Component] = []
    for match in _NUMBER.finditer(text):
        number = read_number(match.group())
        if number is None:
            continue
        after = _LABEL.match(text, match.end())
        label = after.group(1).strip() if after else ""
        found.append(Component(number, label))
    return found


def number(text: str | None) -> Decimal | None:
    """The numeric part of a value (its first number): `81,10 (A)` → 81.10."""
    parts = components(text)
    return parts[0].number if parts else None


def rupiah(text: str | None) -> int | None:
    """A pagu or an amount in rupiah as written (`25,578,659,507`, `-`) as an integer."""
    if text is None or text.strip() in EMPTY:
        return None
    value = read_number(text.strip())
    if value is None:
        return None
    return int(value)


def normalise_code(code: str | None, level: str | None = None) -> str:
    """The canonical form of a nomenclature code: each part zero-padded to its width.

    A code with fewer parts than its level needs (the seed writes `1.06.01.2.0002` for a sub
    kegiatan) cannot be placed in the scheme; it is kept, digits only, behind a `?`."""
    if not code:
        return ""
    parts = [p for p in code.strip().split(".") if p]
    if not all(p.isdigit() for p in parts):
        return "?" + code.strip()
    needed = LEVEL_PARTS.get(level or "")
    if (needed is not None and len(parts) != needed) or len(parts) > len(CODE_WIDTHS):
        return "?" + ".".join(parts)
    return ".".join(str(int(p)).zfill(w) for p, w in zip(parts, CODE_WIDTHS, strict=False))


def level_of_code(code: str) -> str | None:
    key = normalise_code(code)
    if key.startswith("?"):
        return None
    count = key.count(".") + 1
    return next((level for level, parts in LEVEL_PARTS.items() if parts == count), None)
