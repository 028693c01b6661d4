"""The services report as tables: the one definition of what the page (`laporan/`) and its
.xlsx show, each column with its kind (how the page writes it, how the sheet formats it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sejahtera.common.formatting import BULAN, number
from sejahtera.services.reports import TOP_REASONS, ComplaintStats, Report, ServiceStats

# Column kinds: how a value is written on the page and formatted in the .xlsx.
TEXT, INT, PCT, DEC1, DEC2 = "text", "int", "pct", "dec1", "dec2"


@dataclass
class Table:
    key: str  # the sheet's name (≤ 31 characters)
    title: str
    section: str  # "requests" | "complaints"
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str = ""
    empty: str = ""
    grouped: bool = False  # the page shows the first column once, above its rows

    def shown(self, row: list[Any]) -> list[tuple[str, str]]:
        """The cells of a row as (text, css class) for the page."""
        return [_shown(value, kind) for value, kind in zip(row, self.kinds, strict=True)]

    @property
    def page_headers(self) -> list[tuple[str, str]]:
        return [
            (h, "" if k == TEXT else "text-end")
            for h, k in zip(self.headers, self.kinds, strict=True)
        ]

    @property
    def page_rows(self) -> list[list[tuple[str, str]]]:
        return [self.shown(row) for row in self.rows]

    @property
    def page_groups(self) -> list[tuple[str, list[list[tuple[str, str]]]]]:
        """For a grouped table: (first column's value, the rows' other cells) in order."""
        groups: list[tuple[str, list[list[tuple[str, str]]]]] = []
        for row in self.rows:
            if not groups or groups[-1][0] != row[0]:
                groups.append((str(row[0]), []))
            groups[-1][1].append(self.shown(row)[1:])
        return groups

    @property
    def page_total(self) -> list[tuple[str, str]] | None:
        return self.shown(self.total) if self.total else None


def _shown(value: Any, kind: str) -> tuple[str, str]:
    if kind == TEXT:
        return (str(value), "")
    if value is None:
        return ("–", "text-end text-muted")
    if kind == INT:
        return (number(value), "text-end" + (" text-muted" if value == 0 else ""))
    if kind == PCT:
        return (f"{number(value, 1)}%", "text-end")
    return (number(value, 1 if kind == DEC1 else 2), "text-end")


def _service_cells(s: ServiceStats) -> list[Any]:
    return [
        s.label,
        s.target_days,
        s.received,
        s.closed,
        s.refused,
        s.with_due,
        s.on_time,
        s.on_time_pct,
        s.median_days,
        s.open_overdue,
    ]


def _complaint_headers(first: str, deadline: bool) -> tuple[list[str], list[str]]:
    headers = [first] + ([_("Batas (hari kerja)")] if deadline else [])
    headers += [
        _("Diterima"),
        _("Dijawab"),
        _("Dijawab tepat waktu"),
        _("% tepat waktu"),
        _("Median hari kerja"),
        _("Belum dijawab, lewat batas"),
        _("Dieskalasi"),
        _("Dinilai"),
        _("Rata-rata nilai (1-5)"),
    ]
    kinds = [TEXT] + ([INT] if deadline else []) + [INT, INT, INT, PCT, DEC1, INT, INT, INT, DEC2]
    return headers, kinds


def _complaint_cells(s: ComplaintStats, deadline: bool) -> list[Any]:
    return (
        [s.label]
        + ([s.deadline_days] if deadline else [])
        + [
            s.received,
            s.answered,
            s.on_time,
            s.on_time_pct,
            s.median_days,
            s.open_overdue,
            s.escalated,
            s.rated,
            s.rating,
        ]
    )


def tables(report: Report) -> list[Table]:
    year = report.filter.year
    where = " " + _("di %(area)s") % {"area": report.area} if report.area else ""
    no_requests = _("Belum ada permohonan layanan yang diterima pada tahun %(year)s%(where)s.") % {
        "year": year,
        "where": where,
    }
    no_complaints = _("Belum ada pengaduan yang diterima pada tahun %(year)s%(where)s.") % {
        "year": year,
        "where": where,
    }
    months = [name[:3] for name in BULAN]
    out = [
        Table(
            key=_("Permohonan per bulan"),
            title=_("Permohonan diterima per layanan dan bulan"),
            section="requests",
            headers=[_("Layanan"), *months, _("Jumlah")],
            kinds=[TEXT] + [INT] * 13,
            rows=[[r.label, *r.months, r.total] for r in report.months],
            total=(
                [report.months_total.label, *report.months_total.months, report.months_total.total]
                if report.months
                else None
            ),
            empty=no_requests,
        ),
        Table(
            key=_("Ketepatan waktu layanan"),
            title=_("Ketepatan waktu per layanan"),
            section="requests",
            headers=[
                _("Layanan"),
                _("Target (hari kerja)"),
                _("Diterima"),
                _("Selesai/ditolak"),
                _("Ditolak"),
                _("Selesai dengan batas waktu"),
                _("Tepat waktu"),
                _("% tepat waktu"),
                _("Median hari kerja"),
                _("Belum selesai, lewat batas"),
            ],
            kinds=[TEXT, INT, INT, INT, INT, INT, INT, PCT, DEC1, INT],
            rows=[_service_cells(s) for s in report.services],
            total=_service_cells(report.services_total) if report.services else None,
            note=_(
                "Tepat waktu: ditutup (selesai atau ditolak) paling lambat pada batas waktunya, "
                "dari permohonan yang sudah ditutup dan punya batas waktu. Median: hari kerja "
                "dari diterima sampai ditutup."
            ),
            empty=no_requests,
        ),
        Table(
            key=_("Alasan penolakan"),
            title=_("Alasan penolakan per layanan"),
            section="requests",
            headers=[_("Layanan"), _("Alasan"), _("Jumlah")],
            kinds=[TEXT, TEXT, INT],
            rows=[[r.service, r.reason, r.count] for r in report.reasons],
            grouped=True,
            note=_(
                "Alasan yang ditulis sama (tanpa membedakan huruf besar/kecil dan spasi) "
                "dihitung bersama; %(n)s alasan terbanyak per layanan."
            )
            % {"n": TOP_REASONS},
            empty=_("Tidak ada permohonan yang ditolak pada tahun %(year)s%(where)s.")
            % {"year": year, "where": where},
        ),
    ]
    breakdowns = report.complaints
    has_complaints = breakdowns.total.received > 0
    for key, title, first, stats, deadline in (
        (
            _("Pengaduan per kategori"),
            _("Pengaduan per kategori"),
            _("Kategori"),
            breakdowns.by_category,
            True,
        ),
        (
            _("Pengaduan per saluran"),
            _("Pengaduan per saluran"),
            _("Saluran"),
            breakdowns.by_channel,
            False,
        ),
        (
            _("Pengaduan per kecamatan"),
            _("Pengaduan per kecamatan"),
            _("Kecamatan"),
            breakdowns.by_area,
            False,
        ),
    ):
        headers, kinds = _complaint_headers(first, deadline)
        total = _complaint_cells(breakdowns.total, False)
        if deadline:
            total.insert(1, None)
        out.append(
            Table(
                key=key,
                title=title,
                section="complaints",
                headers=headers,
                kinds=kinds,
                rows=[_complaint_cells(s, deadline) for s in stats] if has_complaints else [],
                total=total if has_complaints else None,
                note=_(
                    "Tepat waktu: dijawab paling lambat pada batas tanggapan, dari pengaduan "
                    "yang sudah dijawab. Median: hari kerja dari diterima sampai dijawab."
                )
                if deadline
                else "",
                empty=no_complaints,
            )
        )
    return out
