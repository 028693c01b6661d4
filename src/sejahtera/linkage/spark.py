"""The duplicate finder's model on Spark, for a province that outgrows one machine (the
optional `spark` extra: pyspark and a Java runtime). The model is trained as usual (DuckDB,
`finder.train`) and stored; this runs the same model, settings and blocking rules on a Spark
session and yields the same `finder.Pair`s: same pairs, same weights.

Jaro-Winkler on Spark is `spec.SPARK_JARO_WINKLER`, a vectorised (Arrow) function over
rapidfuzz's Jaro-Winkler, which scores names exactly as DuckDB's does; Splink's own Scala
function differs for some names and would move pairs between comparison levels."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa

from sejahtera.linkage import spec
from sejahtera.linkage.finder import Pair, pair_from_row


def session(*, master: str = "local[2]", checkpoint_dir: str, partitions: int = 8) -> Any:
    """A Spark session set up for Splink (its jar of string functions, checkpoints) with the
    functions `register_functions` adds."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # Spark's Python workers must run this interpreter (rapidfuzz, pyarrow).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("sejahtera-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(checkpoint_dir)
    register_functions(spark)
    return spark


def register_functions(spark: Any) -> None:
    from pyspark.sql.functions import pandas_udf
    from rapidfuzz.distance import JaroWinkler

    @pandas_udf("double")  # type: ignore[call-overload]
    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        return pd.Series(
            [
                None if pd.isna(a) or pd.isna(b) else JaroWinkler.similarity(a, b)
                for a, b in zip(left, right, strict=True)
            ],
            dtype="float64",
        )

    spark.udf.register(spec.SPARK_JARO_WINKLER, jaro_winkler)


def frame(spark: Any, table: pa.Table) -> Any:
    """The linkage records (`records.to_table`) as a Spark DataFrame."""
    from pyspark.sql import types as t

    kinds = {
        "BIGINT": t.LongType(),
        "INTEGER": t.IntegerType(),
        "DATE": t.DateType(),
        "VARCHAR": t.StringType(),
    }
    schema = t.StructType([t.StructField(name, kinds[kind], True) for name, kind in spec.COLUMNS])
    return spark.createDataFrame(table.select(list(spec.COLUMN_NAMES)).to_pandas(), schema=schema)


def predict(
    spark: Any, table: pa.Table, model: dict[str, Any], *, threshold: float
) -> Iterator[Pair]:
    """`finder.predict` on Spark: the pairs of the blocking rules at or above `threshold`,
    less those `spec.siblings` sets aside."""
    from splink import Linker, SparkAPI

    settings = {
        **spec.for_dialect(model, "spark"),
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }
    # Splink registers the records as a temporary view under this name; a session may run
    # several searches, so each gets its own and drops it at the end.
    name = f"penduduk_{uuid.uuid4().hex[:12]}"
    linker = Linker(
        SparkAPI(spark_session=spark).register(frame(spark, table), dataset_display_name=name),
        settings,
    )
    try:
        scored = linker.inference.predict(
            threshold_match_probability=threshold
        ).as_spark_dataframe()
        columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"] + [
            f"gamma_{c.key}" for c in spec.COMPARISONS
        ]
        for row in scored.select(*columns).toLocalIterator():
            pair = pair_from_row(tuple(row))
            if pair is not None:
                yield pair
    finally:
        spark.catalog.dropTempView(name)
