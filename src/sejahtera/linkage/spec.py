"""The linkage model's definition, once: what is compared and how, as DuckDB SQL for Splink
and as Python for scoring one record at entry time.

A person is first turned into a flat record of features (`features`): the linkage name and
its sound key, the birth date, the NIK and its first twelve digits (region, birth date, sex),
the mother's name, the KK number and the address of the current household. Each
`Comparison` lists its levels from the most to the least alike; a level carries its SQL
condition (on `<column>_l`/`<column>_r`) and a Python test of the same condition.
`tests/linkage/test_spec.py` checks that both give the same level for generated pairs, and
that the Python score equals Splink's match weight.

The model's parameters (m and u of every level, the prior) are learnt by Splink from the
registry itself and stored as JSON in `LinkageModel`; `score` applies them in Python."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

from sejahtera.linkage.compare import adjacent_swap, day_month_swapped, hamming
from sejahtera.linkage.names import link_name, name_sound

Record = dict[str, Any]

# Feature columns and their DuckDB types, in table order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("unique_id", "BIGINT"),
    ("name", "VARCHAR"),
    ("name_sound", "VARCHAR"),
    ("dob", "DATE"),
    ("dob_text", "VARCHAR"),
    ("birth_year", "INTEGER"),
    ("sex", "VARCHAR"),
    ("nik", "VARCHAR"),
    ("nik_prefix", "VARCHAR"),
    ("nik_rs", "VARCHAR"),
    ("mother", "VARCHAR"),
    ("kk", "VARCHAR"),
    ("desa", "VARCHAR"),
    ("kecamatan", "VARCHAR"),
    ("street", "VARCHAR"),
    ("rt_rw", "VARCHAR"),
    ("birth_place", "VARCHAR"),
)
COLUMN_NAMES = tuple(name for name, _type in COLUMNS)
# On Spark, Jaro-Winkler is this function (registered by linkage/spark.py from rapidfuzz, as
# DuckDB's and the one-record check's are), not Splink's Scala `jaro_winkler`, which scores
# some names differently and so would move pairs between levels.
SPARK_JARO_WINKLER = "sejahtera_jaro_winkler"

_STREET_WORDS = re.compile(r"\b(jalan|jl|jln|gang|gg|dusun|dsn|desa|ds|no|nomor|rt|rw)\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _street(value: Any) -> str | None:
    text = _NON_ALNUM.sub(" ", str(value or "").lower())
    text = " ".join(_STREET_WORDS.sub(" ", text).split())
    return text or None


def _number(value: Any) -> str:
    text = str(value or "").strip().lstrip("0")
    return text if text.isdigit() else ""


def features(
    *,
    unique_id: int,
    name: str,
    birth_date: dt.date | None,
    sex: str | None,
    nik: str | None,
    mother_name: str | None,
    kk_number: str | None,
    desa_code: str | None,
    street: str | None = None,
    rt: str | None = None,
    rw: str | None = None,
    birth_place: str | None = None,
) -> Record:
    """A person's flat record for linkage (see COLUMNS)."""
    linked = link_name(name or "")
    nik_digits = "".join(ch for ch in str(nik or "") if ch.isdigit()) or None
    full_nik = nik_digits is not None and len(nik_digits) == 16
    rt_number, rw_number = _number(rt), _number(rw)
    desa = _clean(desa_code)
    return {
        "unique_id": unique_id,
        "name": linked or None,
        "name_sound": name_sound(linked) or None,
        "dob": birth_date,
        "dob_text": birth_date.strftime("%Y%m%d") if birth_date else None,
        "birth_year": birth_date.year if birth_date else None,
        "sex": sex or None,
        "nik": nik_digits,
        "nik_prefix": nik_digits[:12] if nik_digits and full_nik else None,
        "nik_rs": nik_digits[:6] + nik_digits[12:] if nik_digits and full_nik else None,
        "mother": link_name(mother_name or "") or None,
        "kk": "".join(ch for ch in str(kk_number or "") if ch.isdigit()) or None,
        "desa": desa,
        "kecamatan": desa.rsplit(".", 1)[0] if desa and desa.count(".") == 3 else desa,
        "street": _street(street),
        "rt_rw": f"{rt_number}/{rw_number}" if rt_number or rw_number else None,
        "birth_place": link_name(birth_place or "") or None,
    }


