"""The household page's programme list: the members' ids go into the query as a list, so
PostgreSQL can combine the person and household indexes (with a subquery inside the OR it
scanned every participation row: 1.4 s at 1.1 million persons, see bench/RESULTS.md)."""

from __future__ import annotations

import pytest

from sejahtera.registry.selectors import participations_of
from tests.registry.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_participations_of_a_household_query_has_no_subquery() -> None:
    household = HouseholdFactory()
    sql = str(participations_of(household=household).query)
    assert sql.count("SELECT") == 1, sql
