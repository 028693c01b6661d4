"""Planner statistics after a bulk load (`common.db.refresh_statistics`, run by the demo
and the population generator): without them SQLite picked an index that made a programme's
count take 82 s on the demo database."""

from __future__ import annotations

import pytest
from django.db import connection

from sejahtera.common.db import refresh_statistics
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _statistics_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0] == 0:
                return 0
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_person'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'registry_person'")
        return int(cursor.fetchone()[0])


def test_statistics_exist_after_refresh() -> None:
    PersonFactory.create_batch(5)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'registry_person'")
    assert _statistics_rows() == 0 or connection.vendor != "sqlite"
    refresh_statistics()
    assert _statistics_rows() > 0