Test = Callable[[Record, Record], bool]


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    sql: str
    test: Test | None = None  # None: the null level (tested by `null`) or the last, "else"
    null: bool = False
    fixed_m: float | None = None
    fixed_u: float | None = None
    spark: str | None = None  # Spark SQL where DuckDB's functions differ

    def sql_for(self, dialect: str = "duckdb") -> str:
        """The condition in DuckDB SQL, or in Spark SQL (identifiers in backticks)."""
        if dialect == "duckdb" or self.sql == "ELSE":
            return self.sql
        return self.spark or self.sql.replace('"', "`")

    def as_splink(self, dialect: str = "duckdb") -> dict[str, Any]:
        level: dict[str, Any] = {
            "sql_condition": self.sql_for(dialect),
            "label_for_charts": self.key,
        }
        if self.null:
            level["is_null_level"] = True
        if self.fixed_m is not None:
            level["m_probability"] = self.fixed_m
            level["fix_m_probability"] = True
        if self.fixed_u is not None:
            level["u_probability"] = self.fixed_u
            level["fix_u_probability"] = True
        return level


@dataclass(frozen=True)
class Comparison:
    key: str  # Splink's output column name
    label: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]

    def as_splink(self, dialect: str = "duckdb") -> dict[str, Any]:
        return {
            "output_column_name": self.key,
            "comparison_description": self.label,
            "comparison_levels": [level.as_splink(dialect) for level in self.levels],
        }

    def level_of(self, a: Record, b: Record) -> int:
        """Index of the first level whose condition holds (the SQL's CASE order)."""
        for index, level in enumerate(self.levels):
            if level.null:
                if any(a.get(c) is None or b.get(c) is None for c in self.columns[:1]):
                    return index
                continue
            if level.test is None or level.test(a, b):
                return index
        return len(self.levels) - 1


def _null(column: str) -> Level:
    return Level(
        "kosong", "salah satu kosong", f'"{column}_l" IS NULL OR "{column}_r" IS NULL', null=True
    )


def _else(floor: float | None = None) -> Level:
    """The last level. `floor`: the share of true duplicates that differ in this field, set
    rather than learnt. A clean registry (or a synthetic one) never shows a duplicate whose
    mother's name or sex differs, so EM would drive the share to zero and make one differing
    field a veto; real records do differ, now and then, in every field."""
    return Level("beda", "berbeda", "ELSE", fixed_m=floor)


def _exact(column: str, label: str = "sama", **kwargs: Any) -> Level:
    return Level(
        "sama",
        label,
        f'"{column}_l" = "{column}_r"',
        lambda a, b: a[column] == b[column],
        **kwargs,
    )


def _jw(column: str, threshold: float, key: str, label: str) -> Level:
    return Level(
        key,
        label,
        f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}',
        lambda a, b: JaroWinkler.similarity(a[column], b[column]) >= threshold,
        spark=f"{SPARK_JARO_WINKLER}(`{column}_l`, `{column}_r`) >= {threshold}",
    )


def _tokens_within(a: Record, b: Record) -> bool:
    left, right = set(a["name"].split()), set(b["name"].split())
    return left <= right or right <= left


def _days(a: Record, b: Record) -> int:
    return abs((a["dob"] - b["dob"]).days)


def _rs_hamming(a: Record, b: Record) -> int | None:
    if a["nik_rs"] is None or b["nik_rs"] is None:
        return None
    return hamming(a["nik_rs"], b["nik_rs"])


# `nik_rs` always has ten digits, so a Levenshtein distance of 1 is one digit wrong (the
# Hamming distance, which Spark lacks), and 2 with a Damerau-Levenshtein distance of 1 is
# two neighbouring digits swapped.
_RS_LEVENSHTEIN = 'levenshtein("nik_rs_l", "nik_rs_r")'

