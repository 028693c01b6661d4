"""The disaster indicators: IKK 5 and the Program Penanganan Bencana indicators, named as the
Renstra names them, computed for a period and scoped to the user's areas; listed on the
indicator page with the other apps' results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.test import Client

from sejahtera.common.indicators import all_results
from sejahtera.disasters import events, indicators
from sejahtera.disasters.models import AidKind, Condition, Phase, Victim
from sejahtera.disasters.victims import add_victim, record_aid, record_daily_aid
from tests.conftest import DESA_A, DESA_A2
from tests.disasters.factories import TODAY, day, desa_operator, make_event, office
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db
RENSTRA = Path(__file__).resolve().parents[2] / "data" / "renstra" / "2025-2029"
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_names_are_the_renstra_names() -> None:
    t432 = yaml.safe_load((RENSTRA / "t432-1.06.05-07.yaml").read_text(encoding="utf-8"))
    names = {i["name"] for row in t432["rows"] for i in row.get("indicators") or []}
    t46 = yaml.safe_load((RENSTRA / "t46-ikk.yaml").read_text(encoding="utf-8"))
    ikk = {row["number"]: row["name"] for row in t46["rows"]}
    results = indicators.compute(start=MARCH[0], end=MARCH[1], today=TODAY)
    for result in results:
        if result.target["kind"] == "plan":
            assert result.target["name"] in names and result.name == result.target["name"]
        else:
            assert ikk[result.target["number"]] == result.name
    assert {r.key for r in results} == {
        "ikk_bencana",
        "bencana_permakanan",
        "bencana_sandang",
        "bencana_psikososial",
        "bencana_kebutuhan_dasar",
    }


def _scene() -> dict[str, object]:
    event = make_event()
    person = PersonFactory(desa_id=DESA_A)
    fed = add_victim(actor=None, event=event, person=person, displaced=True)
    half = add_victim(actor=None, event=event, name="Setengah", desa_code=DESA_A, displaced=True)
    after = add_victim(actor=None, event=event, name="Sesudah", desa_code=DESA_A2)
    add_victim(actor=None, event=event, name="Tanpa Bantuan", desa_code=DESA_A2)
    add_victim(actor=None, event=event, name="Wafat", desa_code=DESA_A, condition=Condition.DEAD)
    events.set_phase(actor=None, event=event, phase=Phase.RECOVERY, on=day(3), today=TODAY)
    for n in range(3):  # the emergency: days 0-2
        for _meal in range(3):
            record_daily_aid(
                actor=None, event=event, date=day(n), kind=AidKind.MEALS, victims=[fed], today=TODAY
            )
        record_aid(actor=None, victim=half, date=day(n), kind=AidKind.MEALS, today=TODAY)
    record_aid(actor=None, victim=after, date=day(5), kind=AidKind.CLOTHING, today=TODAY)
    record_aid(actor=None, victim=fed, date=day(5), kind=AidKind.KIT, today=TODAY)
    record_aid(
        actor=None, victim=half, date=day(6), kind=AidKind.PSYCHOSOCIAL, quantity=2, today=TODAY
    )
    # The same person a victim of a second event in the period: one person.
    other = make_event(name="Banjir Susulan", desa=(DESA_A,), started_on=day(6))
    again = add_victim(actor=None, event=other, person=person)
    record_aid(actor=None, victim=again, date=day(7), kind=AidKind.KIT, today=TODAY)
    return {"event": event, "person": person}


def test_values_for_a_period() -> None:
    _scene()
    results = {r.key: r for r in indicators.compute(start=MARCH[0], end=MARCH[1], today=TODAY)}
    assert results["ikk_bencana"].value == Decimal(3)  # fed (twice, once counted), half, after
    assert results["bencana_permakanan"].value == Decimal(1)
    assert results["bencana_sandang"].value == Decimal(2)
    assert results["bencana_psikososial"].value == Decimal(1)
    share = results["bencana_kebutuhan_dasar"]
    # Survivors: fed, half, after, without aid (4 persons; the dead not counted): met are fed
    # (three meals every emergency day) and after (clothing, not displaced).
    assert (share.numerator, share.denominator, share.value) == (2, 4, Decimal("50.00"))
    assert share.written == "50.00%" and results["ikk_bencana"].written == "3"
    april = {
        r.key: r
        for r in indicators.compute(
            start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), today=TODAY
        )
    }
    # In April the events are still under way (recovery) and nobody was aided then.
    assert april["ikk_bencana"].value == 0 and april["bencana_kebutuhan_dasar"].value == 0
    assert april["bencana_kebutuhan_dasar"].denominator == 4
    before = indicators.compute(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), today=TODAY)
    assert {r.key: r.value for r in before}["bencana_kebutuhan_dasar"] is None


def test_scoped_to_the_user() -> None:
    _scene()
    a2 = desa_operator(DESA_A2)
    results = {
        r.key: r for r in indicators.compute(start=MARCH[0], end=MARCH[1], user=a2, today=TODAY)
    }
    assert results["ikk_bencana"].value == 1 and results["bencana_permakanan"].value == 0
    assert (
        results["bencana_kebutuhan_dasar"].numerator,
        results["bencana_kebutuhan_dasar"].denominator,
    ) == (1, 2)


def test_listed_on_the_indicator_page(client: Client) -> None:
    _scene()
    assert {"ikk_bencana", "bencana_permakanan"} <= {
        r.key for r in all_results(start=MARCH[0], end=MARCH[1])
    }
    client.force_login(office())
    page = client.get(
        "/program/indikator/", {"dari": "2026-03-01", "sampai": "2026-03-31"}
    ).content.decode()
    assert "Permakanan 3x1 Hari" in page and "Paska Bencana" in page


def _names(key: str, user: object = None) -> list[str]:
    rows = indicators.counted(key, start=MARCH[0], end=MARCH[1], user=user, today=TODAY)
    assert rows is not None
    return sorted(row.name for row in rows[0 : rows.count()])


def test_drill_down_lists_each_person_counted_once() -> None:
    """Each result's drill-down is the persons its number counts: a registry person with two
    victim records (two events) once, provisional victims each; the same in a user's area."""
    scene = _scene()

    def fed_victim_name() -> str:
        return Victim.objects.filter(person=scene["person"]).order_by("pk").first().name  # type: ignore[union-attr]

    results = {r.key: r for r in indicators.compute(start=MARCH[0], end=MARCH[1], today=TODAY)}
    for key, result in results.items():
        rows = indicators.counted(key, start=MARCH[0], end=MARCH[1], user=None, today=TODAY)
        assert rows is not None and result.drill_down
        assert rows.count() == result.numerator, key
    person = str(fed_victim_name())
    assert _names("ikk_bencana") == sorted([person, "Setengah", "Sesudah"])
    assert _names("bencana_permakanan") == [person]
    assert _names("bencana_sandang") == sorted([person, "Sesudah"])
    assert _names("bencana_psikososial") == ["Setengah"]
    assert _names("bencana_kebutuhan_dasar") == sorted([person, "Sesudah"])
    assert _names("ikk_bencana", desa_operator(DESA_A2)) == ["Sesudah"]
    assert indicators.counted("tidak-ada", start=MARCH[0], end=MARCH[1], user=None) is None


def test_drill_down_on_the_indicator_page(client: Client) -> None:
    _scene()
    client.force_login(office())
    period = {"dari": "2026-03-01", "sampai": "2026-03-31"}
    page = client.get("/program/indikator/", {**period, "rinci": "ikk_bencana"}).content.decode()
    assert "Yang dihitung" in page and "Sesudah" in page and "Setengah" in page
    assert "Tanpa Bantuan" not in page
    # Results that list nothing have no drill-down (not an empty list).
    assert client.get("/program/indikator/", {**period, "rinci": "tmp_upacara"}).status_code == 404
    assert client.get("/program/indikator/", {**period, "rinci": "bukan"}).status_code == 404
