"""The consistency check lists the seed's real disagreements, with numbers and difference."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sejahtera.planning.checks import findings
from sejahtera.planning.models import Plan

pytestmark = pytest.mark.django_db


def _find(plan: Plan, kind: str, code: str, what: str) -> list[object]:
    return [f for f in findings(plan) if f.kind == kind and f.code == code and what in f.what]


def test_parent_pagu_vs_children(seed_plan: Plan) -> None:
    (f,) = _find(seed_plan, "pagu_children", "1.06.01", "pagu 2026")
    assert f.stated == "5.922.678.740"
    assert f.computed == "6.309.020.690"
    assert f.difference == "+386.341.950"


def test_total_vs_sum_of_years(seed_plan: Plan) -> None:
    (f,) = _find(seed_plan, "pagu_total", "1.06.02", "akhir periode")
    assert (f.stated, f.computed, f.difference) == (
        "2.222.431.983",
        "2.484.706.984",
        "+262.275.001",
    )


def test_end_target_vs_last_year(seed_plan: Plan) -> None:
    (f,) = _find(seed_plan, "end_target", "1.06", "2030")
    assert f.stated == "65.15%" and f.computed == "65,14"


def test_two_tables_disagree_on_an_iku(seed_plan: Plan) -> None:
    found = _find(seed_plan, "cross_table", "1.06.01", "target 2025: Tabel 4.1 (BAB IV)")
    subjects = {f.subject: f for f in found}
    sakip = subjects["Nilai SAKIP Perangkat Daerah"]
    assert (sakip.stated, sakip.computed, sakip.difference) == ("81,15 (A)", "81,05 (A)", "-0,1")


def test_previous_period_ratio(seed_plan: Plan) -> None:
    ratio = [f for f in findings(seed_plan) if f.kind == "ratio"]
    assert any(f.stated == "130.02%" and f.computed == "120,02%" for f in ratio)


def test_incomplete_codes_are_listed(seed_plan: Plan) -> None:
    codes = {f.code for f in findings(seed_plan) if f.kind == "code"}
    assert codes == {"1.06.01.2.0002", "1.06.01.2.0009", "1.06.01.2.010"}


def test_check_command_prints_one_line_per_disagreement(seed_plan: Plan) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("renstra", "check", stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == len(findings(seed_plan))
    assert (
        "1.06.01 | pagu 2026 vs jumlah pagu kegiatan | tertulis 5.922.678.740 | dihitung 6.309.020.690 | selisih +386.341.950"
        in lines
    )
    assert f"{len(lines)} ketidaksesuaian" in err.getvalue()