NAME = Comparison(
    "nama",
    "Nama",
    ("name", "name_sound"),
    (
        _null("name"),
        _exact("name", "sama persis"),
        Level(
            "sama-tanpa-spasi",
            "sama bila spasi diabaikan",
            """replace("name_l", ' ', '') = replace("name_r", ' ', '')""",
            lambda a, b: a["name"].replace(" ", "") == b["name"].replace(" ", ""),
        ),
        _jw("name", 0.92, "sangat-mirip", "sangat mirip"),
        Level(
            "bunyi-sama",
            "bunyinya sama",
            '"name_sound_l" = "name_sound_r"',
            lambda a, b: a["name_sound"] == b["name_sound"],
        ),
        Level(
            "sebagian",
            "satu nama memuat nama lain",
            """list_has_all(str_split("name_l", ' '), str_split("name_r", ' '))
            OR list_has_all(str_split("name_r", ' '), str_split("name_l", ' '))""",
            _tokens_within,
            spark="""size(array_except(split(`name_l`, ' '), split(`name_r`, ' '))) = 0
            OR size(array_except(split(`name_r`, ' '), split(`name_l`, ' '))) = 0""",
        ),
        _jw("name", 0.8, "mirip", "mirip"),
        _else(0.02),
    ),
)
BIRTH_DATE = Comparison(
    "tanggal_lahir",
    "Tanggal lahir",
    ("dob", "dob_text"),
    (
        _null("dob"),
        _exact("dob"),
        Level(
            "hari-bulan-tertukar",
            "hari dan bulan tertukar",
            """year("dob_l") = year("dob_r") AND dayofmonth("dob_l") = month("dob_r")
            AND month("dob_l") = dayofmonth("dob_r")""",
            lambda a, b: day_month_swapped(a["dob"], b["dob"]),
        ),
        Level(
            "satu-angka",
            "beda satu angka",
            'levenshtein("dob_text_l", "dob_text_r") <= 1',
            lambda a, b: Levenshtein.distance(a["dob_text"], b["dob_text"]) <= 1,
        ),
        Level(
            "sebulan",
            "selisih paling lama sebulan",
            'abs(date_diff(\'day\', "dob_l", "dob_r")) <= 31',
            lambda a, b: _days(a, b) <= 31,
            spark="abs(datediff(`dob_l`, `dob_r`)) <= 31",
        ),
        Level(
            "setahun",
            "selisih paling lama setahun",
            'abs(date_diff(\'day\', "dob_l", "dob_r")) <= 366',
            lambda a, b: _days(a, b) <= 366,
            spark="abs(datediff(`dob_l`, `dob_r`)) <= 366",
        ),
        _else(0.03),
    ),
)
NIK = Comparison(
    "nik",
    "NIK",
    ("nik", "nik_rs"),
    (
        _null("nik"),
        # NIKs are unique in the registry, so the registry never shows two records with one
        # NIK and cannot teach this level: fixed, for records checked against it.
        _exact("nik", fixed_m=0.9, fixed_u=1e-7),
        # The other levels look at the region and serial digits only (`nik_rs`): the birth
        # date and sex digits are compared as the birth date and sex fields, and persons born
        # on one day in one kecamatan have serials 0001, 0002, ... one digit apart.
        Level(
            "urut-sama",
            "wilayah dan nomor urut sama, tanggal lahir di NIK beda",
            '"nik_rs_l" = "nik_rs_r"',
            lambda a, b: a["nik_rs"] is not None and a["nik_rs"] == b["nik_rs"],
        ),
        Level(
            "satu-angka",
            "wilayah dan nomor urut beda satu angka",
            f"{_RS_LEVENSHTEIN} = 1",
            lambda a, b: _rs_hamming(a, b) == 1,
        ),
        Level(
            "tertukar",
            "dua angka bersebelahan tertukar",
            f'{_RS_LEVENSHTEIN} = 2 AND damerau_levenshtein("nik_rs_l", "nik_rs_r") = 1',
            lambda a, b: adjacent_swap(a["nik_rs"], b["nik_rs"]),
        ),
        Level(
            "wilayah-sama",
            "kecamatan di NIK sama",
            'left("nik_l", 6) = left("nik_r", 6)',
            lambda a, b: a["nik"][:6] == b["nik"][:6],
        ),
        _else(0.03),
    ),
)
MOTHER = Comparison(
    "ibu",
    "Nama ibu kandung",
    ("mother",),
    (
        _null("mother"),
        _exact("mother"),
        _jw("mother", 0.88, "mirip", "mirip"),
        _else(0.05),
    ),
)
SEX = Comparison(
    "jenis_kelamin",
    "Jenis kelamin",
    ("sex",),
    (_null("sex"), _exact("sex"), _else(0.01)),
)
KK = Comparison(
    "kk",
    "Nomor KK",
    ("kk",),
    (_null("kk"), _exact("kk"), _else()),
)
ADDRESS = Comparison(
    "alamat",
    "Alamat",
    ("desa", "kecamatan", "street", "rt_rw"),
    (
        Level(
            "sama",
            "desa, jalan dan RT/RW sama",
            '"desa_l" = "desa_r" AND "street_l" = "street_r" AND "rt_rw_l" = "rt_rw_r"',
            lambda a, b: (
                a["desa"] == b["desa"]
                and a["street"] is not None
                and a["street"] == b["street"]
                and a["rt_rw"] is not None
                and a["rt_rw"] == b["rt_rw"]
            ),
        ),
        Level(
            "rt-sama",
            "desa dan RT/RW sama",
            '"desa_l" = "desa_r" AND "rt_rw_l" = "rt_rw_r"',
            lambda a, b: (
                a["desa"] == b["desa"] and a["rt_rw"] is not None and a["rt_rw"] == b["rt_rw"]
            ),
        ),
        Level(
            "desa-sama",
            "desa sama",
            '"desa_l" = "desa_r"',
            lambda a, b: a["desa"] is not None and a["desa"] == b["desa"],
        ),
        Level(
            "kecamatan-sama",
            "kecamatan sama",
            '"kecamatan_l" = "kecamatan_r"',
            lambda a, b: a["kecamatan"] is not None and a["kecamatan"] == b["kecamatan"],
        ),
        _else(),
    ),
)
BIRTH_PLACE = Comparison(
    "tempat_lahir",
    "Tempat lahir",
    ("birth_place",),
    (_null("birth_place"), _exact("birth_place"), _else(0.05)),
)
COMPARISONS: tuple[Comparison, ...] = (NAME, BIRTH_DATE, NIK, MOTHER, SEX, KK, ADDRESS, BIRTH_PLACE)
BY_KEY = {c.key: c for c in COMPARISONS}

