"""The demo data: events in the demo desa with victims (mostly registry persons, some
provisional), meals, a kitchen, warehouse movements that never go negative, TAGANA
deployments only when there are TAGANA partners; loaded once."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from sejahtera.disasters import demo
from sejahtera.disasters.models import (
    Deployment,
    Event,
    KitchenDay,
    Phase,
    StockItem,
    Victim,
    VictimAid,
)
from sejahtera.disasters.summary import MET, meal_status
from sejahtera.disasters.victims import reconcile_victims
from sejahtera.disasters.warehouse import balance
from tests.disasters.factories import tagana
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)


def _population() -> None:
    for place in demo._demo_desa():
        for n in range(40):
            PersonFactory(
                desa_id=place.code, birth_date=dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 27)
            )


def test_demo_without_tagana_partners() -> None:
    _population()
    out = io.StringIO()
    demo.load(stdout=out, today=TODAY)
    assert "0 penugasan TAGANA" in out.getvalue()
    flood = Event.objects.get(phase=Phase.RECOVERY)
    slide = Event.objects.get(phase=Phase.EMERGENCY)
    victims = Victim.objects.filter(event=flood)
    assert victims.filter(person__isnull=False).count() == 60
    assert 3 <= victims.filter(person__isnull=True).count() <= 4
    assert KitchenDay.objects.count() == 10 and not Deployment.objects.exists()
    status = meal_status(victims, today=TODAY)
    assert status and list(status.values()).count(MET) > len(status) / 2
    assert all(balance(item) >= 0 for item in StockItem.objects.all())
    # No one got more than three meals a day.
    for victim in Victim.objects.all():
        per_day: dict[dt.date, int] = {}
        for aid in VictimAid.objects.filter(victim=victim, kind="makan"):
            per_day[aid.date] = per_day.get(aid.date, 0) + aid.quantity
        assert all(total <= 3 for total in per_day.values())
    assert reconcile_victims(actor=None, event=flood).linked >= 1
    assert slide.victims.exists()
    again = io.StringIO()
    demo.load(stdout=again, today=TODAY)
    assert "sudah ada" in again.getvalue() and Event.objects.count() == 2


def test_demo_deploys_tagana_partners_when_there_are_some() -> None:
    _population()
    for _i in range(5):
        tagana()
    tagana(active=False)
    demo.load(stdout=io.StringIO(), today=TODAY)
    assert Deployment.objects.count() == 5
    assert not Deployment.objects.filter(partner__active=False).exists()
