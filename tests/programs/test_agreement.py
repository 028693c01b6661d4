"""Generated people: for every programme rule, and for rules made of every criterion type
under AND/OR/NOT, the query over the district and the explanation for each person agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sejahtera.programs.criteria import Context, eligible_base, load_subject, parse
from sejahtera.programs.models import RuleVersion
from sejahtera.registry.models import Person, PpksAssessment
from tests.programs.people import AS_OF, Profile, build

pytestmark = pytest.mark.django_db

profiles = st.builds(
    Profile,
    age=st.integers(min_value=0, max_value=95),
    sex=st.sampled_from(["L", "P"]),
    desil=st.one_of(st.none(), st.integers(min_value=1, max_value=10)),
    in_dtks=st.booleans(),
    head=st.booleans(),
    size=st.integers(min_value=1, max_value=4),
    disability=st.sampled_from(["", "ringan", "sedang", "berat"]),
    receives=st.sets(st.sampled_from(["PKH", "SEMBAKO", "PBI_JK"]), max_size=2),
    ppks=st.sets(st.sampled_from(["FAKIR_MISKIN", "LANJUT_USIA_TERLANTAR"]), max_size=1),
    desa=st.sampled_from(["35.16.01.2001", "35.16.03.2017", "31.01.01.1001"]),
    alive=st.booleans(),
)

LEAVES = [
    {"type": "in_dtks"},
    {"type": "desil_max", "max": 3},
    {"type": "age", "min": 18, "max": 59},
    {"type": "age", "min": 60},
    {"type": "sex", "sex": "P"},
    {"type": "head_of_household"},
    {"type": "household_size", "min": 2, "max": 3},
    {"type": "disability", "min_severity": "sedang"},
    {"type": "receives", "programme": "PKH"},
    {"type": "ppks", "category": "FAKIR_MISKIN"},
    {"type": "area", "codes": ["35.16"]},
]
rules = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=5,
)


def _agree(rule: Any, people: list[Profile]) -> None:
    tree = parse(rule)
    ctx = Context(as_of=AS_OF)
    with transaction.atomic():
        built = [build(p) for p in people]
        chosen = set(eligible_base().filter(tree.q(ctx)).values_list("pk", flat=True))
        for person in built:
            holds = (
                False if person.is_deceased else tree.explain(load_subject(person, ctx), ctx).holds
            )
            assert (person.pk in chosen) == (holds is not False), (rule, person.pk, holds)
        transaction.set_rollback(True)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=rules, people=st.lists(profiles, min_size=1, max_size=4))
def test_generated_rules_and_people(programmes: None, rule: Any, people: list[Profile]) -> None:
    _agree(rule, people)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(profiles, min_size=1, max_size=4))
def test_every_seed_programme_with_generated_people(
    programmes: None, people: list[Profile]
) -> None:
    for version in RuleVersion.objects.all():
        _agree(version.rule, people)


def test_ended_assessment_and_former_household_do_not_count(programmes: None) -> None:
    """History must not leak into the query: an ended PPKS assessment, and the desil of a
    KK the person has left."""
    person = build(Profile(desil=9, ppks={"FAKIR_MISKIN"}))
    PpksAssessment.objects.filter(person=person).update(ended_on=dt.date(2025, 6, 1))
    from sejahtera.registry.models import Membership
    from tests.registry.factories import HouseholdFactory

    old = HouseholdFactory(desil=1, kk_number="3516010503199999")
    Membership.objects.create(
        person=person,
        household=old,
        relation="kepala",
        start_date=dt.date(2010, 1, 1),
        end_date=dt.date(2019, 12, 31),
    )
    ctx = Context(as_of=AS_OF)
    for rule in ({"type": "ppks", "category": "FAKIR_MISKIN"}, {"type": "desil_max", "max": 4}):
        tree = parse(rule)
        assert not eligible_base().filter(tree.q(ctx), pk=person.pk).exists()
        assert tree.explain(load_subject(person, ctx), ctx).holds is False
        negated = parse({"not": rule})
        assert eligible_base().filter(negated.q(ctx), pk=person.pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()