# Pairs compared when searching the registry for duplicates (SQL on one table, as Splink's
# blocking rules): same desa and birth year; names that sound alike; same KK; the same
# first twelve NIK digits (region, birth date, sex).
BLOCKING_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("desa", "birth_year"),
    ("name_sound",),
    ("kk",),
    ("nik_prefix",),
)
# Training: each session fixes some fields by blocking and learns the others; between them
# every comparison is learnt at least once.
TRAINING_BLOCKS: tuple[tuple[str, ...], ...] = (("name_sound", "birth_year"), ("nik_prefix",))
EM_MAX_ITERATIONS = 10
# After training no level's m is below this: one field may weigh against a pair, not veto it.
M_FLOOR = 0.001
# Pairs nearly certainly the same person, to estimate how many duplicates there are.
DETERMINISTIC_RULES = (
    'l."nik_prefix" = r."nik_prefix" AND l."name" = r."name"',
    'l."name" = r."name" AND l."dob" = r."dob" AND l."desa" = r."desa"',
)
DETERMINISTIC_RECALL = 0.8


def settings_dict(dialect: str = "duckdb") -> dict[str, Any]:
    """Splink settings (without trained parameters), in DuckDB's or Spark's SQL."""
    from splink import block_on

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [c.as_splink(dialect) for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": [
            block_on(*columns).get_blocking_rule(dialect).blocking_rule_sql
            for columns in BLOCKING_COLUMNS
        ],
        "max_iterations": EM_MAX_ITERATIONS,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


