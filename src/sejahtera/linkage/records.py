"""Persons read out of the registry as linkage records.

One query, streamed (a server-side cursor on PostgreSQL, chunked fetches on SQLite): each
living, unmerged person of an area with the KK, street and RT/RW of their current household.
The rows become `spec.features` records and then Arrow record batches that DuckDB reads
without copying."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
from django.db.models import FilteredRelation, Q, QuerySet

from sejahtera.accounts.scoping import area_q
from sejahtera.linkage import spec
from sejahtera.registry.models import Person

BATCH = 50_000
SCHEMA = pa.schema(
    [
        (
            name,
            {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DATE": pa.date32()}.get(
                kind, pa.string()
            ),
        )
        for name, kind in spec.COLUMNS
    ]
)
FIELDS = (
    "pk",
    "name",
    "birth_date",
    "sex",
    "nik",
    "mother_name",
    "desa_id",
    "birth_place",
    "current__household__kk_number",
    "current__household__street",
    "current__household__rt",
    "current__household__rw",
)


def persons(area_code: str) -> QuerySet[Person]:
    """The persons a run covers: in the area, not merged into another record."""
    return Person.objects.filter(area_q("desa__code", area_code), merged_into__isnull=True)


def with_household(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.annotate(
        current=FilteredRelation("memberships", condition=Q(memberships__end_date__isnull=True))
    )


def record_of(row: tuple[Any, ...]) -> spec.Record:
    pk, name, born, sex, nik, mother, desa, place, kk, street, rt, rw = row
    return spec.features(
        unique_id=pk,
        name=name,
        birth_date=born,
        sex=sex,
        nik=nik,
        mother_name=mother,
        kk_number=kk,
        desa_code=desa,
        street=street,
        rt=rt,
        rw=rw,
        birth_place=place,
    )


def registry_records(queryset: QuerySet[Person]) -> Iterator[spec.Record]:
    """Stream the queryset's persons as linkage records (one query)."""
    rows = with_household(queryset).order_by().values_list(*FIELDS)
    for row in rows.iterator(chunk_size=10_000):
        yield record_of(row)


def to_batches(
    records: Iterable[spec.Record], progress: Callable[[int], None] | None = None
) -> Iterator[pa.RecordBatch]:
    columns: dict[str, list[Any]] = {name: [] for name in spec.COLUMN_NAMES}
    count = 0
    for record in records:
        for name, values in columns.items():
            values.append(record[name])
        count += 1
        if count % BATCH == 0:
            yield pa.RecordBatch.from_pydict(columns, schema=SCHEMA)
            columns = {name: [] for name in spec.COLUMN_NAMES}
            if progress is not None:
                progress(count)
    if columns["unique_id"]:
        yield pa.RecordBatch.from_pydict(columns, schema=SCHEMA)
    if progress is not None:
        progress(count)


def to_table(
    records: Iterable[spec.Record], progress: Callable[[int], None] | None = None
) -> pa.Table:
    return pa.Table.from_batches(list(to_batches(records, progress)), schema=SCHEMA)
