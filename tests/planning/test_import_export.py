"""Realisation import from the .xlsx form (all or nothing, errors per row) and the exports
of every table, read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.planning import imports, render, services, sheets
from sejahtera.planning.models import Plan, Realisation, Status
from sejahtera.planning.selectors import PlanData
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def _form(plan: Plan, year: int, quarter: int, fill: dict[str, tuple[Any, Any]]) -> bytes:
    """The downloadable form with (value, amount) filled in on the first row of each code."""
    content = imports.realisation_template(PlanData(plan), year, quarter)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    assert ws is not None
    seen = set()
    for row in ws.iter_rows(min_row=5):
        code = row[2].value
        if code in fill and code not in seen:
            seen.add(code)
            row[7].value, row[9].value = fill[code]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def secretariat() -> Any:
    return UserFactory(role=Role.OPERATOR_DINAS, unit=Unit.objects.get(code="SEKRETARIAT"))


def test_import_saves_every_filled_row(seed_plan: Plan, secretariat: Any) -> None:
    content = _form(
        seed_plan, 2025, 1, {"1.06.01.2.01.0001": ("3", 1_500_000), "1.06.01.2.01": ("90%", None)}
    )
    saved = imports.import_realisations(
        actor=secretariat, plan=seed_plan, content=content, today=TODAY
    )
    assert saved == 3
    rows = Realisation.objects.filter(year=2025, quarter=1)
    assert {r.written for r in rows if r.indicator_id} == {"3", "90%"}
    assert rows.get(node__code="1.06.01.2.01.0001").amount == 1_500_000
    assert all(r.status == Status.DRAFT and r.entered_by == secretariat for r in rows)


def test_bad_rows_come_back_and_nothing_is_saved(seed_plan: Plan, secretariat: Any) -> None:
    content = imports.realisation_template(PlanData(seed_plan), 2025, 1)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    assert ws is not None
    ws["H5"] = "1"  # a good row (urusan indicator)
    ws["C6"], ws["H6"] = "9.99.99", "5"  # wrong code
    ws["H7"] = "tiga puluh"  # text in a number cell
    ws["B8"], ws["H8"] = 5, "10"  # quarter out of range
    ws["J9"] = "satu juta"  # text in the rupiah cell
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(imports.RealisationImportFailed) as failed:
        imports.import_realisations(actor=None, plan=seed_plan, content=out.getvalue(), today=TODAY)
    errors = {(e.row, e.column): e.reason for e in failed.value.errors}
    assert errors[(6, "Kode")] == "kode tidak ada dalam Renstra"
    assert errors[(7, "Realisasi kinerja triwulan")] == "bukan angka"
    assert errors[(8, "Triwulan")] == "triwulan harus 1, 2, 3 atau 4"
    assert "rupiah" in errors[(9, "Realisasi anggaran triwulan (Rp)")]
    assert not Realisation.objects.exists()


def test_a_locked_row_refuses_the_whole_file(seed_plan: Plan, secretariat: Any) -> None:
    sub = seed_plan.nodes.get(code="1.06.01.2.01.0001")
    row = services.record_spending(
        actor=None, node=sub, year=2025, quarter=1, amount=5, today=TODAY
    )
    row.status = Status.APPROVED
    row.save()
    content = _form(
        seed_plan, 2025, 1, {"1.06.01.2.01": ("90%", None), "1.06.01.2.01.0001": ("3", 7)}
    )
    with pytest.raises(imports.RealisationImportFailed) as failed:
        imports.import_realisations(actor=secretariat, plan=seed_plan, content=content, today=TODAY)
    assert any("terkunci" in e.reason for e in failed.value.errors)
    assert Realisation.objects.count() == 1
    assert Realisation.objects.get().amount == 5


def test_not_an_xlsx(seed_plan: Plan) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="xlsx"):
        imports.import_realisations(
            actor=None, plan=seed_plan, content=b"Kode;Tahun\n1;2", today=TODAY
        )


def test_import_command(seed_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "realisasi.xlsx"
    path.write_bytes(_form(seed_plan, 2025, 2, {"1.06.01.2.01": ("85%", None)}))
    out = io.StringIO()
    call_command("renstra", "import-realisation", str(path), stdout=out)
    assert "1 isian" in out.getvalue()
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(_form(seed_plan, 2025, 2, {"1.06.01.2.01": ("delapan", None)}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Tidak ada yang disimpan"):
        call_command("renstra", "import-realisation", str(bad), stderr=err)
    assert "bukan angka" in err.getvalue()


def _approved(plan: Plan) -> None:
    from sejahtera.planning.demo import synthetic_realisation

    synthetic_realisation(plan, today=TODAY)
    Realisation.objects.filter(year=2025).update(status=Status.APPROVED)


@pytest.mark.parametrize("table", ["4.3.2", "iku", "ikk", "e80", "e81", "tc29"])
def test_xlsx_exports_read_back(seed_plan: Plan, table: str, tmp_path: Path) -> None:
    _approved(seed_plan)
    path = tmp_path / f"{table}.xlsx"
    call_command(
        "renstra",
        "export",
        "--table",
        table,
        "--format",
        "xlsx",
        "--year",
        "2025",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    assert ws.merged_cells.ranges, "header cells are merged as on the official form"
    assert ws.freeze_panes is not None and ws.freeze_panes != "A1"
    titles = {
        "4.3.2": "Tabel 4.3.2",
        "iku": "Tabel 4.1",
        "ikk": "Tabel 4.6",
        "e80": "E.80",
        "e81": "E.81",
        "tc29": "T-C.29",
    }
    assert titles[table] in str(ws["A1"].value)
    if table == "4.3.2":
        formats = {
            c.number_format
            for row in ws.iter_rows(min_row=7)
            for c in row
            if isinstance(c.value, int)
        }
        assert "#,##0" in formats
        values = [c.value for row in ws.iter_rows() for c in row]
        assert 121_981_063_728 in values and "1.06.01.2.0002" in values


def test_e80_figures_are_computed_from_approved_realisation(seed_plan: Plan) -> None:
    sub = seed_plan.nodes.get(code="1.06.01.2.01.0001")
    ind = sub.indicators.get()
    for quarter, value in ((1, "2"), (2, "3")):
        row = services.record_indicator_realisation(
            actor=None, indicator=ind, year=2025, quarter=quarter, written=value, today=TODAY
        )
        row.status = Status.APPROVED
        row.save()
    sheet = sheets.e80(PlanData(seed_plan), 2025)
    (line,) = [r for r in sheet.rows if r.cells[2] == "1.06.01.2.01.0001"]
    # target 9 documents in 2025; realised 2 + 3 = 5: 55.56 %
    assert line.cells[8] == "9" and line.cells[10] == "5"
    from decimal import Decimal

    assert Decimal("55.56") in line.cells
    assert line.grade_colours  # graded "Rendah"


@pytest.mark.parametrize("table", ["4.3.2", "e81"])
def test_pdf_exports_read_back(seed_plan: Plan, table: str, tmp_path: Path) -> None:
    _approved(seed_plan)
    path = tmp_path / f"{table}.pdf"
    call_command(
        "renstra",
        "export",
        "--table",
        table,
        "--format",
        "pdf",
        "--year",
        "2025",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    reader = PdfReader(str(path))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    assert ("Tabel 4.3.2" if table == "4.3.2" else "E.81") in text
    assert "1.06.01" in text


def test_csv_export_of_the_plan_to_stdout(seed_plan: Plan, capsys: Any) -> None:
    call_command("renstra", "export", "--table", "4.3.2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    sub = next(r for r in rows if r["code"] == "1.06.01.2.01.0001")
    assert (
        sub["pagu_2025"] == "5950000"
        and sub["target_2025"] == "9"
        and sub["pagu_total"] == "64462100"
    )


def test_sheet_csv_flattens_merged_headers(seed_plan: Plan) -> None:
    content = render.sheet_csv(sheets.tc29(PlanData(seed_plan), 2026)).decode()
    header = next(csv.reader(io.StringIO(content)))
    assert header[0] == "Kode" and "Target Renja" in header[5]


def test_every_sheet_has_consistent_columns(seed_plan: Plan) -> None:
    from sejahtera.planning.models import IndicatorKind
    from sejahtera.planning.render import header_grid

    data = PlanData(seed_plan)
    for sheet in (
        sheets.plan_table(data),
        sheets.indicator_table(data, IndicatorKind.IKU, "4.1 (4.5)"),
        sheets.indicator_table(data, IndicatorKind.IKK, "4.6"),
        sheets.e80(data, 2027),
        sheets.e81(data, 2026, 2),
        sheets.tc29(data, 2026),
    ):
        # Every column has exactly one header cell at the bottom of its stack.
        covered: dict[int, int] = {}
        for r, c, head in header_grid(sheet):
            for k in range(head.colspan):
                covered[c + k] = max(covered.get(c + k, 0), r + head.rowspan)
        assert sorted(covered) == list(range(sheet.width)), sheet.key
        assert set(covered.values()) == {len(sheet.header)}, sheet.key
        assert {len(row.cells) for row in sheet.rows} == {sheet.width}, sheet.key
