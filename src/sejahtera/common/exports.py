"""Every download of a list goes through here.

Writing: `write_xlsx` neutralises cell values that a spreadsheet would run as formulas
(`safe_cell`) and stamps the workbook with a `Watermark` (note row, page header and footer,
document properties).

The export flow, shared by every view that offers a download:

    export = start_export(request, what=_("Daftar permohonan"))
    if not isinstance(export, Export):
        return export  # the purpose form (personal data without a stated purpose)
    return export.xlsx(headers, rows, title=..., name="permohonan", object_type=...)

`start_export` checks `Cap.EXPORT`. An export of personal data needs a purpose
(`?keperluan=`, at least `PURPOSE_MIN` characters): without one it answers the purpose form
(`common/export_purpose.html`, a GET form that keeps every other parameter and comes back to
the same URL). `Export.xlsx` / `Export.file` record the one audit event (purpose, row count,
filters, file name) and write the file with the watermark: who exported it, when, for what
purpose, and the number of the audit event. Layouts read by machines (the SIKS-NG upload)
carry it only where it does not shift the columns: the file name, the document properties
and the page footer (never a row above the header or a comment line in a CSV)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

PURPOSE_PARAM = "keperluan"
PURPOSE_MIN = 5
PURPOSE_MAX = 200
# Parameters that are not filters of the exported list.
NOT_FILTERS = frozenset({PURPOSE_PARAM, "csrfmiddlewaretoken"})
# Excel refuses a page header or footer longer than 255 characters (its codes included).
_HEADER_FOOTER_MAX = 255

# A signed number or a lone dash ("-8.18%", "-", "+1,5") cannot run as a formula.
_PLAIN_NUMBER = re.compile(r"^[-+]?[\d.,]*%?$")


def safe_cell(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe so it stays text."""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
            return "'" + value
        return value
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime) or value is None:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


# --- The watermark --------------------------------------------------------------------------


@dataclass(frozen=True)
class Watermark:
    """Who exported a file, when, for what purpose ("" for data that is not personal) and
    under which audit event."""

    username: str
    at: dt.datetime
    purpose: str = ""
    reference: int | None = None

    @property
    def time(self) -> str:
        return timezone.localtime(self.at).strftime("%d-%m-%Y %H:%M")

    def who_when(self) -> str:
        return _("Diekspor oleh %(user)s pada %(time)s") % {
            "user": self.username,
            "time": self.time,
        }

    def purpose_text(self) -> str:
        return _("keperluan: %(purpose)s") % {"purpose": self.purpose} if self.purpose else ""

    def reference_text(self) -> str:
        return _("jejak audit no. %(n)s") % {"n": self.reference} if self.reference else ""

    def text(self) -> str:
        """One line: the note row of a sheet, the line under a PDF's pages."""
        parts = [self.who_when(), self.purpose_text(), self.reference_text()]
        line = " · ".join(p for p in parts if p)
        if self.purpose:
            line += ". " + _("Data pribadi: jangan dipakai untuk keperluan lain.")
        return line

    def file_tag(self) -> str:
        """What a file name carries: the time and the user (`20250131-0905-budi`)."""
        return f"{timezone.localtime(self.at):%Y%m%d-%H%M}-{slugify(self.username) or 'pengguna'}"


def _header_footer_text(text: str, room: int) -> str:
    """`&` starts a code in a page header/footer: written twice it is a plain ampersand. Cut
    to `room` characters (an ellipsis marks the cut; the full text is in the note row)."""
    escaped = text.replace("&", "&&")
    if len(escaped) <= room:
        return escaped
    cut = escaped[: room - 1]
    # Never end on half of an escaped "&&".
    if (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]
    return cut + "…"


