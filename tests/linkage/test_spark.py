"""The same model on Spark (local mode): the optional `spark` extra, for a province that
outgrows one machine. Exactly the same pairs with the same levels and weights as DuckDB.
Skipped without pyspark or Java."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from sejahtera.linkage import finder
from tests.linkage.conftest import Synthetic

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from sejahtera.linkage import spark as on_spark

    logging.getLogger("py4j").setLevel(logging.ERROR)
    session = on_spark.session(
        master="local[2]", checkpoint_dir=str(tmp_path_factory.mktemp("spark")), partitions=2
    )
    yield session
    session.stop()


def test_spark_finds_the_same_pairs_with_the_same_weights(
    spark: Any, synthetic: Synthetic, trained: dict[str, Any]
) -> None:
    from sejahtera.linkage import spark as on_spark

    on_spark_pairs = {
        (p.id_l, p.id_r): p
        for p in on_spark.predict(spark, synthetic.table, trained, threshold=0.01)
    }
    on_duckdb = {
        (p.id_l, p.id_r): p for p in finder.predict(synthetic.table, trained, threshold=0.01)
    }
    assert len(on_duckdb) >= 0.9 * len(synthetic.truth)  # the duplicates, and near misses
    assert on_spark_pairs.keys() == on_duckdb.keys()
    for key, pair in on_duckdb.items():
        assert on_spark_pairs[key].gammas == pair.gammas, key
        assert on_spark_pairs[key].match_weight == pytest.approx(pair.match_weight, abs=1e-9), key
        assert on_spark_pairs[key].match_probability == pytest.approx(
            pair.match_probability, abs=1e-12
        ), key


def test_spark_jaro_winkler_is_duckdbs(spark: Any) -> None:
    """Names where Splink's Scala Jaro-Winkler and DuckDB's disagree score alike here."""
    import duckdb

    from sejahtera.linkage import spec

    names = [
        ("muhamad", "mohamad"),
        ("siti aminah", "siti aminnah"),
        ("dwi", "dewi"),
        ("ahmad", "achmad"),
        ("abc", None),
        ("", "x"),
        ("nurul hidayah", "hidayah nurul"),
    ]
    frame = spark.createDataFrame(names, "a string, b string")
    frame.createOrReplaceTempView("names")
    query = f"SELECT {spec.SPARK_JARO_WINKLER}(a, b) FROM names"  # noqa: S608
    got = [r[0] for r in spark.sql(query).collect()]
    want = [
        duckdb.execute("SELECT jaro_winkler_similarity($a, $b)", {"a": a, "b": b}).fetchone()
        for a, b in names
    ]
    expected = [row[0] if row else None for row in want]
    assert [g is None for g in got] == [e is None for e in expected]
    assert [g for g in got if g is not None] == pytest.approx(
        [e for e in expected if e is not None], abs=1e-12
    )


@pytest.mark.django_db
def test_the_duplicate_search_runs_on_spark(spark: Any) -> None:
    """`sejahtera linkage duplicates --engine spark` stores the same candidate pairs with
    the same weights as the DuckDB run with the same model."""
    from io import StringIO

    from django.core.management import call_command

    from sejahtera.linkage.models import CandidatePair
    from tests.linkage.conftest import save_synthetic

    saved = save_synthetic()

    def pairs() -> dict[tuple[int, int], float]:
        return {(p.person_a_id, p.person_b_id): p.match_weight for p in CandidatePair.objects.all()}

    call_command("linkage", "duplicates", stdout=StringIO())
    on_duckdb = pairs()
    assert len(on_duckdb.keys() & saved.truth_pks) >= 0.9 * len(saved.truth_pks)
    out = StringIO()
    call_command("linkage", "duplicates", "--keep-model", "--engine", "spark", stdout=out)
    assert "pasangan calon data ganda" in out.getvalue()
    on_spark = pairs()
    assert on_spark.keys() == on_duckdb.keys()
    for key, weight in on_duckdb.items():
        assert on_spark[key] == pytest.approx(weight, abs=1e-9), key
