"""The plan's reports as sheets: a title, header rows with merged cells, typed columns and
rows. One definition per report; `render.py` turns a sheet into a page, an .xlsx laid out like
the official form, a PDF, or a CSV.

- Tabel 4.3.2 (the plan), Tabel 4.1 (IKU), Tabel 4.6 (IKK);
- E.80: evaluation of the Renstra, per year and cumulative to a year;
- E.81: evaluation of the Renja of a year, per quarter;
- T-C.29: recapitulation of the Renja's results and the Renstra's achievement to a year.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sejahtera.planning.models import Indicator, IndicatorKind, Level, Node
from sejahtera.planning.selectors import PlanData, fmt_components

# Column kinds: text | rupiah (integer, thousands separated) | percent (2 places) | grade
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Head:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Row:
    level: str
    cells: list[Any]
    grade_colours: dict[int, str] = field(default_factory=dict)


@dataclass
class Sheet:
    key: str
    title: str
    subtitle: str
    header: list[list[Head]]
    kinds: list[str]
    rows: list[Row]
    freeze_cols: int = 2
    notes: list[str] = field(default_factory=list)
    code_col: int | None = None  # the column of nomenclature codes (printed unwrapped)
    landscape: bool = True

    @property
    def width(self) -> int:
        return len(self.kinds)


def _each(indicators: list[Indicator]) -> list[Indicator | None]:
    """A row's indicators, or one blank so a row without indicators still shows."""
    return list(indicators) or [None]


def _label(node: Node) -> str:
    if node.level == Level.SASARAN and not node.name:
        return node.sasaran
    return node.name


def plan_table(data: PlanData) -> Sheet:
    years = data.plan.years
    header = [
        [
            Head(_("Kode"), rowspan=2),
            Head(_("Program/Kegiatan/Sub Kegiatan"), rowspan=2),
            Head(_("Indikator"), rowspan=2),
            Head(_("Satuan"), rowspan=2),
            Head(_("Baseline %(y)s") % {"y": data.plan.period_start - 1}, rowspan=2),
            *[Head(str(y), colspan=2) for y in years],
            Head(_("Kondisi akhir periode"), colspan=2),
            Head(_("Penanggung jawab"), rowspan=2),
        ],
        [h for _y in [*years, "end"] for h in (Head(_("Target")), Head(_("Pagu (Rp)")))],
    ]
    kinds = ["text"] * 5 + ["text", "rupiah"] * (len(years) + 1) + ["text"]
    rows = []
    for node, indicators in data.rows():
        pagu_cells = [data.pagu(node, y) for y in years]
        for i, ind in enumerate(_each(indicators)):
            first = i == 0
            cells: list[Any] = [
                node.code if first else "",
                _label(node) if first else "",
                ind.name if ind else "",
                ind.unit if ind else "",
                ind.baseline if ind else "",
            ]
            for y, amount in zip(years, pagu_cells, strict=True):
                cells += [data.target(ind, y) if ind else "", amount if first else None]
            cells += [ind.end if ind else "", node.pagu_end if first else None]
            cells.append(node.responsible if first else "")
            rows.append(Row(node.level, cells))
    return Sheet(
        "4.3.2",
        _("Tabel 4.3.2 Rencana Program, Kegiatan, Sub Kegiatan dan Pendanaan"),
        str(data.plan),
        header,
        kinds,
        rows,
        freeze_cols=3,
        notes=[_("Nilai target dan pagu sebagaimana tertulis dalam dokumen Renstra.")],
        code_col=0,
    )


def indicator_table(data: PlanData, kind: str, source: str | None = None) -> Sheet:
    years = data.plan.years
    indicators = data.kind(kind, source)
    header = [
        [
            Head(_("No."), rowspan=2),
            Head(_("Indikator"), rowspan=2),
            Head(_("Satuan"), rowspan=2),
            Head(_("Baseline %(y)s") % {"y": data.plan.period_start - 1}, rowspan=2),
            Head(_("Target tahun"), colspan=len(years)),
            Head(_("Kode di Tabel 4.3.2"), rowspan=2),
        ],
        [Head(str(y)) for y in years],
    ]
    rows = []
    for ind in indicators:
        code = ind.counterpart.node.code if ind.counterpart and ind.counterpart.node else ""
        rows.append(
            Row(
                "indikator",
                [ind.number, ind.name, ind.unit, ind.baseline]
                + [data.target(ind, y) for y in years]
                + [code],
            )
        )
    title = (
        _("Tabel 4.1 Indikator Kinerja Utama (IKU)")
        if kind == IndicatorKind.IKU
        else _("Tabel 4.6 Indikator Kinerja Kunci (IKK)")
    )
    return Sheet(
        kind,
        title,
        f"{data.plan} · {_('sumber')}: {_('Tabel')} {source or indicators[0].source if indicators else ''}",
        header,
        ["text"] * (4 + len(years)) + ["text"],
        rows,
        freeze_cols=2,
    )


