"""Merging the staging table into the registry, inside the import's transaction.

Households, persons, memberships and programme participation are merged with one INSERT …
SELECT or UPDATE … FROM each, touching only what differs, so importing the same file again
changes nothing.

A load that at least doubles the registry (a district's first import) runs in pg_restore's
order on PostgreSQL: the registry tables' secondary indexes and the foreign keys between them
are set aside, the rows go in, then each index is built in one sort and each foreign key is
checked with one join. Maintaining the person table's seven indexes row by row and checking
the foreign keys between the registry tables row by row at COMMIT took most of the merge
(measured in bench/RESULTS.md). The tables stay
locked until the import commits; the foreign keys to the areas table are kept (setting them
aside would lock the areas table, which every page reads).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.registry.imports.report import ImportReport
from sejahtera.registry.models import Household, Membership, Participation, Person

STAGE = "registry_import_stage"
NEW = "registry_import_new"
NEW_PERSONS = "registry_import_new_persons"

# File field → (model field, staging column) for the fields a mapping may leave out.
HOUSEHOLD_FIELDS = {
    "dusun": "dusun",
    "rt": "rt",
    "rw": "rw",
    "alamat": "street",
    "status_dtks": "in_dtks",
    "desil": "desil",
    "periode_data": "data_period",
}
PERSON_FIELDS = {
    "tempat_lahir": "birth_place",
    "nama_ibu_kandung": "mother_name",
    "status_kawin": "marital_status",
    "pendidikan": "education",
    "pekerjaan": "occupation",
    "jenis_disabilitas": "disability_type",
    "tingkat_disabilitas": "disability_severity",
}
PROGRAMMES = (
    ("peserta_pkh", "pkh", "PKH", "household"),
    ("peserta_sembako", "sembako", "SEMBAKO", "household"),
    ("peserta_pbi_jk", "pbi_jk", "PBI_JK", "person"),
)
REGISTRY_TABLES = tuple(m._meta.db_table for m in (Household, Person, Membership, Participation))


class Sql:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def run(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        self.cursor.execute(sql, params)
        return max(0, self.cursor.rowcount or 0)

    def new_rows(self, select: str, table: str = NEW) -> None:
        """Materialise `select` (no parameters) as a temporary table (NEW). Inserts read from
        it rather than running NOT EXISTS over the table they fill: PostgreSQL would rescan
        the rows the statement itself adds, once per row (quadratic on a large import)."""
        self.run(f"DROP TABLE IF EXISTS {table}")
        self.run(f"CREATE TEMPORARY TABLE {table} AS {select}")

    def rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())

    def value(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]


def analyze(sql: Sql, table: str) -> None:
    """Fresh planner statistics (PostgreSQL never auto-analyzes a temporary table, and a
    registry table that just grew from empty would otherwise be planned as empty; SQLite
    never gathers statistics by itself)."""
    sql.run(f"ANALYZE {table}")


def column_defaults(model: type[Model], given: set[str]) -> dict[str, Any]:
    """Column → default value for the model's concrete columns not in `given` (the INSERT
    must name every NOT NULL column: Django defaults live in Python, not in the database)."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        # get_default() gives the field's default, or "" for a text field without one.
        value = f.get_default()
        out[f.column] = None if value is None else f.get_db_prep_save(value, connection)
    return out


@dataclass
class SetAside:
    """What a bulk load dropped and must put back: index definitions, and foreign keys as
    (table, name, definition)."""

    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


