"""The duplicate finder: Splink on DuckDB over a table of linkage records (see spec.py).

`train` learns the model from the records themselves (no labels): the prior from pairs that
are nearly certainly one person, u by random sampling, m by expectation maximisation in the
sessions of `spec.TRAINING_BLOCKS`; `complete` then fills what no session could learn and
puts a floor under m. `predict` scores the pairs of the blocking rules and yields those above
a threshold, with each comparison's level."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from sejahtera.linkage import spec

logger = logging.getLogger(__name__)
SPLINK_LOG_LEVEL = logging.ERROR


@dataclass(frozen=True)
class Pair:
    id_l: int
    id_r: int
    match_weight: float
    match_probability: float
    gammas: dict[str, int]  # comparison key → level index (spec order)


def pair_from_row(row: Any) -> Pair | None:
    """A scored pair from (id_l, id_r, match_weight, match_probability, gamma per comparison
    in spec order), or None for a pair `spec.siblings` sets aside. DuckDB's and Spark's
    results go through here alike."""
    gammas = {
        c.key: spec.gamma_to_index(c, int(g))
        for c, g in zip(spec.COMPARISONS, row[4:], strict=True)
    }
    if spec.siblings(gammas):
        return None
    left, right = int(row[0]), int(row[1])
    return Pair(
        id_l=min(left, right),
        id_r=max(left, right),
        match_weight=float(row[2]),
        match_probability=float(row[3]),
        gammas=gammas,
    )


def _connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    return connection


def _linker(
    connection: duckdb.DuckDBPyConnection, table: pa.Table, settings: dict[str, Any]
) -> Any:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=connection)
    frame = db_api.register(table, dataset_display_name="penduduk")
    return Linker(frame, settings, log_level=SPLINK_LOG_LEVEL)


def train(
    table: pa.Table,
    *,
    max_pairs: float = 5e6,
    seed: int = 2025,
    threads: int | None = None,
) -> dict[str, Any]:
    """Learn the model from `table` (at least a few hundred records with some duplicates);
    returns the completed model (Splink's JSON)."""
    from splink import block_on

    connection = _connect(threads)
    try:
        linker = _linker(connection, table, spec.settings_dict())
        linker.training.estimate_probability_two_random_records_match(
            list(spec.DETERMINISTIC_RULES), recall=spec.DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for columns in spec.TRAINING_BLOCKS:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*columns))
        model = linker.misc.save_model_to_json(out_path=None)
    finally:
        connection.close()
    return complete(model)


def complete(model: dict[str, Any]) -> dict[str, Any]:
    """Every level gets an m and a u: a level no session could learn carries no evidence
    (m = u); no m falls under `spec.M_FLOOR`."""
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            m = m if isinstance(m, float | int) and m > 0 else None
            u = u if isinstance(u, float | int) and u > 0 else None
            if m is None and u is None:
                m = u = 0.5
            elif m is None:
                m = u
            elif u is None:
                u = m
            assert m is not None and u is not None
            if not level.get("fix_m_probability"):
                m = max(float(m), spec.M_FLOOR)
            level["m_probability"] = float(m)
            level["u_probability"] = float(u)
    prior = float(model.get("probability_two_random_records_match") or 1e-6)
    model["probability_two_random_records_match"] = min(max(prior, 1e-12), 0.5)
    return model


def predict(
    table: pa.Table,
    model: dict[str, Any],
    *,
    threshold: float,
    threads: int | None = None,
    batch: int = 20_000,
) -> Iterator[Pair]:
    """The pairs of the blocking rules whose match probability is at least `threshold`,
    less those `spec.siblings` sets aside."""
    settings = copy.deepcopy(model)
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = True  # Splink keeps the gamma columns only so
    connection = _connect(threads)
    try:
        linker = _linker(connection, table, settings)
        frame = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        columns = ", ".join(f'"gamma_{c.key}"' for c in spec.COMPARISONS)
        result = connection.execute(
            "SELECT unique_id_l, unique_id_r, match_weight, match_probability, "  # noqa: S608
            f"{columns} FROM {frame.physical_name} ORDER BY unique_id_l, unique_id_r"
        )
        while rows := result.fetchmany(batch):
            for row in rows:
                pair = pair_from_row(row)
                if pair is not None:
                    yield pair
    finally:
        connection.close()