def _evaluation_rows(
    data: PlanData,
) -> Iterator[tuple[Node, Indicator | None, bool, list[Any]]]:
    """The rows of forms E.80 and E.81: every plan row below the urusan, one per indicator,
    with the forms' leading cells (No. on programme and sasaran rows, sasaran, code, name,
    indicator) filled on a row's first line."""
    number = 0
    for node, indicators in data.rows():
        if node.level == Level.URUSAN:
            continue
        for i, ind in enumerate(_each(indicators)):
            first = i == 0
            numbered = first and node.level in (Level.PROGRAM, Level.SASARAN)
            if numbered:
                number += 1
            lead: list[Any] = [
                str(number) if numbered else "",
                node.sasaran if first else "",
                node.code if first else "",
                node.name if first else "",
                ind.name if ind else "",
            ]
            yield node, ind, first, lead


def _ratio_pair(
    data: PlanData,
    node: Node,
    ind: Any,
    target: str,
    real: list[Any],
    pagu: int | None,
    spent: int | None,
    first: bool,
) -> tuple[list[Any], dict[str, str]]:
    from sejahtera.planning.achievement import absorption

    achieved = data.achievement(ind, target, real) if ind else None
    absorbed = absorption(spent, pagu) if first else None
    grade = data.grade(achieved)
    return [achieved, absorbed], ({"k": grade.colour} if grade else {})


def e80(data: PlanData, year: int) -> Sheet:
    """Form E.80: evaluation of the Renstra's results, per year up to `year` and cumulative."""
    plan = data.plan
    years = [y for y in plan.years if y <= year]
    header = [
        [
            Head(_("No."), rowspan=3),
            Head(_("Sasaran"), rowspan=3),
            Head(_("Kode"), rowspan=3),
            Head(_("Program/Kegiatan"), rowspan=3),
            Head(_("Indikator Kinerja Program (outcome)/Kegiatan (output)"), rowspan=3),
            Head(_("Data capaian awal perencanaan"), rowspan=3),
            Head(_("Target capaian akhir Renstra"), colspan=2, rowspan=2),
            Head(_("Target kinerja dan anggaran Renstra tahun ke-"), colspan=2 * len(years)),
            Head(
                _("Realisasi capaian kinerja dan anggaran Renstra tahun ke-"),
                colspan=2 * len(years),
            ),
            Head(_("Rasio capaian (%%) tahun ke-"), colspan=2 * len(years)),
            Head(_("Capaian s/d tahun %(y)s") % {"y": year}, colspan=4),
            Head(_("Unit penanggung jawab"), rowspan=3),
        ],
        [
            *[Head(f"{i + 1} ({y})", colspan=2) for _g in range(3) for i, y in enumerate(years)],
            Head(_("Realisasi"), colspan=2),
            Head(_("Terhadap target akhir (%)"), colspan=2),
        ],
        [Head("K"), Head("Rp")] * (1 + 3 * len(years) + 2),
    ]
    kinds = ["text"] * 6 + ["text", "rupiah"]
    kinds += ["text", "rupiah"] * len(years) * 2 + ["percent", "percent"] * len(years)
    kinds += ["text", "rupiah", "percent", "percent", "text"]
    rows: list[Row] = []
    all_years = plan.years
    for node, ind, first, lead in _evaluation_rows(data):
        cells: list[Any] = [
            *lead,
            ind.baseline if ind else "",
            ind.end if ind else "",
            data.pagu_sum(node, all_years) if first else None,
        ]
        for y in years:
            cells += [data.target(ind, y) if ind else "", data.pagu(node, y) if first else None]
        reals = []
        for y in years:
            real = data.year_real(ind, y) if ind else []
            spent = data.spent_year(node, y) if first else None
            reals.append((real, spent))
            cells += [fmt_components(real), spent]
        colours: dict[int, str] = {}
        for y, (real, spent) in zip(years, reals, strict=True):
            pair, colour = _ratio_pair(
                data,
                node,
                ind,
                data.target(ind, y) if ind else "",
                real,
                data.pagu(node, y),
                spent,
                first,
            )
            if colour:
                colours[len(cells)] = colour["k"]
            cells += pair
        total_real = data.period_real(ind, year) if ind else []
        total_spent = data.spent_period(node, year) if first else None
        cells += [fmt_components(total_real), total_spent]
        ach = data.period_achievement(ind, year) if ind else None
        from sejahtera.planning.achievement import absorption

        grade = data.grade(ach)
        if grade:
            colours[len(cells)] = grade.colour
        cells += [
            ach,
            absorption(total_spent, data.pagu_sum(node, all_years)) if first else None,
        ]
        cells.append(data.unit_name(node) if first else "")
        rows.append(Row(node.level, cells, colours))
    return Sheet(
        "e80",
        _("Formulir E.80 Evaluasi terhadap Hasil Renstra Perangkat Daerah"),
        _("%(plan)s · sampai dengan tahun %(year)s · realisasi yang telah disetujui")
        % {"plan": plan, "year": year},
        header,
        kinds,
        rows,
        freeze_cols=5,
        notes=_notes(),
        code_col=2,
    )


