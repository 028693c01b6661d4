"""The yearly report of the services app, month by month: requests per service and month,
how many were closed on time and in how many working days, why requests were refused; and
complaints by category, channel and kecamatan with their response times and ratings.

Every figure counts the requests and complaints *received* in the chosen year, within the
user's areas (and the chosen kecamatan). Counting is SQL: one grouped query per table. Medians
of working days come from one `values_list` query and one look-up of the holidays.
`report_tables.tables(report)` is the one definition of what the page and the .xlsx show."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Min, Q, QuerySet
from django.db.models.functions import ExtractMonth, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import area_codes, area_q, scope
from sejahtera.services.calendar import holidays, working_days_between
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    RequestStatus,
    Service,
    ServiceRequest,
)
from sejahtera.wilayah.models import Level, Wilayah

CLOSED = (RequestStatus.DONE, RequestStatus.REFUSED)
COMPLAINT_OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED)
TOP_REASONS = 5
FIRST_YEAR = 2000


@dataclass(frozen=True)
class ReportFilter:
    """What the page and the export show: a year and optionally one kecamatan (a code among
    `kecamatan_for(user)`; the selectors scope to the user's areas whatever it is)."""

    year: int
    kecamatan: str = ""


def kecamatan_for(user: Any) -> QuerySet[Wilayah]:
    """The kecamatan a user may filter on: those inside the user's areas, and the kecamatan
    of a desa the user is bound to."""
    q = Q(pk__in=[])
    for code in area_codes(user):
        q |= area_q("code", code)
        parts = code.split(".")
        if len(parts) > 3:
            q |= Q(code=".".join(parts[:3]))
    return Wilayah.objects.filter(level=Level.KECAMATAN).filter(q).order_by("name")


def _in_report(queryset: QuerySet[Any], user: Any, flt: ReportFilter) -> QuerySet[Any]:
    if not can(user, Cap.VIEW):
        return queryset.none()
    queryset = scope(queryset, user, "desa__code").filter(received_on__year=flt.year)
    if flt.kecamatan:
        queryset = queryset.filter(area_q("desa__code", flt.kecamatan))
    return queryset.order_by()


def requests_in(user: Any, flt: ReportFilter) -> QuerySet[ServiceRequest]:
    return _in_report(ServiceRequest.objects.all(), user, flt)


def complaints_in(user: Any, flt: ReportFilter) -> QuerySet[Complaint]:
    return _in_report(Complaint.objects.all(), user, flt)


def years_with_data(user: Any, today: dt.date) -> list[int]:
    """The years to offer, newest first: from the first year with a request or complaint in
    the user's areas up to this year."""
    firsts = [
        scope(model.objects.all(), user, "desa__code").aggregate(first=Min("received_on"))["first"]
        for model in (ServiceRequest, Complaint)
    ]
    first = min([d.year for d in firsts if d is not None] or [today.year])
    return list(range(today.year, max(first, FIRST_YEAR) - 1, -1))


def _decimal(value: float | int | None, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"))


def _median(values: list[int]) -> Decimal | None:
    return _decimal(statistics.median(values), "0.1") if values else None


Key = Hashable


def _working_days(
    rows: Iterable[tuple[Any, ...]], keys: Iterable[Callable[[tuple[Any, ...]], Key]]
) -> tuple[list[dict[Key, list[int]]], list[int]]:
    """Working days from start to end of each row `(…, start, end)`, grouped by each of
    `keys`, and all of them; the holidays are read once for the whole span."""
    rows = list(rows)
    keys = list(keys)
    groups: list[dict[Key, list[int]]] = [defaultdict(list) for _key in keys]
    every: list[int] = []
    if not rows:
        return groups, every
    off = holidays((min(r[-2] for r in rows), max(r[-1] for r in rows)))
    for row in rows:
        days = working_days_between(row[-2], row[-1], off)
        every.append(days)
        for group, key in zip(groups, keys, strict=True):
            group[key(row)].append(days)
    return groups, every


# --- Requests ----------------------------------------------------------------------------


@dataclass
class MonthRow:
    label: str
    months: list[int] = field(default_factory=lambda: [0] * 12)

    @property
    def total(self) -> int:
        return sum(self.months)


def requests_per_month(user: Any, flt: ReportFilter) -> tuple[list[MonthRow], MonthRow]:
    """Requests received per service and month (every service, in its seed order), and the
    totals per month."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    grouped = (
        requests_in(user, flt)
        .annotate(month=ExtractMonth("received_on"))
        .values("service_id", "month")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        counts[row["service_id"]][row["month"] - 1] = row["n"]
    total = MonthRow(_("Jumlah"))
    if not counts:
        return [], total
    rows = [MonthRow(f"{s.number}. {s.name}", counts[s.pk]) for s in Service.objects.all()]
    total.months = [sum(r.months[m] for r in rows) for m in range(12)]
    return rows, total


@dataclass
class ServiceStats:
    label: str
    target_days: int | None = None
    received: int = 0
    closed: int = 0  # done or refused
    refused: int = 0
    with_due: int = 0  # closed, with a due date
    on_time: int = 0  # closed on or before the due date
    open_overdue: int = 0  # still open, past the due date
    median_days: Decimal | None = None  # working days from received to closed

    @property
    def on_time_pct(self) -> Decimal | None:
        return _percent(self.on_time, self.with_due)


def request_timeliness(
    user: Any, flt: ReportFilter, *, today: dt.date | None = None
) -> tuple[list[ServiceStats], ServiceStats]:
    """Per service with requests: closed, refused, the share closed on time (closed_on ≤
    due_on among closed requests with a due date), the median working days from receipt to
    closing, and what is still open past its due date; and the same for all services."""
    today = today or timezone.localdate()
    queryset = requests_in(user, flt)
    closed = Q(status__in=CLOSED, closed_on__isnull=False)
    due = closed & Q(due_on__isnull=False)
    grouped = {
        row["service_id"]: row
        for row in queryset.values("service_id").annotate(
            received=Count("id"),
            closed=Count("id", filter=closed),
            refused=Count("id", filter=Q(status=RequestStatus.REFUSED)),
            with_due=Count("id", filter=due),
            on_time=Count("id", filter=due & Q(closed_on__lte=F("due_on"))),
            open_overdue=Count("id", filter=~Q(status__in=CLOSED) & Q(due_on__lt=today)),
        )
    }
    (days,), every = _working_days(
        queryset.filter(closed).values_list("service_id", "received_on", "closed_on"),
        [lambda r: r[0]],
    )
    counted = ("received", "closed", "refused", "with_due", "on_time", "open_overdue")
    rows = []
    total = ServiceStats(_("Semua layanan"), median_days=_median(every))
    for service in Service.objects.filter(pk__in=grouped):
        stats = ServiceStats(
            f"{service.number}. {service.name}",
            target_days=service.sla_working_days,
            median_days=_median(days[service.pk]),
            **{name: grouped[service.pk][name] for name in counted},
        )
        for name in counted:
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        rows.append(stats)
    return rows, total


@dataclass(frozen=True)
class ReasonRow:
    service: str
    reason: str
    count: int


def _reason_key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" .,;:")


def _spelling_rank(item: tuple[str, int]) -> tuple[Any, ...]:
    """The spelling a group of reasons is shown with: the most used; on a tie one written
    like a sentence (capital first, not all capitals, no final full stop)."""
    text, count = item
    tidy = " ".join(text.split())
    return (
        -count,
        text.isupper(),
        tidy != text or text.endswith("."),
        not text[:1].isupper(),
        text,
    )


def refusal_reasons(user: Any, flt: ReportFilter, *, top: int = TOP_REASONS) -> list[ReasonRow]:
    """Why requests were refused, per service: the free-text reasons grouped trimmed and
    case-folded, the `top` most frequent with their counts and the rest summed up. SQL counts
    per service and trimmed spelling; the spellings are then folded together (case, inner
    spaces, a final full stop) and shown as the spelling used most."""
    grouped = (
        requests_in(user, flt)
        .filter(status=RequestStatus.REFUSED)
        .annotate(spelling=Trim("reason"))
        .values("service_id", "spelling")
        .annotate(n=Count("id"))
    )
    merged: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in grouped:
        spelling = row["spelling"] or ""
        spellings = merged[row["service_id"]][_reason_key(spelling)]
        spellings[spelling] = spellings.get(spelling, 0) + row["n"]
    out: list[ReasonRow] = []
    for service in Service.objects.filter(pk__in=merged):
        label = f"{service.number}. {service.name}"
        reasons = sorted(
            (
                (sum(spellings.values()), min(spellings.items(), key=_spelling_rank)[0])
                for spellings in merged[service.pk].values()
            ),
            key=lambda r: (-r[0], r[1].casefold()),
        )
        for count, shown in reasons[:top]:
            out.append(ReasonRow(label, shown or _("(tanpa alasan tertulis)"), count))
        rest = reasons[top:]
        if rest:
            out.append(
                ReasonRow(
                    label,
                    _("Alasan lain (%(n)s macam)") % {"n": len(rest)},
                    sum(count for count, _shown in rest),
                )
            )
    return out


# --- Complaints --------------------------------------------------------------------------


@dataclass
class ComplaintStats:
    label: str
    deadline_days: int | None = None
    received: int = 0
    answered: int = 0
    on_time: int = 0  # answered on or before the deadline
    open_overdue: int = 0  # not answered, past the deadline
    escalated: int = 0
    rated: int = 0
    rating: Decimal | None = None  # average of the ratings given
    median_days: Decimal | None = None  # working days from receipt to the answer

    @property
    def on_time_pct(self) -> Decimal | None:
        return _percent(self.on_time, self.answered)


@dataclass
class ComplaintBreakdowns:
    by_category: list[ComplaintStats]
    by_channel: list[ComplaintStats]
    by_area: list[ComplaintStats]
    total: ComplaintStats


def _complaint_counts(today: dt.date) -> dict[str, Any]:
    answered = Q(answered_on__isnull=False)
    return {
        "received": Count("id"),
        "answered": Count("id", filter=answered),
        "on_time": Count("id", filter=answered & Q(answered_on__lte=F("due_on"))),
        "open_overdue": Count("id", filter=Q(status__in=COMPLAINT_OPEN, due_on__lt=today)),
        "escalated": Count("id", filter=Q(escalated_on__isnull=False)),
        "rated": Count("rating"),
        "avg_rating": Avg("rating"),
    }


def _complaint_stats(label: str, row: dict[str, Any] | None, days: list[int]) -> ComplaintStats:
    row = row or {}
    return ComplaintStats(
        label,
        received=row.get("received", 0),
        answered=row.get("answered", 0),
        on_time=row.get("on_time", 0),
        open_overdue=row.get("open_overdue", 0),
        escalated=row.get("escalated", 0),
        rated=row.get("rated", 0),
        rating=_decimal(row.get("avg_rating"), "0.01"),
        median_days=_median(days),
    )


def complaint_breakdowns(
    user: Any, flt: ReportFilter, *, today: dt.date | None = None
) -> ComplaintBreakdowns:
    """Complaints by category (every category), by channel (every channel) and by
    kecamatan (those with complaints): received, answered, the share answered by the
    deadline (among answered ones), the median working days to the answer, unanswered past
    the deadline, escalated, and the ratings (how many, their average)."""
    today = today or timezone.localdate()
    queryset = complaints_in(user, flt)
    counts = _complaint_counts(today)
    by_category = {r["category_id"]: r for r in queryset.values("category_id").annotate(**counts)}
    by_channel = {r["channel"]: r for r in queryset.values("channel").annotate(**counts)}
    by_area = {
        r["desa__parent_id"]: r
        for r in queryset.values("desa__parent_id", "desa__parent__name").annotate(**counts)
    }
    overall = queryset.aggregate(**counts)
    (days_category, days_channel, days_area), every = _working_days(
        queryset.filter(answered_on__isnull=False).values_list(
            "category_id", "channel", "desa__parent_id", "received_on", "answered_on"
        ),
        [lambda r: r[0], lambda r: r[1], lambda r: r[2]],
    )
    categories = []
    for category in ComplaintCategory.objects.all():
        stats = _complaint_stats(
            category.name, by_category.get(category.pk), days_category[category.pk]
        )
        stats.deadline_days = category.response_working_days
        categories.append(stats)
    channels = [
        _complaint_stats(str(label), by_channel.get(value), days_channel[value])
        for value, label in ComplaintChannel.choices
    ]
    areas = sorted(
        (
            _complaint_stats(row["desa__parent__name"] or code or "–", row, days_area[code])
            for code, row in by_area.items()
        ),
        key=lambda s: s.label,
    )
    total = _complaint_stats(_("Semua pengaduan"), overall, every)
    return ComplaintBreakdowns(categories, channels, areas, total)


# --- The whole report --------------------------------------------------------------------


@dataclass
class Report:
    filter: ReportFilter
    area: str  # "Kecamatan X" or ""
    months: list[MonthRow]
    months_total: MonthRow
    services: list[ServiceStats]
    services_total: ServiceStats
    reasons: list[ReasonRow]
    complaints: ComplaintBreakdowns


def build(user: Any, flt: ReportFilter, *, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    area = ""
    if flt.kecamatan:
        found = Wilayah.objects.filter(code=flt.kecamatan).first()
        area = found.display_name if found else flt.kecamatan
    months, months_total = requests_per_month(user, flt)
    services, services_total = request_timeliness(user, flt, today=today)
    return Report(
        filter=flt,
        area=area,
        months=months,
        months_total=months_total,
        services=services,
        services_total=services_total,
        reasons=refusal_reasons(user, flt),
        complaints=complaint_breakdowns(user, flt, today=today),
    )