def wants_bulk_load(sql: Sql) -> bool:
    """Whether the file adds (NEW_PERSONS) at least `IMPORT_BULK_ROWS` persons and at least
    as many as the registry holds (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return False
    existing = sql.value(f"SELECT COUNT(*) FROM {Person._meta.db_table}")
    incoming = sql.value(f"SELECT COUNT(*) FROM {NEW_PERSONS}")
    return bool(incoming >= max(settings.IMPORT_BULK_ROWS, existing))


def set_aside(sql: Sql) -> SetAside:
    """Drop the registry tables' secondary indexes (not the primary keys, nor an index that
    backs a constraint) and the foreign keys between them; return how to rebuild them."""
    # PostgreSQL refuses to change or index a table with foreign-key checks still pending:
    # from here on they run at the end of each statement instead of at COMMIT.
    sql.run("SET CONSTRAINTS ALL IMMEDIATE")
    tables = list(REGISTRY_TABLES)
    aside = SetAside()
    for table, name, definition in sql.rows(
        "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k WHERE k.contype = 'f' "
        "AND k.conrelid::regclass::text = ANY(%s) AND k.confrelid::regclass::text = ANY(%s) "
        "ORDER BY 1, 2",
        [tables, tables],
    ):
        aside.foreign_keys.append((table, name, definition))
        sql.run(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, definition in sql.rows(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
        "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) ORDER BY 1",
        [tables],
    ):
        aside.indexes.append(definition)
        sql.run(f"DROP INDEX {connection.ops.quote_name(name)}")
    return aside


def put_back(sql: Sql, aside: SetAside) -> None:
    """Build each index in one pass and check each foreign key with one join."""
    sql.run("SET LOCAL maintenance_work_mem = '256MB'")
    for definition in aside.indexes:
        sql.run(definition)
    for table, name, definition in aside.foreign_keys:
        sql.run(
            f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        )
    for table in REGISTRY_TABLES:
        analyze(sql, table)


def merge(sql: Sql, *, mapped: set[str], report: ImportReport, today: dt.date) -> None:
    """Merge the staging table into the registry; `report` gets the counts. Runs inside the
    caller's transaction."""
    if connection.vendor == "postgresql":
        # The sorts and hash joins over a district's file fit in memory (for this transaction).
        sql.run("SET LOCAL work_mem = '128MB'")
    person_table = Person._meta.db_table
    sql.new_rows(
        f"SELECT s.nik AS nik FROM {STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {person_table} p WHERE p.nik = s.nik)",
        NEW_PERSONS,
    )
    report.bulk_load = wants_bulk_load(sql)
    aside = set_aside(sql) if report.bulk_load else None
    # Rows go in in the order of the tables' indexes on the desa (and name), so each index
    # grows at a few places instead of at random pages (the person insert at 1.1 million rows
    # spent most of its time there); without indexes, in any order.
    hh_order, person_order, member_order = (
        ("", "", "")
        if report.bulk_load
        else ("ORDER BY s.desa, s.kk", "ORDER BY s.desa, s.name", "ORDER BY person_id")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value(today)
    hh_table = Household._meta.db_table
    member_table = Membership._meta.db_table
    part_table = Participation._meta.db_table
    # One staging row per KK carries the household's fields: the head's row, else its first.
    first = f"(SELECT s.* FROM {STAGE} s JOIN (SELECT kk, COALESCE(MIN(CASE WHEN relation = 'kepala' THEN row_no END), MIN(row_no)) AS r FROM {STAGE} GROUP BY kk) f ON s.row_no = f.r)"

    hh_model_cols = {"desa_id": "desa"} | {c: c for k, c in HOUSEHOLD_FIELDS.items() if k in mapped}
    defaults = column_defaults(Household, {"kk_number", "created_at", "updated_at", *hh_model_cols})
    cols = ["kk_number", *hh_model_cols, "created_at", "updated_at", *defaults]
    select = [
        "s.kk",
        *(f"s.{c}" for c in hh_model_cols.values()),
        "%s",
        "%s",
        *(["%s"] * len(defaults)),
    ]
    sql.new_rows(
        f"SELECT DISTINCT s.kk AS kk FROM {STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {hh_table} h WHERE h.kk_number = s.kk)"
    )
    report.households_created = sql.run(
        f"INSERT INTO {hh_table} ({', '.join(cols)}) SELECT {', '.join(select)} FROM {first} s "
        f"JOIN {NEW} n ON n.kk = s.kk {hh_order}",
        [now, now, *defaults.values()],
    )
    analyze(sql, hh_table)
    differs = " OR ".join(
        f"{hh_table}.{m} IS DISTINCT FROM s.{c}" for m, c in hh_model_cols.items()
    )
    sets = ", ".join(f"{m} = s.{c}" for m, c in hh_model_cols.items())
    report.households_updated = sql.run(
        f"UPDATE {hh_table} SET {sets}, updated_at = %s FROM {first} s "
        f"WHERE {hh_table}.kk_number = s.kk AND created_at <> %s AND ({differs})",
        [now, now],
    )

    p_cols = {
        "name": "name",
        "name_key": "name_key",
        "birth_date": "birth_date",
        "sex": "sex",
        "desa_id": "desa",
    }
    p_cols |= {c: c for k, c in PERSON_FIELDS.items() if k in mapped}
    defaults = column_defaults(Person, {"nik", "created_at", "updated_at", *p_cols})
    cols = ["nik", *p_cols, "created_at", "updated_at", *defaults]
    select = ["s.nik", *(f"s.{c}" for c in p_cols.values()), "%s", "%s", *(["%s"] * len(defaults))]
    report.persons_created = sql.run(
        f"INSERT INTO {person_table} ({', '.join(cols)}) SELECT {', '.join(select)} FROM {STAGE} s "
        f"JOIN {NEW_PERSONS} n ON n.nik = s.nik {person_order}",
        [now, now, *defaults.values()],
    )
    analyze(sql, person_table)
    differs = " OR ".join(f"{person_table}.{m} IS DISTINCT FROM s.{c}" for m, c in p_cols.items())
    sets = ", ".join(f"{m} = s.{c}" for m, c in p_cols.items())
    report.persons_updated = sql.run(
        f"UPDATE {person_table} SET {sets}, updated_at = %s FROM {STAGE} s "
        f"WHERE {person_table}.nik = s.nik AND created_at <> %s AND ({differs})",
        [now, now],
    )

    links = (
        f"SELECT p.id AS person_id, h.id AS household_id, s.relation FROM {STAGE} s "
        f"JOIN {person_table} p ON p.nik = s.nik JOIN {hh_table} h ON h.kk_number = s.kk"
    )
    # A join, not a correlated EXISTS over the links (12.9 s → a hash join on a re-import of
    # 1.1 million rows); a NIK is in the file once (whole-file check), so one link per person.
    report.memberships_ended = sql.run(
        f"UPDATE {member_table} SET end_date = %s, end_reason = %s FROM ({links}) l "
        f"WHERE {member_table}.end_date IS NULL AND l.person_id = {member_table}.person_id "
        f"AND (l.household_id <> {member_table}.household_id OR l.relation <> {member_table}.relation)",
        [day, _("Impor daftar: pindah KK atau berubah hubungan keluarga")],
    )
    sql.new_rows(
        f"SELECT l.person_id, l.household_id, l.relation FROM ({links}) l WHERE NOT EXISTS "
        f"(SELECT 1 FROM {member_table} m WHERE m.person_id = l.person_id AND m.end_date IS NULL)"
    )
    report.memberships_started = sql.run(
        f"INSERT INTO {member_table} (person_id, household_id, relation, start_date, end_date, end_reason) "
        f"SELECT person_id, household_id, relation, %s, NULL, '' FROM {NEW} {member_order}",
        [day],
    )

    for key, column, programme, subject in PROGRAMMES:
        if key not in mapped:
            continue
        # `programme` and `column` are constants of this module, never user input.
        if subject == "household":
            sql.new_rows(
                f"SELECT DISTINCT h.id AS household_id, s.period_start FROM {STAGE} s "
                f"JOIN {hh_table} h ON h.kk_number = s.kk WHERE s.{column} "
                f"AND NOT EXISTS (SELECT 1 FROM {part_table} x WHERE x.programme = '{programme}' "
                f"AND x.household_id = h.id AND x.period_start = s.period_start)"
            )
            target = "NULL, household_id"
        else:
            sql.new_rows(
                f"SELECT DISTINCT p.id AS person_id, s.period_start FROM {STAGE} s "
                f"JOIN {person_table} p ON p.nik = s.nik WHERE s.{column} "
                f"AND NOT EXISTS (SELECT 1 FROM {part_table} x WHERE x.programme = '{programme}' "
                f"AND x.person_id = p.id AND x.period_start = s.period_start)"
            )
            target = "person_id, NULL"
        report.participations_created += sql.run(
            f"INSERT INTO {part_table} (programme, person_id, household_id, period_start, period_end, source) "
            f"SELECT %s, {target}, period_start, NULL, %s FROM {NEW}",
            [programme, _("impor daftar")],
        )
    sql.run(f"DROP TABLE IF EXISTS {NEW}")
    sql.run(f"DROP TABLE IF EXISTS {NEW_PERSONS}")
    if aside is not None:
        put_back(sql, aside)