def _notes() -> list[str]:
    return [
        _(
            "K = kinerja, Rp = anggaran. Capaian: makin tinggi makin baik R/T×100; makin rendah "
            "makin baik (2T−R)/T×100; anggaran: realisasi/pagu×100."
        ),
        _(
            "Predikat: Sangat Tinggi ≥ 91; Tinggi 76–<91; Sedang 66–<76; Rendah 51–<66; "
            "Sangat Rendah < 51 (Permendagri 86/2017)."
        ),
    ]


def e81(data: PlanData, year: int, quarter: int) -> Sheet:
    """Form E.81: evaluation of the Renja of `year` up to `quarter`."""
    plan = data.plan
    header = [
        [
            Head(_("No."), rowspan=3),
            Head(_("Sasaran"), rowspan=3),
            Head(_("Kode"), rowspan=3),
            Head(_("Program/Kegiatan"), rowspan=3),
            Head(_("Indikator Kinerja Program (outcome)/Kegiatan (output)"), rowspan=3),
            Head(_("Target Renstra akhir periode"), colspan=2, rowspan=2),
            Head(
                _("Realisasi capaian s/d Renja tahun lalu (%(y)s)") % {"y": year - 1},
                colspan=2,
                rowspan=2,
            ),
            Head(_("Target Renja tahun %(y)s") % {"y": year}, colspan=2, rowspan=2),
            Head(_("Realisasi kinerja pada triwulan"), colspan=8),
            Head(
                _("Realisasi Renja %(y)s s/d TW %(q)s") % {"y": year, "q": ROMAN[quarter]},
                colspan=2,
                rowspan=2,
            ),
            Head(_("Tingkat capaian Renja (%)"), colspan=2, rowspan=2),
            Head(_("Realisasi Renstra s/d %(y)s") % {"y": year}, colspan=2, rowspan=2),
            Head(_("Tingkat capaian Renstra (%)"), colspan=2, rowspan=2),
            Head(_("Predikat"), rowspan=3),
            Head(_("Unit penanggung jawab"), rowspan=3),
        ],
        [Head(ROMAN[q], colspan=2) for q in range(1, 5)],
        [Head("K"), Head("Rp")] * 11,
    ]
    kinds = ["text"] * 5 + ["text", "rupiah"] * 7 + ["text", "rupiah", "percent", "percent"]
    kinds += ["text", "rupiah", "percent", "percent", "text", "text"]
    rows: list[Row] = []
    from sejahtera.planning.achievement import absorption

    for node, ind, first, lead in _evaluation_rows(data):
        cells: list[Any] = [
            *lead,
            ind.end if ind else "",
            data.pagu_sum(node, plan.years) if first else None,
            fmt_components(data.period_real(ind, year - 1)) if ind else "",
            data.spent_period(node, year - 1) if first else None,
            data.renja_target(ind, year) if ind else "",
            data.renja_pagu(node, year) if first else None,
        ]
        for q in range(1, 5):
            shown = q <= quarter
            cells += [
                fmt_components(data.quarter_real(ind, year, q)) if ind and shown else "",
                data.spent_quarter(node, year, q) if first and shown else None,
            ]
        real = data.year_real(ind, year, quarter) if ind else []
        spent = data.spent_year(node, year, quarter) if first else None
        ach = data.achievement(ind, data.renja_target(ind, year), real) if ind else None
        cells += [
            fmt_components(real),
            spent,
            ach,
            absorption(spent, data.renja_pagu(node, year)) if first else None,
        ]
        total = data.period_real(ind, year, quarter) if ind else []
        total_spent = data.spent_period(node, year, quarter) if first else None
        cells += [
            fmt_components(total),
            total_spent,
            data.period_achievement(ind, year, quarter) if ind else None,
            absorption(total_spent, data.pagu_sum(node, plan.years)) if first else None,
        ]
        grade = data.grade(ach)
        colours = {len(cells): grade.colour} if grade else {}
        cells.append(grade.label if grade else "")
        cells.append(data.unit_name(node) if first else "")
        rows.append(Row(node.level, cells, colours))
    return Sheet(
        "e81",
        _("Formulir E.81 Evaluasi terhadap Hasil Renja Perangkat Daerah"),
        _("Renja %(year)s, sampai dengan triwulan %(q)s · realisasi yang telah disetujui")
        % {"year": year, "q": ROMAN[quarter]},
        header,
        kinds,
        rows,
        freeze_cols=5,
        notes=_notes(),
        code_col=2,
    )


