"""Working days: Monday to Friday except the national holidays and collective leave days in
the `Holiday` table (kept by the office each year from the joint ministerial decree)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sejahtera.services.models import Holiday


def holidays(between: tuple[dt.date, dt.date]) -> set[dt.date]:
    return set(Holiday.objects.filter(date__range=between).values_list("date", flat=True))


def is_working_day(day: dt.date, off: Iterable[dt.date]) -> bool:
    return day.weekday() < 5 and day not in set(off)


def add_working_days(start: dt.date, days: int, off: set[dt.date] | None = None) -> dt.date:
    """The date `days` working days after `start` (a request received on a Friday with a
    target of 1 working day is due on Monday)."""
    if off is None:
        off = holidays((start, start + dt.timedelta(days=days * 3 + 30)))
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, off: set[dt.date] | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    if off is None:
        off = holidays((start, end))
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=n), off)
    )
