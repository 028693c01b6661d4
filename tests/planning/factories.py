"""A small synthetic plan for tests that do not need the seed's: one programme with one
kegiatan and one sub kegiatan, each with an indicator, targets and pagu for 2025–2030."""

from __future__ import annotations

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from sejahtera.planning.models import Budget, Indicator, IndicatorKind, Node, Plan, Target


class PlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    office = factory.LazyFunction(lambda: settings.OFFICE_NAME)
    period_start = 2025
    period_end = 2029
    last_target_year = 2030
    title = "Renstra uji"


class NodeFactory(DjangoModelFactory[Node]):
    class Meta:
        model = Node

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    level = "subkegiatan"
    code = factory.Sequence(lambda n: f"1.06.04.2.01.{n + 1:04d}")
    name = factory.Sequence(lambda n: f"Sub kegiatan uji {n}")


class IndicatorFactory(DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    plan = factory.LazyAttribute(lambda o: o.node.plan)
    node = factory.SubFactory(NodeFactory)
    kind = IndicatorKind.PLAN
    source = "4.3.2"
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Jumlah orang yang dilayani {n}")
    unit = "Orang"


def small_plan(unit_code: str | None = None) -> dict[str, object]:
    """A programme → kegiatan → sub kegiatan chain with a 100-person yearly target and a pagu
    of 1,000,000 per year on the sub kegiatan."""
    from sejahtera.accounts.models import Unit

    plan = PlanFactory()
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    programme = NodeFactory(
        plan=plan, level="program", code="1.06.04", name="PROGRAM UJI", unit=unit
    )
    kegiatan = NodeFactory(plan=plan, level="kegiatan", code="1.06.04.2.01", parent=programme)
    sub = NodeFactory(plan=plan, level="subkegiatan", code="1.06.04.2.01.0001", parent=kegiatan)
    for node in (programme, kegiatan, sub):
        node.code_key = node.code
        node.save()
    indicator = IndicatorFactory(node=sub, plan=plan)
    Target.objects.bulk_create(
        Target(indicator=indicator, year=y, written="100") for y in plan.years
    )
    Budget.objects.bulk_create(
        Budget(node=sub, year=y, amount=1_000_000, written="1,000,000") for y in plan.years
    )
    return {
        "plan": plan,
        "programme": programme,
        "kegiatan": kegiatan,
        "sub": sub,
        "indicator": indicator,
    }