def tc29(data: PlanData, year: int) -> Sheet:
    """Table T-C.29: recapitulation of the Renja's results and the Renstra's achievement up
    to `year` (n)."""
    plan = data.plan
    header = [
        [
            Head(_("Kode"), rowspan=2),
            Head(_("Urusan/Program/Kegiatan"), rowspan=2),
            Head(_("Indikator kinerja program (outcome)/kegiatan (output)"), rowspan=2),
            Head(_("Target kinerja capaian program Renstra (akhir periode)"), rowspan=2),
            Head(_("Realisasi target kinerja s/d tahun %(y)s") % {"y": year - 2}, rowspan=2),
            Head(_("Target dan realisasi tahun lalu (%(y)s)") % {"y": year - 1}, colspan=3),
            Head(_("Target Renja tahun %(y)s") % {"y": year}, rowspan=2),
            Head(
                _("Perkiraan realisasi capaian target Renstra s/d tahun %(y)s") % {"y": year},
                colspan=2,
            ),
            Head(_("Perangkat daerah penanggung jawab"), rowspan=2),
        ],
        [
            Head(_("Target Renja")),
            Head(_("Realisasi Renja")),
            Head(_("Tingkat realisasi (%)")),
            Head(_("Realisasi capaian s/d tahun %(y)s") % {"y": year}),
            Head(_("Tingkat capaian target Renstra (%)")),
        ],
    ]
    kinds = ["text"] * 6 + ["text", "percent", "text", "text", "percent", "text"]
    rows: list[Row] = []
    for node, indicators in data.rows():
        if not node.code:
            continue
        for i, ind in enumerate(_each(indicators)):
            first = i == 0
            if ind is None:
                cells_empty: list[Any] = [node.code, _label(node), "", "", "", "", ""]
                cells_empty += [None, "", "", None, data.unit_name(node)]
                rows.append(Row(node.level, cells_empty))
                continue
            last_target = data.renja_target(ind, year - 1)
            last_real = data.year_real(ind, year - 1)
            ach_last = data.achievement(ind, last_target, last_real)
            total = data.period_real(ind, year)
            ach = data.period_achievement(ind, year)
            grade = data.grade(ach)
            cells = [
                node.code if first else "",
                _label(node) if first else "",
                ind.name,
                ind.end,
                fmt_components(data.period_real(ind, year - 2)),
                last_target,
                fmt_components(last_real),
                ach_last,
                data.renja_target(ind, year),
                fmt_components(total),
                ach,
                data.unit_name(node) if first else "",
            ]
            rows.append(Row(node.level, cells, {10: grade.colour} if grade else {}))
    return Sheet(
        "tc29",
        _("Tabel T-C.29 Rekapitulasi Evaluasi Hasil Pelaksanaan Renja dan Pencapaian Renstra"),
        _("%(plan)s · sampai dengan tahun %(year)s · realisasi yang telah disetujui")
        % {"plan": plan, "year": year},
        header,
        kinds,
        rows,
        freeze_cols=3,
        notes=_notes(),
        code_col=0,
    )


def plan_csv_rows(data: PlanData) -> tuple[list[str], list[list[Any]]]:
    """Tabel 4.3.2 as one row per code and indicator, pagu as plain integers."""
    years = data.plan.years
    headers = ["level", "code", "name", "indicator", "unit", "baseline"]
    for y in years:
        headers += [f"target_{y}", f"pagu_{y}"]
    headers += ["target_end", "pagu_total"]
    out = []
    for node, indicators in data.rows():
        for ind in _each(indicators):
            row: list[Any] = [
                node.level,
                node.code,
                _label(node),
                ind.name if ind else "",
                ind.unit if ind else "",
                ind.baseline if ind else "",
            ]
            for y in years:
                amount = data.pagu(node, y)
                row += [data.target(ind, y) if ind else "", "" if amount is None else amount]
            row += [ind.end if ind else "", "" if node.pagu_end is None else node.pagu_end]
            out.append(row)
    return headers, out
