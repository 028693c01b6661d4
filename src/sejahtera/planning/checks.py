"""The plan's own arithmetic, checked: every place where the document disagrees with itself.

Nothing is corrected. Each finding names the row, what was compared, the value the document
states, the value computed from its other figures, and the difference (computed − stated).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from sejahtera.common import formatting
from sejahtera.planning.models import (
    Accumulation,
    Budget,
    IndicatorKind,
    Level,
    Node,
    Plan,
    Statement,
)
from sejahtera.planning.values import components, number, rupiah

RATIO_TOLERANCE = Decimal("0.01")  # the document rounds ratios to two decimals


@dataclass(frozen=True)
class Finding:
    kind: str  # pagu_total | pagu_children | end_target | cross_table | code | ratio
    code: str
    subject: str
    what: str
    stated: str
    computed: str
    difference: str
    lines: str = ""

    def line(self) -> str:
        return " | ".join(
            [
                self.code or "-",
                self.what,
                f"{_('tertulis')} {self.stated}",
                f"{_('dihitung')} {self.computed}",
                f"{_('selisih')} {self.difference}",
            ]
        )


KIND_LABELS = {
    "pagu_total": _("Total pagu vs jumlah tahunan"),
    "pagu_children": _("Pagu induk vs jumlah anak"),
    "end_target": _("Target akhir periode vs target tahunan"),
    "cross_table": _("Nilai berbeda antartabel"),
    "code": _("Kode nomenklatur"),
    "ratio": _("Rasio capaian periode lalu"),
}


def _rp(value: int | None) -> str:
    return formatting.number(value)


def _diff(computed: int, stated: int) -> str:
    return f"{computed - stated:+,}".replace(",", ".")


def _node_label(node: Node) -> str:
    return node.title[:120]


def _budgets(plan: Plan) -> dict[int, dict[int, int | None]]:
    table: dict[int, dict[int, int | None]] = defaultdict(dict)
    for node_id, year, amount in Budget.objects.filter(node__plan=plan).values_list(
        "node_id", "year", "amount"
    ):
        table[node_id][year] = amount
    return table


def pagu_findings(plan: Plan) -> Iterator[Finding]:
    nodes = list(plan.nodes.order_by("position"))
    budgets = _budgets(plan)
    children: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        if node.parent_id is not None and node.level != Level.SASARAN:
            children[node.parent_id].append(node)
    programmes = [n for n in nodes if n.level == Level.PROGRAM]
    for node in nodes:
        years = budgets.get(node.pk, {})
        if node.pagu_end is not None and years:
            total = sum(v for v in years.values() if v is not None)
            if total != node.pagu_end:
                yield Finding(
                    "pagu_total",
                    node.code,
                    _node_label(node),
                    _("pagu akhir periode vs jumlah pagu %(first)s–%(last)s")
                    % {"first": min(years), "last": max(years)},
                    _rp(node.pagu_end),
                    _rp(total),
                    _diff(total, node.pagu_end),
                    node.seed_lines,
                )
        if not years:
            continue
        kids = children.get(node.pk, [])
        if node.level == Level.SASARAN and not node.code:
            kids = programmes
            label = _("program")
        else:
            label = {
                Level.URUSAN: _("program"),
                Level.PROGRAM: _("kegiatan"),
                Level.KEGIATAN: _("sub kegiatan"),
            }.get(Level(node.level), _("anak"))
        kids = [k for k in kids if budgets.get(k.pk)]
        if not kids:
            continue
        for year in sorted(years):
            stated = years[year]
            if stated is None:
                continue
            total = sum(budgets[k.pk].get(year) or 0 for k in kids)
            if total != stated:
                yield Finding(
                    "pagu_children",
                    node.code,
                    _node_label(node),
                    _("pagu %(year)s vs jumlah pagu %(what)s") % {"year": year, "what": label},
                    _rp(stated),
                    _rp(total),
                    _diff(total, stated),
                    node.seed_lines,
                )
        if node.pagu_end is not None:
            ends = [k.pagu_end for k in kids]
            if all(e is not None for e in ends):
                total = sum(e for e in ends if e is not None)
                if total != node.pagu_end:
                    yield Finding(
                        "pagu_children",
                        node.code,
                        _node_label(node),
                        _("pagu akhir periode vs jumlah pagu akhir %(what)s") % {"what": label},
                        _rp(node.pagu_end),
                        _rp(total),
                        _diff(total, node.pagu_end),
                        node.seed_lines,
                    )


def _fmt(value: Decimal) -> str:
    return formatting.number(value, 2).rstrip("0").rstrip(",")


def end_target_findings(plan: Plan) -> Iterator[Finding]:
    indicators = plan.indicators.filter(kind=IndicatorKind.PLAN).select_related("node")
    for ind in indicators.prefetch_related("targets"):
        if not ind.end:
            continue
        targets = sorted(ind.targets.all(), key=lambda t: t.year)
        parts = [components(t.written) for t in targets if components(t.written)]
        end = components(ind.end)
        if not parts or not end:
            continue
        if ind.accumulation == Accumulation.SUM:
            width = len(end)
            if any(len(p) != width for p in parts):
                continue
            computed = [sum((p[i].number for p in parts), Decimal(0)) for i in range(width)]
            what = _("kondisi akhir vs jumlah target tahunan")
        else:
            computed = [c.number for c in parts[-1]]
            what = _("kondisi akhir vs target %(year)s") % {"year": targets[-1].year}
        stated = [c.number for c in end]
        if computed[: len(stated)] != stated:
            yield Finding(
                "end_target",
                ind.node.code if ind.node else "",
                ind.name,
                what,
                ind.end,
                ", ".join(_fmt(v) for v in computed),
                ", ".join(_fmt(c - s) for c, s in zip(computed, stated, strict=False)),
                ind.seed_lines,
            )


def cross_table_findings(plan: Plan) -> Iterator[Finding]:
    mirrors = (
        plan.indicators.exclude(kind=IndicatorKind.PLAN)
        .filter(counterpart__isnull=False)
        .select_related("counterpart", "counterpart__node")
        .prefetch_related("targets", "counterpart__targets")
        .order_by("source", "position")
    )
    for ind in mirrors:
        other = ind.counterpart
        assert other is not None
        pairs: list[tuple[str, str | None, str | None]] = [
            (_("baseline"), ind.baseline, other.baseline)
        ]
        mine = {t.year: t.written for t in ind.targets.all()}
        theirs = {t.year: t.written for t in other.targets.all()}
        for year in sorted(set(mine) | set(theirs)):
            pairs.append((_("target %(year)s") % {"year": year}, mine.get(year), theirs.get(year)))
        for label, stated, reference in pairs:
            a, b = number(stated), number(reference)
            if a == b:
                continue
            yield Finding(
                "cross_table",
                other.node.code if other.node else "",
                ind.name,
                _("%(what)s: Tabel %(source)s vs Tabel 4.3.2")
                % {"what": label, "source": ind.source},
                stated or "–",
                reference or "–",
                _fmt(b - a) if a is not None and b is not None else "–",
                ind.seed_lines,
            )


def code_findings(plan: Plan) -> Iterator[Finding]:
    for node in plan.nodes.filter(code__gt="").select_related("parent").order_by("position"):
        if node.code_key.startswith("?"):
            yield Finding(
                "code",
                node.code,
                _node_label(node),
                _("kode %(level)s tidak lengkap") % {"level": node.get_level_display()},
                node.code,
                _("kode %(level)s punya %(n)s bagian")
                % {
                    "level": node.get_level_display(),
                    "n": {"program": 3, "kegiatan": 5}.get(node.level, 6),
                },
                "–",
                node.seed_lines,
            )
        elif (
            node.parent is not None
            and node.parent.code_key
            and not node.code_key.startswith(node.parent.code_key + ".")
        ):
            yield Finding(
                "code",
                node.code,
                _node_label(node),
                _("kode tidak di bawah kode induknya"),
                node.code,
                node.parent.code,
                "–",
                node.seed_lines,
            )


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ratio_findings(plan: Plan) -> Iterator[Finding]:
    for row in previous_period(plan):
        for cell in row.cells:
            if cell.computed is None or cell.stated is None:
                continue
            if abs(cell.computed - cell.stated) > RATIO_TOLERANCE:
                yield Finding(
                    "ratio",
                    "",
                    row.name,
                    _("Tabel %(table)s rasio %(year)s") % {"table": row.table, "year": cell.year},
                    cell.stated_written,
                    _fmt(cell.computed) + "%",
                    _fmt(cell.computed - cell.stated),
                    row.lines,
                )


@dataclass(frozen=True)
class RatioCell:
    year: str
    target: str
    realisation: str
    stated_written: str
    stated: Decimal | None
    computed: Decimal | None

    @property
    def differs(self) -> bool:
        return (
            self.stated is not None
            and self.computed is not None
            and abs(self.computed - self.stated) > RATIO_TOLERANCE
        )


@dataclass(frozen=True)
class RatioRow:
    table: str
    name: str
    level: str
    cells: list[RatioCell]
    lines: str
    note: str


def previous_period(plan: Plan) -> list[RatioRow]:
    """Tabel 2.3.3 (target vs realisation) and 2.3.4 (budget vs spending) with the ratio the
    document states next to the ratio computed from its own figures."""
    rows: list[RatioRow] = []
    for st in Statement.objects.filter(plan=plan, table__in=["2.3.3", "2.3.4"]).order_by(
        "table", "position"
    ):
        data = st.data
        if st.table == "2.3.3":
            targets, reals, ratios = (
                data.get("targets") or {},
                data.get("realisations") or {},
                data.get("ratios") or {},
            )
        else:
            targets, reals, ratios = (
                data.get("budget") or {},
                data.get("realisation") or {},
                data.get("ratio") or {},
            )
        if not ratios:
            continue
        cells = []
        for year in sorted(ratios):
            t = rupiah(targets.get(year)) if st.table == "2.3.4" else number(targets.get(year))
            r = rupiah(reals.get(year)) if st.table == "2.3.4" else number(reals.get(year))
            computed = None
            if t is not None and t != 0 and r is not None:
                computed = _quantize(Decimal(r) / Decimal(t) * 100)
            cells.append(
                RatioCell(
                    year=year,
                    target=str(targets.get(year) or "–"),
                    realisation=str(reals.get(year) or "–"),
                    stated_written=str(ratios.get(year) or "–"),
                    stated=number(ratios.get(year)),
                    computed=computed,
                )
            )
        rows.append(
            RatioRow(
                table=st.table,
                name=st.text,
                level=str(data.get("level") or ""),
                cells=cells,
                lines=st.seed_lines,
                note=st.seed_note,
            )
        )
    return rows


def findings(plan: Plan) -> list[Finding]:
    return [
        *code_findings(plan),
        *pagu_findings(plan),
        *end_target_findings(plan),
        *cross_table_findings(plan),
        *ratio_findings(plan),
    ]


def total_pagu(plan: Plan, years: list[int] | None = None) -> int:
    """The pagu of the urusan over the years: the sum of its programmes' yearly pagu."""
    qs = Budget.objects.filter(node__plan=plan, node__level=Level.PROGRAM)
    if years is not None:
        qs = qs.filter(year__in=years)
    return sum(a for a in qs.values_list("amount", flat=True) if a is not None)
