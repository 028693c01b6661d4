"""The shape of the district-wide statement, which decides its speed at 1.1 million persons
(see bench/RESULTS.md): criteria on the current membership, and the KK side of negated
"receives" criteria, share one EXISTS over the memberships instead of one scan each; the
KK size is counted per KK, not for every KK of the district; PostgreSQL's JIT is off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from sejahtera.programs.criteria import Context, eligible_base, parse

CTX = Context(as_of=dt.date(2026, 6, 15))


def _sql(rule: dict[str, object]) -> str:
    return str(eligible_base().filter(parse(rule).q(CTX)).query)


def _membership_scans(sql: str) -> int:
    return len(re.findall(r'FROM "registry_membership"', sql))


def test_negated_receives_join_the_membership_exists() -> None:
    rule = {
        "all": [
            {"type": "in_dtks"},
            {"not": {"type": "receives", "programme": "PKH"}},
            {"not": {"type": "receives", "programme": "SEMBAKO"}},
        ]
    }
    # One EXISTS over the memberships (DTKS + the two programmes' KK side), where each
    # criterion alone would scan them again.
    assert _membership_scans(_sql(rule)) == 1
    assert _membership_scans(_sql({"not": {"type": "receives", "programme": "PKH"}})) == 1


def test_without_a_membership_criterion_the_negation_stays_whole() -> None:
    # No criterion asks for a current membership: a person without one must still qualify,
    # so the KK side cannot move into a membership EXISTS.
    rule = {"all": [{"type": "age", "min": 60}, {"not": {"type": "receives", "programme": "PKH"}}]}
    sql = _sql(rule)
    assert _membership_scans(sql) == 1
    assert "NOT (EXISTS" in sql


def test_household_size_is_counted_per_household() -> None:
    sql = _sql({"all": [{"type": "in_dtks"}, {"type": "household_size", "max": 1}]})
    assert "GROUP BY" in sql
    # Correlated with the outer membership's KK, not a list of every KK's size.
    assert re.search(r'U0\."household_id" = \(V0\."household_id"\)', sql), sql


@pytest.mark.django_db
def test_postgresql_jit_is_off() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_negated_or_of_receives_joins_too() -> None:
    # Permakanan POKMAS: "not (PKH or Sembako)" next to DTKS and the KK size.
    rule = {
        "all": [
            {"type": "in_dtks"},
            {
                "not": {
                    "any": [
                        {"type": "receives", "programme": "PKH"},
                        {"type": "receives", "programme": "SEMBAKO"},
                    ]
                }
            },
            {"type": "household_size", "max": 1},
        ]
    }
    assert _membership_scans(_sql(rule)) == 2  # the EXISTS, and the KK size inside it
