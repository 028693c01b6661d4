"""Aid per person per day: the standard of three meals a day (a fourth is refused, with the
whole batch), the daily count of who got three meals on every day of displacement in the
emergency (met) or only some (partial), and the figures of an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.audit.models import AuditEvent
from sejahtera.disasters import events, warehouse
from sejahtera.disasters.models import AidKind, Condition, Phase, Source, Victim, VictimAid
from sejahtera.disasters.summary import (
    MET,
    NONE,
    PARTIAL,
    basic_needs_met,
    displacement_windows,
    event_figures,
    meal_status,
)
from sejahtera.disasters.victims import add_victim, record_aid, record_daily_aid, remove_aid
from tests.conftest import DESA_A, DESA_A2
from tests.disasters.factories import START, TODAY, day, desa_operator, make_event, office, tagana

pytestmark = pytest.mark.django_db


def _victims(event: object, n: int, **extra: object) -> list[Victim]:
    return [
        add_victim(actor=None, event=event, name=f"Korban {i}", desa_code=DESA_A, **extra)  # type: ignore[arg-type]
        for i in range(n)
    ]


def _meals(victims: list[Victim], first: int, last: int, per_day: int = 3) -> None:
    for n in range(first, last + 1):
        for _i in range(per_day):
            record_daily_aid(
                actor=None,
                event=victims[0].event,
                date=day(n),
                kind=AidKind.MEALS,
                victims=victims,
                today=TODAY,
            )


def test_a_fourth_meal_is_refused_and_the_batch_saves_nothing() -> None:
    event = make_event()
    clerk = desa_operator(DESA_A)
    budi, sri = _victims(event, 2, displaced=True)
    record_daily_aid(
        actor=clerk, event=event, date=day(1), kind=AidKind.MEALS, victims=[budi, sri], today=TODAY
    )
    record_aid(actor=clerk, victim=budi, date=day(1), kind=AidKind.MEALS, quantity=2, today=TODAY)
    before = VictimAid.objects.count()
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_daily_aid(
            actor=clerk,
            event=event,
            date=day(1),
            kind=AidKind.MEALS,
            victims=[budi, sri],
            today=TODAY,
        )
    text = refused.value.messages[0]
    assert (
        "3x1 hari" in text
        and "Korban 0 (sudah 3 kali)" in text
        and "Tidak ada yang disimpan" in text
    )
    assert "Korban 1" not in text
    assert VictimAid.objects.count() == before and AuditEvent.objects.count() == audits
    with pytest.raises(ValidationError):  # four at once
        record_aid(
            actor=clerk, victim=sri, date=day(2), kind=AidKind.MEALS, quantity=4, today=TODAY
        )
    record_aid(actor=clerk, victim=sri, date=day(1), kind=AidKind.MEALS, quantity=2, today=TODAY)
    assert sum(sri.aid.filter(date=day(1)).values_list("quantity", flat=True)) == 3
    # Other kinds have no daily limit.
    record_aid(actor=clerk, victim=budi, date=day(1), kind=AidKind.KIT, quantity=5, today=TODAY)


def test_aid_dates_conditions_and_areas() -> None:
    event = make_event()
    clerk = desa_operator(DESA_A)
    (alive,) = _victims(event, 1)
    dead = add_victim(
        actor=None, event=event, name="Almarhum", desa_code=DESA_A, condition=Condition.DEAD
    )
    elsewhere = add_victim(actor=None, event=event, name="Tetangga", desa_code=DESA_A2)
    with pytest.raises(ValidationError) as gone:
        record_daily_aid(
            actor=clerk,
            event=event,
            date=day(1),
            kind=AidKind.MEALS,
            victims=[alive, dead],
            today=TODAY,
        )
    assert "meninggal atau hilang" in gone.value.messages[0]
    for bad in (START - dt.timedelta(1), TODAY + dt.timedelta(1)):
        with pytest.raises(ValidationError):
            record_aid(actor=clerk, victim=alive, date=bad, kind=AidKind.MEALS, today=TODAY)
    with pytest.raises(PermissionDenied):
        record_daily_aid(
            actor=clerk,
            event=event,
            date=day(1),
            kind=AidKind.MEALS,
            victims=[alive, elsewhere],
            today=TODAY,
        )
    other = make_event(name="Longsor Uji", desa=(DESA_A,))
    with pytest.raises(ValidationError):
        record_daily_aid(
            actor=clerk, event=other, date=day(1), kind=AidKind.MEALS, victims=[alive], today=TODAY
        )
    with pytest.raises(ValidationError):
        record_daily_aid(
            actor=clerk, event=event, date=day(1), kind=AidKind.MEALS, victims=[], today=TODAY
        )
    assert VictimAid.objects.count() == 0
    aid = record_aid(actor=clerk, victim=alive, date=day(1), kind=AidKind.MEALS, today=TODAY)
    remove_aid(actor=clerk, aid=aid)
    assert VictimAid.objects.count() == 0
    events.set_phase(actor=None, event=event, phase=Phase.DONE, on=day(5), today=TODAY)
    event.refresh_from_db()
    alive.refresh_from_db()
    with pytest.raises(ValidationError) as after:
        record_aid(actor=clerk, victim=alive, date=day(6), kind=AidKind.MEALS, today=TODAY)
    assert "sudah selesai" in after.value.message_dict["date"][0]


def test_three_meals_on_every_day_of_displacement_in_the_emergency() -> None:
    event = make_event()
    full, partly, unfed = _victims(event, 3, displaced=True)
    late = add_victim(
        actor=None,
        event=event,
        name="Datang Belakangan",
        desa_code=DESA_A,
        displaced=True,
        displaced_from=day(3),
    )
    home = add_victim(actor=None, event=event, name="Di Rumah", desa_code=DESA_A)
    # The emergency lasts days 0-5; from day 6 the event is in recovery.
    events.set_phase(actor=None, event=event, phase=Phase.RECOVERY, on=day(6), today=TODAY)
    _meals([full], 0, 5)
    _meals([partly], 0, 5, per_day=2)
    _meals([late], 3, 5)
    _meals([full, partly], 6, 8, per_day=1)  # recovery: not part of the standard's days
    victims = Victim.objects.filter(event=event)
    windows = displacement_windows(victims, today=TODAY)
    assert (windows[full.pk].first, windows[full.pk].last, windows[full.pk].days) == (
        day(0),
        day(5),
        6,
    )
    assert windows[late.pk].first == day(3) and home.pk not in windows
    status = meal_status(victims, today=TODAY)
    assert status == {full.pk: MET, partly.pk: PARTIAL, unfed.pk: NONE, late.pk: MET}
    # One day without a full meal count is enough to make it partial.
    VictimAid.objects.filter(victim=full, date=day(2)).first().delete()  # type: ignore[union-attr]
    assert meal_status(victims, today=TODAY)[full.pk] == PARTIAL
    # Within a period: only its days count.
    assert meal_status(victims, start=day(3), end=day(5), today=TODAY)[full.pk] == MET
    # While the event is still in its emergency, today is not counted yet.
    ongoing = make_event(name="Banjir Lain", desa=(DESA_A,))
    (now,) = _victims(ongoing, 1, displaced=True)
    _meals([now], 0, 9)
    assert meal_status(Victim.objects.filter(pk=now.pk), today=TODAY) == {now.pk: MET}
    assert displacement_windows(Victim.objects.filter(pk=now.pk), today=TODAY)[now.pk].last == day(
        9
    )


def test_basic_needs_during_and_after_the_emergency() -> None:
    event = make_event()
    fed, hungry = _victims(event, 2, displaced=True)
    helped_after = add_victim(actor=None, event=event, name="Pulang", desa_code=DESA_A)
    nothing = add_victim(actor=None, event=event, name="Tak Dibantu", desa_code=DESA_A)
    add_victim(
        actor=None, event=event, name="Almarhumah", desa_code=DESA_A, condition=Condition.DEAD
    )
    events.set_phase(actor=None, event=event, phase=Phase.RECOVERY, on=day(3), today=TODAY)
    _meals([fed], 0, 2)
    _meals([hungry], 0, 1)
    record_aid(actor=None, victim=helped_after, date=day(4), kind=AidKind.CLOTHING, today=TODAY)
    record_aid(actor=None, victim=nothing, date=day(4), kind=AidKind.PSYCHOSOCIAL, today=TODAY)
    met, everyone = basic_needs_met(Victim.objects.filter(event=event), today=TODAY)
    assert len(everyone) == 4  # the dead are not counted
    assert met == {("v", fed.pk), ("v", helped_after.pk)}


def test_event_figures() -> None:
    event = make_event()
    clerk = office()
    shelter = events.add_shelter(
        actor=clerk, event=event, name="Balai", desa_code=DESA_A, capacity=50
    )
    a, b = _victims(event, 2, displaced=True, shelter=shelter)
    far = add_victim(
        actor=None, event=event, name="Desa Sebelah", desa_code=DESA_A2, displaced=True
    )
    _meals([a, b, far], 0, 1)
    record_aid(
        actor=None, victim=a, date=day(1), kind=AidKind.PSYCHOSOCIAL, quantity=2, today=TODAY
    )
    record_aid(actor=None, victim=b, date=day(1), kind=AidKind.PSYCHOSOCIAL, today=TODAY)
    record_aid(actor=None, victim=b, date=day(1), kind=AidKind.CLOTHING, today=TODAY)
    kitchen = events.add_kitchen(actor=clerk, event=event, name="Dapur 1", desa_code=DESA_A)
    events.record_kitchen_day(actor=clerk, kitchen=kitchen, date=day(0), meals=100, today=TODAY)
    events.record_kitchen_day(actor=clerk, kitchen=kitchen, date=day(1), meals=120, today=TODAY)
    events.deploy_volunteer(
        actor=clerk, event=event, partner=tagana(), from_date=day(0), today=TODAY
    )
    rice = warehouse.create_item(actor=clerk, name="Beras", unit="kg")
    warehouse.receive_stock(
        actor=clerk,
        item=rice,
        quantity=500,
        source=Source.APBD,
        document_number="BAST-1",
        date=START,
        today=TODAY,
    )
    warehouse.issue_stock(
        actor=clerk,
        item=rice,
        quantity=120,
        event=event,
        document_number="BAST-2",
        date=day(1),
        today=TODAY,
    )
    events.set_phase(actor=None, event=event, phase=Phase.RECOVERY, on=day(2), today=TODAY)
    everyone = event_figures(event, Victim.objects.all(), today=TODAY)
    assert (everyone.victims, everyone.displaced, everyone.met) == (3, 3, 3)
    assert (
        everyone.meals_persons == 18
        and everyone.meals_kitchens == 220
        and everyone.meals_total == 238
    )
    assert (everyone.psych_sessions, everyone.psych_persons, everyone.clothing_persons) == (3, 2, 1)
    assert everyone.volunteers == 1 and everyone.items == [("Beras", "kg", 120)]
    # A desa operator's figures count their own victims; the event's kitchens and stock stay.
    mine = event_figures(event, Victim.objects.filter(desa_id=DESA_A), today=TODAY)
    assert (mine.victims, mine.meals_persons, mine.meals_kitchens) == (2, 12, 220)
    # Within dates: day 0 only.
    first = event_figures(event, Victim.objects.all(), start=day(0), end=day(0), today=TODAY)
    assert (first.meals_persons, first.meals_kitchens, first.psych_sessions, first.items) == (
        9,
        100,
        0,
        [],
    )