@dataclass(frozen=True)
class Parameters:
    """The trained model as numbers: the prior and each level's match weight."""

    prior_weight: float
    weights: dict[str, list[float | None]]  # comparison key → weight per level (None: null)

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> Parameters:
        prior = float(model["probability_two_random_records_match"])
        weights: dict[str, list[float | None]] = {}
        for comparison in model["comparisons"]:
            levels: list[float | None] = []
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    levels.append(None)
                    continue
                m = level.get("m_probability")
                u = level.get("u_probability")
                levels.append(math.log2(m / u) if m and u else 0.0)
            weights[comparison["output_column_name"]] = levels
        return cls(prior_weight=math.log2(prior / (1 - prior)), weights=weights)


@dataclass(frozen=True)
class Scored:
    match_weight: float
    match_probability: float
    levels: dict[str, dict[str, Any]]  # comparison key → {"level", "label", "weight"}


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0**weight
    return odds / (1 + odds)


def explain(parameters: Parameters, gammas: dict[str, int]) -> Scored:
    """The score and explanation of one pair from its level index per comparison."""
    total = parameters.prior_weight
    levels: dict[str, dict[str, Any]] = {}
    for comparison in COMPARISONS:
        index = gammas[comparison.key]
        level = comparison.levels[index]
        weight = parameters.weights[comparison.key][index]
        total += weight or 0.0
        levels[comparison.key] = {
            "level": level.key,
            "label": level.label,
            "weight": None if weight is None else round(weight, 3),
        }
    return Scored(match_weight=total, match_probability=probability(total), levels=levels)


def score(parameters: Parameters, a: Record, b: Record) -> Scored:
    """Score a pair of records in Python, as Splink would."""
    return explain(parameters, {c.key: c.level_of(a, b) for c in COMPARISONS})


def gamma_to_index(comparison: Comparison, gamma: int) -> int:
    """Splink's comparison vector value → level index (null is -1, else is 0, the most
    alike level the highest)."""
    if gamma == -1:
        return next(i for i, level in enumerate(comparison.levels) if level.null)
    non_null = [i for i, level in enumerate(comparison.levels) if not level.null]
    return non_null[len(non_null) - 1 - gamma]


_KK_SAME = next(i for i, level in enumerate(KK.levels) if level.key == "sama")
_NAME_SOUND = next(i for i, level in enumerate(NAME.levels) if level.key == "bunyi-sama")


def siblings(gammas: dict[str, int]) -> bool:
    """Two members of one KK whose names are not nearly the same: twins or siblings born on
    one day share a KK, an address, a birth date, NIKs one serial apart and often a mother,
    all evidence the model (which takes the fields as independent) counts for them. A
    duplicate inside one KK carries nearly the same name (the same linkage name, or
    Jaro-Winkler 0.92 or more); names only alike in sound (Hasan and Husen) are twins' names.
    Such pairs are not proposed."""
    return gammas[KK.key] == _KK_SAME and gammas[NAME.key] >= _NAME_SOUND


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A trained model (DuckDB SQL) with its conditions and blocking rules in `dialect`:
    the same parameters, to run on another Splink backend (Spark for a province)."""
    import copy

    settings = settings_dict(dialect)
    out = copy.deepcopy(model)
    out["blocking_rules_to_generate_predictions"] = settings[
        "blocking_rules_to_generate_predictions"
    ]
    for comparison, wanted in zip(out["comparisons"], settings["comparisons"], strict=True):
        for level, target in zip(
            comparison["comparison_levels"], wanted["comparison_levels"], strict=True
        ):
            level["sql_condition"] = target["sql_condition"]
    out["sql_dialect"] = dialect
    return out


def compatible(model: dict[str, Any]) -> bool:
    """Whether a stored model was trained with these comparisons and levels (a model saved
    before the definition changed is not used: the next search trains a new one)."""
    try:
        stored = {
            c["output_column_name"]: [lv.get("label_for_charts") for lv in c["comparison_levels"]]
            for c in model["comparisons"]
        }
    except (KeyError, TypeError):
        return False
    return stored == {c.key: [lv.key for lv in c.levels] for c in COMPARISONS}
