"""The services report page (`laporan/`) and its .xlsx: one filter form for both."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.common.exports import (
    XLSX_CONTENT_TYPE,
    Export,
    Watermark,
    safe_cell,
    stamp_sheet,
    stamp_workbook,
    start_export,
)
from sejahtera.services import report_tables, reports
from sejahtera.services.report_tables import DEC1, DEC2, INT, PCT, TEXT, Table
from sejahtera.services.reports import ReportFilter


class ReportFilterForm(forms.Form):
    """`?tahun=2025&kecamatan=35.16.01`: the year (default this year) and optionally one
    kecamatan among the user's areas. The page and the export read the same form."""

    tahun = forms.IntegerField(
        label=gettext_lazy("Tahun"),
        required=False,
        error_messages={"invalid": gettext_lazy("Tahun harus berupa angka, mis. 2025.")},
    )
    kecamatan = forms.ChoiceField(
        label=gettext_lazy("Kecamatan"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Kecamatan tersebut tidak ada atau di luar wilayah kerja Anda."
            )
        },
    )

    def __init__(self, data: Any, *, user: Any, today: dt.date) -> None:
        super().__init__(data)
        self.today = today
        field = self.fields["kecamatan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Semua wilayah saya"))] + [
            (k.code, k.name) for k in reports.kecamatan_for(user)
        ]

    def clean_tahun(self) -> int:
        year = self.cleaned_data.get("tahun") or self.today.year
        if not reports.FIRST_YEAR <= year <= self.today.year:
            raise ValidationError(
                _("Pilih tahun antara %(first)s dan %(last)s.")
                % {"first": reports.FIRST_YEAR, "last": self.today.year}
            )
        return int(year)

    def report_filter(self) -> ReportFilter:
        return ReportFilter(
            year=self.cleaned_data["tahun"], kecamatan=self.cleaned_data["kecamatan"]
        )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    exporting = request.GET.get("format") == "xlsx"
    if exporting:
        require(request.user, Cap.EXPORT)
    today = timezone.localdate()
    form = ReportFilterForm(request.GET, user=request.user, today=today)
    context: dict[str, Any] = {
        "form": form,
        "years": reports.years_with_data(request.user, today),
        "can_export": can(request.user, Cap.EXPORT),
    }
    if not form.is_valid():
        context["errors"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "services/report.html", context, status=400)
    flt = form.report_filter()
    result = reports.build(request.user, flt, today=today)
    tables = report_tables.tables(result)
    if exporting:
        return _export(request, result, tables)
    if flt.year not in context["years"]:
        context["years"] = sorted({*context["years"], flt.year}, reverse=True)
    context.update(
        {
            "report": result,
            "filter": flt,
            "requests": [t for t in tables if t.section == "requests"],
            "complaints": [t for t in tables if t.section == "complaints"],
            "has_requests": bool(result.months),
            "has_complaints": result.complaints.total.received > 0,
        }
    )
    return render(request, "services/report.html", context)


def _scope_text(result: reports.Report, mark: Watermark) -> str:
    return _("Tahun %(year)s, %(area)s. %(stamp)s.") % {
        "year": result.filter.year,
        "area": result.area or _("semua wilayah kerja pengguna"),
        "stamp": mark.text(),
    }


FORMATS = {INT: "#,##0", PCT: "0.0", DEC1: "0.0", DEC2: "0.00"}


def workbook(tables: list[Table], note: str, mark: Watermark | None = None) -> bytes:
    """One sheet per table: title, the filter and who exported it, headers, rows, totals."""
    book = Workbook()
    if mark is not None:
        stamp_workbook(book, mark, title=_("Laporan layanan dan pengaduan"))
    default = book.active
    if default is not None:
        book.remove(default)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(title=table.key[:31])
        if mark is not None:
            stamp_sheet(sheet, mark)
        sheet.append([safe_cell(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_cell(note)])
        sheet["A2"].font = Font(italic=True, size=8)
        sheet.append([safe_cell(table.note)] if table.note else [])
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[4]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if not table.rows:
            sheet.append([safe_cell(table.empty)])
        for values in table.rows + ([table.total] if table.total else []):
            sheet.append([safe_cell(v) for v in values])
            for cell, kind in zip(sheet[sheet.max_row], table.kinds, strict=False):
                if kind in FORMATS:
                    cell.number_format = FORMATS[kind]
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for j, kind in enumerate(table.kinds, start=1):
            width = 48 if j == 1 else (40 if kind == TEXT else 11)
            sheet.column_dimensions[get_column_letter(j)].width = width
        sheet.freeze_panes = "B5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _export(request: HttpRequest, result: reports.Report, tables: list[Table]) -> HttpResponse:
    # Counts per month, service, kecamatan: no person in it, so no purpose is asked.
    export = start_export(request, what=_("Laporan layanan dan pengaduan"), personal=False)
    if not isinstance(export, Export):
        return export
    area = f"-{slugify(result.area)}" if result.area else ""
    return export.file(
        lambda mark: workbook(tables, _scope_text(result, mark), mark),
        rows=sum(len(t.rows) for t in tables),
        name=f"laporan-layanan-{result.filter.year}{area}",
        ext="xlsx",
        content_type=XLSX_CONTENT_TYPE,
        object_type="services.servicerequest",
        object_repr=f"Laporan layanan dan pengaduan {result.filter.year} {result.area}".strip(),
        wilayah_code=result.filter.kecamatan,
        extra={"sheets": len(tables)},
    )