def stamp_sheet(sheet: Any, watermark: Watermark) -> None:
    """The watermark in the page header and footer of a sheet (printed on every page; works
    on write-only sheets too). Each of the two stays within Excel's 255 characters, the
    section codes (`&L`, `&R`) included."""
    right = watermark.reference_text()
    sheet.oddHeader.right.text = right
    sheet.oddHeader.left.text = _header_footer_text(
        watermark.who_when(), _HEADER_FOOTER_MAX - len(right) - 4
    )
    page = _("Halaman &P dari &N")
    sheet.oddFooter.right.text = page
    if watermark.purpose:
        sheet.oddFooter.left.text = _header_footer_text(
            _("Keperluan: %(purpose)s") % {"purpose": watermark.purpose},
            _HEADER_FOOTER_MAX - len(page) - 4,
        )


def stamp_workbook(workbook: Workbook, watermark: Watermark, *, title: str = "") -> None:
    """The watermark in the document properties (File → Info in Excel)."""
    props = workbook.properties
    props.creator = watermark.username
    props.lastModifiedBy = watermark.username
    props.title = title[:250]
    props.description = watermark.text()
    props.subject = watermark.purpose[:250] or None
    props.created = timezone.localtime(watermark.at).replace(tzinfo=None)
    props.modified = props.created


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    note: str = "",
    watermark: Watermark | None = None,
    note_row: bool = True,
) -> bytes:
    """One sheet: a note row (the watermark's line, then `note`), the bold header, the rows.
    `note_row=False` keeps a machine-read layout (header in row 1): the watermark then goes
    only into the page header/footer and the document properties."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Data")
    line = " · ".join(t for t in (watermark.text() if watermark else "", note) if t)
    if watermark is not None:
        stamp_sheet(sheet, watermark)
        stamp_workbook(workbook, watermark, title=title)
    with_note = bool(line) and note_row
    sheet.freeze_panes = "A3" if with_note else "A2"
    if with_note:
        sheet.append([safe_cell(line)])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename, XLSX_CONTENT_TYPE)


# --- The purpose ------------------------------------------------------------------------------


class PurposeForm(forms.Form):
    keperluan = forms.CharField(
        label=gettext_lazy("Untuk keperluan apa data ini diekspor?"),
        min_length=PURPOSE_MIN,
        max_length=PURPOSE_MAX,
        help_text=gettext_lazy(
            "Misalnya: verifikasi lapangan penerima BPNT Desa Tawangrejo, surat tugas nomor "
            "460/123/2025."
        ),
        error_messages={
            "required": gettext_lazy("Tuliskan keperluan ekspor."),
            "min_length": gettext_lazy(
                "Keperluan terlalu singkat: tulis paling sedikit %(limit_value)d karakter."
            ),
            "max_length": gettext_lazy(
                "Keperluan terlalu panjang: paling banyak %(limit_value)d karakter."
            ),
        },
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )

    def clean_keperluan(self) -> str:
        # Line breaks and runs of spaces become one space: the purpose is one line everywhere.
        return " ".join(self.cleaned_data["keperluan"].split())


def purpose_error(value: str | None) -> str:
    """The Indonesian message for a missing or unusable purpose ("" when it is fine). Used by
    the API, which answers 400 instead of a form."""
    form = PurposeForm({PURPOSE_PARAM: value or ""})
    if form.is_valid():
        return ""
    return " ".join(str(e) for e in form.errors.get(PURPOSE_PARAM, []))


def _hidden_fields(query: QueryDict) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, values in query.lists()
        if name not in NOT_FILTERS
        for value in values
    ]


def _back_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in (*NOT_FILTERS, "format", "export"):
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def purpose_page(
    request: HttpRequest, form: PurposeForm, *, what: str, back: str = ""
) -> HttpResponse:
    """The small page that asks for the purpose, then sends the same request again."""
    response = render(
        request,
        "common/export_purpose.html",
        {
            "form": form,
            "what": what,
            "action": request.path,
            "hidden": _hidden_fields(request.GET),
            "back": back or _back_url(request),
        },
        status=400 if form.is_bound else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The export -------------------------------------------------------------------------------


class Export:
    """One download being made: the user, the time, the purpose (personal data) and the
    filters. Writes the audit event and the watermarked file."""

    def __init__(self, request: HttpRequest, *, purpose: str = "", personal: bool = True):
        self.request = request
        self.purpose = purpose
        self.personal = personal
        self.at = timezone.localtime()

    @property
    def username(self) -> str:
        return str(self.request.user.get_username())

    def filters(self) -> dict[str, str | list[str]]:
        return {
            name: values[0] if len(values) == 1 else values
            for name, values in self.request.GET.lists()
            if name not in NOT_FILTERS
        }

    def record(
        self,
        *,
        object_type: str,
        object_repr: str,
        rows: int,
        filename: str,
        obj: models.Model | None = None,
        wilayah_code: str = "",
        extra: dict[str, Any] | None = None,
    ) -> Any:
        """The audit event of this export (one per file)."""
        from sejahtera.audit import services as audit
        from sejahtera.audit.models import Action

        details: dict[str, Any] = {
            "rows": rows,
            "filters": self.filters(),
            "file": filename,
            "personal": self.personal,
            **(extra or {}),
        }
        if self.personal:
            details[PURPOSE_PARAM] = self.purpose
        return audit.record(
            actor=self.request.user,
            action=Action.EXPORT,
            obj=obj,
            object_type=object_type,
            object_repr=object_repr,
            wilayah_code=wilayah_code,
            extra=details,
        )

    def file(
        self,
        write: Callable[[Watermark], bytes],
        *,
        rows: int,
        name: str,
        ext: str,
        content_type: str,
        object_type: str,
        object_repr: str,
        obj: models.Model | None = None,
        wilayah_code: str = "",
        extra: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Record the event, then write the file with a watermark naming that event. One
        transaction: a file that fails to be written leaves no event."""
        mark = Watermark(username=self.username, at=self.at, purpose=self.purpose)
        tag = mark.file_tag() if self.personal else f"{self.at:%Y%m%d-%H%M}"
        filename = f"{name}-{tag}.{ext}"
        with transaction.atomic():
            event = self.record(
                object_type=object_type,
                object_repr=object_repr,
                rows=rows,
                filename=filename,
                obj=obj,
                wilayah_code=wilayah_code,
                extra={"format": ext, **(extra or {})},
            )
            content = write(
                Watermark(
                    username=self.username, at=self.at, purpose=self.purpose, reference=event.pk
                )
            )
        return file_response(content, filename, content_type)

    def xlsx(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str,
        name: str,
        object_type: str,
        object_repr: str = "",
        note: str = "",
        note_row: bool = True,
        obj: models.Model | None = None,
        wilayah_code: str = "",
        extra: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A one-sheet .xlsx of `rows` (see `write_xlsx`), audited and watermarked."""
        data = list(rows)
        return self.file(
            lambda mark: write_xlsx(
                headers, data, title=title, note=note, watermark=mark, note_row=note_row
            ),
            rows=len(data),
            name=name,
            ext="xlsx",
            content_type=XLSX_CONTENT_TYPE,
            object_type=object_type,
            object_repr=object_repr or title,
            obj=obj,
            wilayah_code=wilayah_code,
            extra=extra,
        )


def start_export(
    request: HttpRequest, *, what: str, personal: bool = True, back: str = ""
) -> Export | HttpResponse:
    """Begin an export (`Cap.EXPORT` needed). Personal data without a usable purpose gives
    the purpose form instead (nothing written, nothing logged)."""
    require(request.user, Cap.EXPORT)
    if not personal:
        return Export(request, personal=False)
    form = PurposeForm(request.GET if PURPOSE_PARAM in request.GET else None)
    if not form.is_valid():
        return purpose_page(request, form, what=what, back=back)
    return Export(request, purpose=form.cleaned_data[PURPOSE_PARAM])
