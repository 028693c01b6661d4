"""One definition, two evaluations: every comparison level's SQL (what Splink runs in
DuckDB) and its Python test (the entry-time check) agree, and the Python score of a pair is
Splink's match weight."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from sejahtera.linkage import finder, records, spec
from tests.linkage.conftest import Synthetic


def _case_sql(comparison: spec.Comparison) -> str:
    whens = []
    for index, level in enumerate(comparison.levels):
        if level.sql == "ELSE":
            continue
        whens.append(f"WHEN {level.sql} THEN {index}")
    return f"CASE {' '.join(whens)} ELSE {len(comparison.levels) - 1} END"


def _edge_records() -> list[spec.Record]:
    """Hand-made records that reach the rarer levels and the nulls."""
    base: dict[str, Any] = {
        "name": "Siti Aminah",
        "birth_date": dt.date(1980, 5, 12),
        "sex": "P",
        "nik": "3516015205800012",
        "mother_name": "Sumiati",
        "kk_number": "3516010101200001",
        "desa_code": "35.16.01.2001",
        "street": "Jl. Melati",
        "rt": "001",
        "rw": "002",
        "birth_place": "Mojokerto",
    }
    variants: list[dict[str, Any]] = [
        {},
        {"name": "AMINAH"},
        {"name": "Siti Aminah S.Pd", "birth_date": dt.date(1980, 12, 5)},
        {"name": "Sitiaminah", "nik": "3516015205800021"},
        {"name": "Siti Amina", "nik": "3516015205800013", "birth_date": dt.date(1980, 5, 13)},
        {"name": "Siti Aminatun", "birth_date": dt.date(1980, 6, 2), "nik": "3516015205805512"},
        {"name": "Sity Aminah", "birth_date": dt.date(1981, 3, 2), "nik": "3516025205800012"},
        {"name": "", "birth_date": None, "nik": None, "mother_name": "", "sex": ""},
        {"kk_number": "", "street": "", "rt": "", "rw": "", "birth_place": ""},
        {"desa_code": "35.16.01.2002", "nik": "3516010105800012"},
        {"desa_code": "35.16.02.2001", "nik": "351602"},
        {"mother_name": "Sumiyati", "sex": "L", "birth_date": dt.date(1979, 5, 12)},
        {"street": "JALAN MELATI", "rt": "1", "rw": "2"},
        {"rt": "003"},
    ]
    return [
        spec.features(unique_id=100_000 + i, **{**base, **change})
        for i, change in enumerate(variants)
    ]


def test_sql_and_python_give_the_same_level(synthetic: Synthetic) -> None:
    rng = random.Random(5)
    rows = _edge_records() + rng.sample(synthetic.records, 120)
    by_id = {r["unique_id"]: r for r in rows}
    # every injected duplicate, and the hand-made records against each other
    pair_ids = [(a, b) for a, b in synthetic.truth]
    pair_ids += list(itertools.combinations([r["unique_id"] for r in rows], 2))
    for a, b in synthetic.truth:
        by_id[a], by_id[b] = synthetic.records[a], synthetic.records[b]
    connection = duckdb.connect()
    table = records.to_table(iter(by_id.values()))
    connection.register("t", table)
    pairs = pa.table(
        {"a": [a for a, _b in pair_ids], "b": [b for _a, b in pair_ids]},
        schema=pa.schema([("a", pa.int64()), ("b", pa.int64())]),
    )
    connection.register("pairs", pairs)
    columns = ", ".join(
        f'l."{name}" AS "{name}_l", r."{name}" AS "{name}_r"' for name in spec.COLUMN_NAMES
    )
    cases = ", ".join(_case_sql(c) for c in spec.COMPARISONS)
    result = connection.execute(
        f"WITH x AS (SELECT {columns} FROM pairs "  # noqa: S608
        "JOIN t l ON l.unique_id = pairs.a JOIN t r ON r.unique_id = pairs.b) "
        f'SELECT "unique_id_l", "unique_id_r", {cases} FROM x'
    ).fetchall()
    assert len(result) == len(pair_ids)
    seen: set[tuple[str, int]] = set()
    for row in result:
        left, right = by_id[row[0]], by_id[row[1]]
        for comparison, sql_level in zip(spec.COMPARISONS, row[2:], strict=True):
            assert comparison.level_of(left, right) == sql_level, (
                comparison.key,
                left,
                right,
            )
            seen.add((comparison.key, sql_level))
    # the data reached every level of every comparison
    for comparison in spec.COMPARISONS:
        for index, _level in enumerate(comparison.levels):
            assert (comparison.key, index) in seen, (comparison.key, comparison.levels[index])


def test_python_score_is_splinks_match_weight(
    synthetic: Synthetic, trained: dict[str, Any]
) -> None:
    parameters = spec.Parameters.from_model(trained)
    pairs = list(finder.predict(synthetic.table, trained, threshold=0.01))
    assert pairs
    for pair in pairs:
        left, right = synthetic.records[pair.id_l], synthetic.records[pair.id_r]
        assert {c.key: c.level_of(left, right) for c in spec.COMPARISONS} == pair.gammas
        scored = spec.score(parameters, left, right)
        assert scored.match_weight == pytest.approx(pair.match_weight, abs=1e-6)
        assert scored.match_probability == pytest.approx(pair.match_probability, abs=1e-9)


def test_model_is_complete_with_floors(trained: dict[str, Any]) -> None:
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            assert level["m_probability"] >= spec.M_FLOOR
            assert level["u_probability"] > 0
    assert 0 < trained["probability_two_random_records_match"] < 0.5


def test_gamma_to_index_round_trip() -> None:
    for comparison in spec.COMPARISONS:
        non_null = [i for i, level in enumerate(comparison.levels) if not level.null]
        gammas = list(range(len(non_null)))
        if len(non_null) != len(comparison.levels):
            gammas.append(-1)
        indexes = sorted(spec.gamma_to_index(comparison, g) for g in gammas)
        assert indexes == list(range(len(comparison.levels)))


def test_siblings_rule() -> None:
    kk_same = next(i for i, lv in enumerate(spec.KK.levels) if lv.key == "sama")
    kk_other = next(i for i, lv in enumerate(spec.KK.levels) if lv.key == "beda")
    gammas = {c.key: 0 for c in spec.COMPARISONS}
    for index, level in enumerate(spec.NAME.levels):
        in_kk = {**gammas, "nama": index, "kk": kk_same}
        expected = level.key in ("bunyi-sama", "sebagian", "mirip", "beda")
        assert spec.siblings(in_kk) is expected, level.key
        assert spec.siblings({**in_kk, "kk": kk_other}) is False


def test_a_model_of_other_comparisons_is_not_compatible(trained: dict[str, Any]) -> None:
    assert spec.compatible(trained)
    changed = copy.deepcopy(trained)
    changed["comparisons"][0]["comparison_levels"].pop(2)
    assert not spec.compatible(changed)
    assert not spec.compatible({})
