"""Loading the transcribed seed plan: everything of Tabel 4.3.2 comes through, reloading
changes nothing, changed files make a revision with history."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sejahtera.planning.loader import default_dir, load_plan
from sejahtera.planning.models import Indicator, IndicatorKind, Node, Plan
from sejahtera.planning.render import to_csv
from sejahtera.planning.selectors import PlanData
from sejahtera.planning.sheets import plan_csv_rows
from sejahtera.planning.values import rupiah

pytestmark = pytest.mark.django_db


def _seed_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted(default_dir().glob("t432-*.yaml")):
        rows += yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]
    return rows


def test_plan_csv_reproduces_every_code_indicator_target_and_pagu(seed_plan: Plan) -> None:
    headers, rows = plan_csv_rows(PlanData(seed_plan))
    text = to_csv(headers, rows).decode("utf-8")
    exported = list(csv.DictReader(io.StringIO(text)))
    expected = []
    for row in _seed_rows():
        pagu = row.get("pagu") or {}
        for ind in row.get("indicators") or [None]:  # type: ignore[attr-defined]
            item = {"level": row["level"], "code": row.get("code") or "", "indicator": ""}
            if ind:
                item["indicator"] = ind["name"]
                item["baseline"] = ind.get("baseline") or ""
                for year, value in ind["targets"].items():
                    item[f"target_{year}"] = value or ""
                item["target_end"] = ind.get("end") or ""
            for year in ("2025", "2026", "2027", "2028", "2029", "2030"):
                amount = rupiah(pagu.get(year)) if pagu else None
                item[f"pagu_{year}"] = "" if amount is None else str(amount)
            end = rupiah(pagu.get("end")) if pagu else None
            item["pagu_total"] = "" if end is None else str(end)
            expected.append(item)
    assert len(exported) == len(expected) == 78  # 58 rows, 78 indicators
    for got, want in zip(exported, expected, strict=True):
        for key, value in want.items():
            assert got[key] == value, (want["code"], key)
    assert headers[:6] == ["level", "code", "name", "indicator", "unit", "baseline"]
    assert headers[-2:] == ["target_end", "pagu_total"]


def test_urusan_total_for_2025_2030(seed_plan: Plan, client: object) -> None:
    sasaran = Node.objects.get(plan=seed_plan, level="sasaran", pagu_end__isnull=False)
    assert sasaran.pagu_end == 121_981_063_728
    assert sum(b.amount for b in sasaran.budgets.all() if b.amount) == 121_981_063_728


def test_tree_and_iku_links(seed_plan: Plan) -> None:
    kegiatan = Node.objects.get(plan=seed_plan, code="1.06.01.2.01")
    assert kegiatan.parent is not None and kegiatan.parent.code == "1.06.01"
    sub = Node.objects.get(plan=seed_plan, code="1.06.01.2.01.0001")
    assert sub.parent == kegiatan
    sakip = Indicator.objects.filter(
        plan=seed_plan, kind=IndicatorKind.IKU, name="Nilai SAKIP Perangkat Daerah"
    )
    assert sakip.count() == 2
    assert all(i.counterpart is not None and i.counterpart.node.code == "1.06.01" for i in sakip)
    assert Node.objects.get(plan=seed_plan, code="1.06.05.2.02").unit.code == "PFM"
    assert Node.objects.get(plan=seed_plan, code="1.06.05").unit.code == "LINJAMSOS"


def test_reload_changes_nothing_and_changed_files_make_a_revision(
    seed_plan: Plan, tmp_path: Path
) -> None:
    again = load_plan(actor=None)
    assert not again.created and again.plan == seed_plan
    copy = tmp_path / "2025-2029"
    shutil.copytree(default_dir(), copy)
    path = copy / "t46-ikk.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"2025": "60"', '"2025": "65"'), encoding="utf-8"
    )
    revised = load_plan(actor=None, directory=copy, note="Perubahan target IKK")
    assert revised.created and revised.plan.revision == 1
    assert revised.plan.supersedes == seed_plan
    seed_plan.refresh_from_db()
    assert not seed_plan.is_current
    assert Plan.objects.filter(is_current=True).get() == revised.plan
    assert (
        Indicator.objects.filter(plan=seed_plan).count()
        == Indicator.objects.filter(plan=revised.plan).count()
    )


def test_loading_a_folder_without_the_plan_table_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"4\.3\.2"):
        load_plan(actor=None, directory=tmp_path)
    assert not Plan.objects.exists()


def test_load_command(db: None) -> None:
    out = io.StringIO()
    call_command("renstra", "load", stdout=out)
    assert "dimuat" in out.getvalue()
    out = io.StringIO()
    call_command("renstra", "load", stdout=out)
    assert "tidak berubah" in out.getvalue()
