"""Figures of events: whether displaced victims got the standard three meals on every day of
their displacement in the emergency ("kebutuhan dasar terpenuhi") or only on some days, aid
after the emergency, meals served (per person and by public kitchens), items issued,
psychosocial sessions and TAGANA volunteers; per event and per year. The indicators use the
same functions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.disasters.models import (
    BASIC_NEEDS,
    AidKind,
    Condition,
    Deployment,
    Event,
    KitchenDay,
    MovementKind,
    StockMovement,
    Victim,
    VictimAid,
)
from sejahtera.disasters.selectors import emergency_last_days
from sejahtera.disasters.standards import meals_per_day

MET, PARTIAL, NONE = "met", "partial", "none"
SURVIVED = (Condition.SAFE, Condition.INJURED)


@dataclass(frozen=True)
class Window:
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def displacement_windows(
    victims: QuerySet[Victim],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[int, Window]:
    """The days each displaced victim spent displaced during the emergency, within
    [start, end] and up to yesterday (today's meals may not all be recorded yet). Victims
    without such days are absent."""
    today = today or timezone.localdate()
    rows = list(
        victims.filter(displaced=True).values(
            "pk",
            "event_id",
            "event__started_on",
            "event__ended_on",
            "displaced_from",
            "displaced_until",
        )
    )
    last_days = emergency_last_days(sorted({r["event_id"] for r in rows}))
    windows: dict[int, Window] = {}
    for row in rows:
        firsts = [row["event__started_on"], row["displaced_from"], start]
        lasts = [
            last_days.get(row["event_id"]),
            row["event__ended_on"],
            row["displaced_until"],
            end,
            today - dt.timedelta(days=1),
        ]
        first = max(d for d in firsts if d is not None)
        last = min(d for d in lasts if d is not None)
        if first <= last:
            windows[row["pk"]] = Window(first, last)
    return windows


def meal_status(
    victims: QuerySet[Victim],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[int, str]:
    """For each victim displaced in the emergency: MET when they got the standard number of
    meals on every day of it, PARTIAL when they got some meals, NONE when none."""
    windows = displacement_windows(victims, start=start, end=end, today=today)
    if not windows:
        return {}
    first = min(w.first for w in windows.values())
    last = max(w.last for w in windows.values())
    limit = meals_per_day()
    full: dict[int, int] = defaultdict(int)
    fed: set[int] = set()
    days = (
        VictimAid.objects.filter(
            victim_id__in=list(windows), kind=AidKind.MEALS, date__gte=first, date__lte=last
        )
        .values("victim_id", "date")
        .annotate(total=Sum("quantity"))
        .values_list("victim_id", "date", "total")
    )
    for victim_id, date, total in days:
        window = windows[victim_id]
        if window.first <= date <= window.last:
            fed.add(victim_id)
            if total >= limit:
                full[victim_id] += 1
    return {
        pk: MET if full[pk] >= window.days else (PARTIAL if pk in fed else NONE)
        for pk, window in windows.items()
    }


def person_key(victim_id: int, person_id: int | None) -> tuple[str, int]:
    """One person once: registry persons by their id, provisional victims each."""
    return ("p", person_id) if person_id is not None else ("v", victim_id)


def one_per_person(victims: QuerySet[Victim]) -> QuerySet[Victim]:
    """The victims as persons: a registry person's first record, every provisional victim.
    Its count is `distinct_persons`."""
    firsts = (
        victims.filter(person__isnull=False)
        .order_by()
        .values("person_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return victims.filter(Q(person__isnull=True) | Q(pk__in=firsts))


def distinct_persons(victims: QuerySet[Victim]) -> int:
    linked = victims.filter(person__isnull=False).values("person_id").distinct().count()
    return linked + victims.filter(person__isnull=True).count()


def aided(
    victims: QuerySet[Victim],
    kinds: Iterable[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Victim]:
    """Victims who received aid of one of the kinds in [start, end]."""
    rows = VictimAid.objects.filter(kind__in=list(kinds))
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    return victims.filter(pk__in=rows.values("victim_id"))


def basic_needs_met(
    victims: QuerySet[Victim],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(met, all) persons among the surviving victims: a victim displaced in the emergency
    (within the dates) meets the need with the standard meals on every day of it; any other
    with basic-needs aid (meals, clothing, kit) in the dates, i.e. after the emergency or
    without displacement."""
    survivors = victims.filter(condition__in=SURVIVED)
    status = meal_status(survivors, start=start, end=end, today=today)
    helped = set(aided(survivors, BASIC_NEEDS, start=start, end=end).values_list("pk", flat=True))
    met: set[tuple[str, int]] = set()
    everyone: set[tuple[str, int]] = set()
    for pk, person_id in survivors.values_list("pk", "person_id"):
        key = person_key(pk, person_id)
        everyone.add(key)
        if (pk in status and status[pk] == MET) or (pk not in status and pk in helped):
            met.add(key)
    return met, everyone


@dataclass
class Figures:
    victims: int = 0
    displaced: int = 0
    met: int = 0
    partial: int = 0
    unfed: int = 0
    aided_after: int = 0
    meals_persons: int = 0
    meals_kitchens: int = 0
    clothing_persons: int = 0
    psych_sessions: int = 0
    psych_persons: int = 0
    volunteers: int = 0
    items: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def meals_total(self) -> int:
        return self.meals_persons + self.meals_kitchens

    def add(self, other: Figures) -> None:
        for name in (
            "victims",
            "displaced",
            "met",
            "partial",
            "unfed",
            "aided_after",
            "meals_persons",
            "meals_kitchens",
            "clothing_persons",
            "psych_sessions",
            "psych_persons",
            "volunteers",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for item, unit, quantity in [*self.items, *other.items]:
            totals[(item, unit)] += quantity
        self.items = [(item, unit, q) for (item, unit), q in sorted(totals.items())]


def figure_rows(f: Figures) -> list[tuple[str, int]]:
    n = meals_per_day()
    return [
        (_("Korban tercatat"), f.victims),
        (_("Korban mengungsi"), f.displaced),
        (
            _(
                "Kebutuhan dasar terpenuhi saat tanggap darurat (%(n)s kali makan setiap hari mengungsi)"
            )
            % {"n": n},
            f.met,
        ),
        (_("Terpenuhi sebagian (makan pada sebagian hari)"), f.partial),
        (_("Mengungsi tanpa catatan makan"), f.unfed),
        (_("Korban yang dibantu setelah tanggap darurat"), f.aided_after),
        (_("Makan per orang (porsi)"), f.meals_persons),
        (_("Makan dari dapur umum (porsi)"), f.meals_kitchens),
        (_("Jumlah makan disajikan (porsi)"), f.meals_total),
        (_("Penerima pakaian/paket kelengkapan (orang)"), f.clothing_persons),
        (_("Sesi dukungan psikososial"), f.psych_sessions),
        (_("Peserta dukungan psikososial (orang)"), f.psych_persons),
        (_("Relawan TAGANA ditugaskan"), f.volunteers),
    ]


def _dated(rows: QuerySet[Any], field_name: str, start: dt.date | None, end: dt.date | None) -> Any:
    if start is not None:
        rows = rows.filter(**{f"{field_name}__gte": start})
    if end is not None:
        rows = rows.filter(**{f"{field_name}__lte": end})
    return rows


def event_figures(
    event: Event,
    victims: QuerySet[Victim],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> Figures:
    """The figures of one event, over its victims the user sees (`victims`, already scoped),
    for aid dated in [start, end] (all dates when not given)."""
    mine = victims.filter(event=event)
    status = meal_status(mine, start=start, end=end, today=today)
    aid = _dated(VictimAid.objects.filter(victim__in=mine), "date", start, end)
    by_kind = {
        row["kind"]: row
        for row in aid.values("kind").annotate(
            total=Sum("quantity"), persons=Count("victim", distinct=True)
        )
    }
    last_days = emergency_last_days([event.pk])
    after = 0
    if event.pk in last_days:
        after_start = last_days[event.pk] + dt.timedelta(days=1)
        after_from = max(after_start, start) if start else after_start
        after = aided(mine, BASIC_NEEDS, start=after_from, end=end).count()
    kitchens = _dated(KitchenDay.objects.filter(kitchen__event=event), "date", start, end)
    issued = _dated(
        StockMovement.objects.filter(event=event, kind=MovementKind.ISSUE), "date", start, end
    )
    deployments = Deployment.objects.filter(event=event)
    if start is not None:
        deployments = deployments.filter(Q(until_date__isnull=True) | Q(until_date__gte=start))
    if end is not None:
        deployments = deployments.filter(from_date__lte=end)
    return Figures(
        victims=mine.count(),
        displaced=mine.filter(displaced=True).count(),
        met=sum(1 for s in status.values() if s == MET),
        partial=sum(1 for s in status.values() if s == PARTIAL),
        unfed=sum(1 for s in status.values() if s == NONE),
        aided_after=after,
        meals_persons=(by_kind.get(AidKind.MEALS) or {}).get("total") or 0,
        meals_kitchens=kitchens.aggregate(n=Sum("meals"))["n"] or 0,
        clothing_persons=aided(mine, (AidKind.CLOTHING, AidKind.KIT), start=start, end=end).count(),
        psych_sessions=(by_kind.get(AidKind.PSYCHOSOCIAL) or {}).get("total") or 0,
        psych_persons=(by_kind.get(AidKind.PSYCHOSOCIAL) or {}).get("persons") or 0,
        volunteers=deployments.values("partner_id").distinct().count(),
        items=[
            (row["item__name"], row["item__unit"], row["total"])
            for row in issued.values("item__name", "item__unit")
            .annotate(total=Sum("quantity"))
            .order_by("item__name")
        ],
    )


def events_in(events: QuerySet[Event], start: dt.date, end: dt.date) -> QuerySet[Event]:
    """Events under way at some time in [start, end]."""
    return events.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def year_rows(
    events: QuerySet[Event], victims: QuerySet[Victim], year: int, *, today: dt.date | None = None
) -> tuple[list[tuple[Event, Figures]], Figures]:
    """One row per event under way in the year (figures of that year's dates) and the
    total."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = [
        (event, event_figures(event, victims, start=start, end=end, today=today))
        for event in events_in(events, start, end).order_by("started_on", "pk")
    ]
    total = Figures()
    for _event, figures in rows:
        total.add(figures)
    return rows, total
