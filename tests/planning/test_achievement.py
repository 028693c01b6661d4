"""Achievement in both directions, per component, over quarters and years; grade bands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sejahtera.planning import achievement as calc
from sejahtera.planning.models import Accumulation, Direction
from sejahtera.planning.values import components


def test_higher_is_better() -> None:
    assert calc.ratio(Decimal(80), Decimal(60), Direction.HIGHER) == Decimal("75.00")
    # Above 100 % is shown as it is.
    assert calc.ratio(Decimal(80), Decimal(100), Direction.HIGHER) == Decimal("125.00")


def test_lower_is_better() -> None:
    # Poverty rate: target 9.37 %, realised 9.00 % is better than target.
    assert calc.ratio(Decimal("9.37"), Decimal("9.00"), Direction.LOWER) == Decimal("103.95")
    assert calc.ratio(Decimal("9.37"), Decimal("10.00"), Direction.LOWER) == Decimal("93.28")
    assert calc.ratio(Decimal(0), Decimal(1), Direction.LOWER) is None


def test_qualitative_values_use_their_numeric_part() -> None:
    got = calc.achievement(components("81,10 (A)"), components("81,10"), Direction.HIGHER)
    assert got == Decimal("100.00")


def test_components_are_matched_by_label() -> None:
    target = components("72 Orang, 90 Lembaga")
    real = components("90 Lembaga, 36 Orang")
    # Orang 36/72 = 50 %, Lembaga 90/90 = 100 %: mean 75 %.
    assert calc.achievement(target, real, Direction.HIGHER) == Decimal("75.00")


def test_year_value_by_accumulation() -> None:
    quarters = {1: "10", 2: "20", 3: "30"}
    assert calc.year_value(Accumulation.ANNUAL, quarters)[0].number == 60
    assert calc.year_value(Accumulation.SUM, quarters)[0].number == 60
    assert calc.year_value(Accumulation.LATEST, {1: "90.5", 3: "92.1", 2: "91"})[
        0
    ].number == Decimal("92.1")
    assert calc.year_value(Accumulation.LATEST, {}) == []


def test_cumulative_indicator_adds_years_and_targets() -> None:
    years = {2025: components("72 Orang"), 2026: components("70 Orang")}
    assert calc.period_value(Accumulation.SUM, years)[0].number == 142
    targets = {2025: "72 Orang", 2026: "78 Orang", 2027: "78 Orang"}
    assert calc.period_target(Accumulation.SUM, targets, 2026)[0].number == 150


def test_latest_value_indicator_takes_the_latest_year() -> None:
    years = {2025: components("96.1%"), 2026: components("94%"), 2027: []}
    assert calc.period_value(Accumulation.LATEST, years)[0].number == 94
    assert calc.period_value(Accumulation.ANNUAL, years)[0].number == 94
    assert calc.period_target(Accumulation.LATEST, {2025: "96.10%", 2026: "96.15%"}, 2026)[
        0
    ].number == Decimal("96.15")


def test_budget_absorption() -> None:
    assert calc.absorption(750_000, 1_000_000) == Decimal("75.00")
    assert calc.absorption(None, 1_000_000) is None
    assert calc.absorption(5, 0) is None


SCALE = calc.GradeScale(
    [
        (Decimal(91), "Sangat Tinggi", "success"),
        (Decimal(76), "Tinggi", "primary"),
        (Decimal(66), "Sedang", "info"),
        (Decimal(51), "Rendah", "warning"),
        (None, "Sangat Rendah", "danger"),
    ]
)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("150", "Sangat Tinggi"),
        ("91", "Sangat Tinggi"),
        ("90.99", "Tinggi"),
        ("76", "Tinggi"),
        ("75.99", "Sedang"),
        ("66", "Sedang"),
        ("65.99", "Rendah"),
        ("51", "Rendah"),
        ("50.99", "Sangat Rendah"),
        ("-20", "Sangat Rendah"),
    ],
)
def test_grade_boundaries(value: str, label: str) -> None:
    grade = SCALE.grade(Decimal(value))
    assert grade is not None and grade.label == label


def test_no_grade_without_achievement() -> None:
    assert SCALE.grade(None) is None


@pytest.mark.django_db
def test_default_scale_is_loaded_from_reference_data(grades: None) -> None:
    scale = calc.GradeScale.current()
    assert [b[1] for b in scale.bands] == [
        "Sangat Tinggi",
        "Tinggi",
        "Sedang",
        "Rendah",
        "Sangat Rendah",
    ]
    grade = scale.grade(Decimal("90.99"))
    assert grade is not None and grade.label == "Tinggi"
