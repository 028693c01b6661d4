"""The same model on Spark (local mode): the optional `spark` extra, for a province that
outgrows one machine. Same pairs, same weights as DuckDB. Skipped without pyspark or Java."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from sejahtera.linkage import finder, spec
from tests.linkage.conftest import Synthetic

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    logging.getLogger("py4j").setLevel(logging.ERROR)

    session = (
        SparkSession.builder.master("local[1]")
        .appName("sejahtera-linkage-test")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark")))
    yield session
    session.stop()


def test_spark_finds_the_same_pairs_with_the_same_weights(
    spark: Any, synthetic: Synthetic, trained: dict[str, Any]
) -> None:
    from splink import Linker, SparkAPI

    frame = spark.createDataFrame(synthetic.table.to_pylist(), schema=_schema())
    db_api = SparkAPI(spark_session=spark)
    linker = Linker(
        db_api.register(frame, dataset_display_name="penduduk"),
        {
            **spec.for_dialect(trained, "spark"),
            "retain_intermediate_calculation_columns": True,
            "retain_matching_columns": True,
        },
    )
    rows = linker.inference.predict(threshold_match_probability=0.01).as_record_list()
    on_spark = {}
    for row in rows:
        gammas = {
            c.key: spec.gamma_to_index(c, int(row[f"gamma_{c.key}"])) for c in spec.COMPARISONS
        }
        if spec.siblings(gammas):
            continue
        key = (
            min(row["unique_id_l"], row["unique_id_r"]),
            max(row["unique_id_l"], row["unique_id_r"]),
        )
        on_spark[key] = (row["match_weight"], gammas)
    on_duckdb = {
        (p.id_l, p.id_r): (p.match_weight, p.gammas)
        for p in finder.predict(synthetic.table, trained, threshold=0.01)
    }
    assert on_spark.keys() == on_duckdb.keys()
    differ = []
    for key, (weight, gammas) in on_duckdb.items():
        if on_spark[key][1] != gammas:
            # Splink's Spark jaro_winkler (a Scala UDF) scores a few strings a little
            # differently from DuckDB's: only the Jaro-Winkler levels may differ.
            changed = {k for k in gammas if gammas[k] != on_spark[key][1][k]}
            assert changed <= {"nama", "ibu"}, (key, changed)
            differ.append(key)
            continue
        assert on_spark[key][0] == pytest.approx(weight, abs=1e-6), key
    assert len(differ) <= max(1, 0.02 * len(on_duckdb)), differ


def _schema() -> Any:
    from pyspark.sql import types as t

    kinds = {
        "BIGINT": t.LongType(),
        "INTEGER": t.IntegerType(),
        "DATE": t.DateType(),
        "VARCHAR": t.StringType(),
    }
    return t.StructType([t.StructField(name, kinds[kind], True) for name, kind in spec.COLUMNS])
