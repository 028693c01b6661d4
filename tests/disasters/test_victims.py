"""Victims: found in the registry by NIK or by exact name + birth date + desa, otherwise
provisional; never one person twice in an event (service and database); reconciling links
provisional victims found later and merges those who already are victims, keeping their aid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sejahtera.audit.models import Action, AuditEvent
from sejahtera.common.nik import make_nik
from sejahtera.disasters import events
from sejahtera.disasters.models import AidKind, Condition, Victim, VictimAid
from sejahtera.disasters.victims import add_victim, reconcile_victims, record_aid, update_victim
from sejahtera.registry.models import Person
from tests.conftest import DESA_A, DESA_A2, DESA_B, KEC_A
from tests.disasters.factories import TODAY, day, desa_operator, make_event, office
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db
BORN = dt.date(1975, 4, 9)


def _nik(serial: int, born: dt.date = BORN, sex: str = "P") -> str:
    return make_nik(kecamatan_code=KEC_A, birth_date=born, sex=sex, serial=serial)


def test_a_registry_person_becomes_a_victim_with_their_household() -> None:
    event = make_event()
    person = PersonFactory(desa_id=DESA_A)
    household = HouseholdFactory(desa_id=DESA_A)
    add_member(person, household)
    clerk = desa_operator(DESA_A)
    victim = add_victim(actor=clerk, event=event, person=person, displaced=True)
    assert (victim.person, victim.household, victim.nik, victim.name) == (
        person,
        household,
        person.nik,
        person.name,
    )
    assert victim.desa_id == DESA_A and not victim.provisional
    with pytest.raises(ValidationError) as twice:
        add_victim(actor=clerk, event=event, person=person)
    assert "sudah tercatat sebagai korban" in twice.value.messages[0]
    with pytest.raises(ValidationError):  # the same NIK typed in again
        add_victim(actor=clerk, event=event, name="Siapa Saja", nik=person.nik, desa_code=DESA_A)
    assert Victim.objects.count() == 1
    assert (
        AuditEvent.objects.filter(object_type="disasters.victim", action=Action.CREATE).count() == 1
    )


def test_identity_as_told_is_looked_up_then_kept_provisional() -> None:
    event = make_event()
    clerk = desa_operator(DESA_A)
    by_nik = PersonFactory(desa_id=DESA_A, name="Siti Aminah")
    by_name = PersonFactory(desa_id=DESA_A, name="Moch. Djoko Santoso", birth_date=BORN)
    found = add_victim(actor=clerk, event=event, name="siti", nik=by_nik.nik, desa_code=DESA_A)
    assert found.person == by_nik and found.name == "Siti Aminah"
    named = add_victim(
        actor=clerk, event=event, name="Muhammad Joko Santoso", birth_date=BORN, desa_code=DESA_A
    )
    assert named.person == by_name  # the same normalised name, birth date and desa
    unknown = add_victim(
        actor=clerk,
        event=event,
        name="Warsini",
        nik=_nik(77),
        birth_date=BORN,
        sex="P",
        desa_code=DESA_A,
    )
    assert unknown.provisional and unknown.nik == _nik(77) and unknown.household is None
    assert Person.objects.count() == 2  # the registry is not changed from here
    with pytest.raises(ValidationError) as bad:
        add_victim(actor=clerk, event=event, name="Warsono", nik="12345", desa_code=DESA_A)
    assert "16 angka" in bad.value.message_dict["nik"][0]
    with pytest.raises(ValidationError):  # not a desa of the event
        add_victim(actor=clerk, event=event, name="Warsono", desa_code=DESA_B)
    with pytest.raises(PermissionDenied):  # a desa of the event, not the clerk's
        add_victim(actor=clerk, event=event, name="Warsono", desa_code=DESA_A2)
    with pytest.raises(ValidationError):  # dead and displaced
        add_victim(
            actor=clerk,
            event=event,
            name="Warsono",
            desa_code=DESA_A,
            displaced=True,
            condition=Condition.DEAD,
        )
    assert Victim.objects.count() == 3


def test_shelter_must_be_of_the_event_and_only_for_the_displaced() -> None:
    event = make_event()
    other = make_event(name="Longsor Uji", desa=(DESA_A,))
    clerk = office()
    theirs = events.add_shelter(
        actor=clerk, event=other, name="Masjid", desa_code=DESA_A, capacity=5
    )
    with pytest.raises(ValidationError) as wrong:
        add_victim(
            actor=clerk, event=event, name="Karti", desa_code=DESA_A, displaced=True, shelter=theirs
        )
    assert "bukan milik kejadian ini" in wrong.value.message_dict["shelter"][0]
    ours = events.add_shelter(actor=clerk, event=event, name="Balai", desa_code=DESA_A, capacity=5)
    with pytest.raises(ValidationError):
        add_victim(actor=clerk, event=event, name="Karti", desa_code=DESA_A, shelter=ours)
    victim = add_victim(
        actor=clerk, event=event, name="Karti", desa_code=DESA_A, displaced=True, shelter=ours
    )
    update_victim(
        actor=clerk,
        victim=victim,
        displaced=True,
        shelter=ours,
        displaced_until=day(4),
        condition=Condition.INJURED,
    )
    victim.refresh_from_db()
    assert victim.displaced_until == day(4) and victim.condition == Condition.INJURED
    update_victim(actor=clerk, victim=victim, displaced=False, condition=Condition.SAFE)
    victim.refresh_from_db()
    assert victim.shelter is None and victim.displaced_until is None


def test_the_database_refuses_one_person_twice_in_an_event() -> None:
    event = make_event()
    person = PersonFactory(desa_id=DESA_A)
    Victim.objects.create(event=event, person=person, name=person.name, desa_id=DESA_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        Victim.objects.create(event=event, person=person, name=person.name, desa_id=DESA_A)
    Victim.objects.create(event=event, nik=_nik(5), name="A", desa_id=DESA_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        Victim.objects.create(event=event, nik=_nik(5), name="B", desa_id=DESA_A)
    # Without NIK or person any number of provisional victims may exist.
    Victim.objects.create(event=event, name="C", desa_id=DESA_A)
    Victim.objects.create(event=event, name="D", desa_id=DESA_A)
    # Another event may have the same person.
    other = make_event(name="Longsor Uji", desa=(DESA_A,))
    Victim.objects.create(event=other, person=person, name=person.name, desa_id=DESA_A)
    assert Victim.objects.count() == 5


def test_reconciling_links_found_persons_and_merges_duplicates() -> None:
    event = make_event()
    clerk = desa_operator(DESA_A)
    by_nik = add_victim(actor=clerk, event=event, name="Warsini", nik=_nik(41), desa_code=DESA_A)
    by_name = add_victim(
        actor=clerk, event=event, name="Sukarmi", birth_date=BORN, desa_code=DESA_A, displaced=True
    )
    duplicate = add_victim(
        actor=clerk,
        event=event,
        name="Ibu Ngatini",
        birth_date=BORN,
        desa_code=DESA_A,
        displaced=True,
        condition=Condition.INJURED,
    )
    still_unknown = add_victim(actor=clerk, event=event, name="Paimin", desa_code=DESA_A)
    record_aid(
        actor=clerk, victim=duplicate, date=day(1), kind=AidKind.MEALS, quantity=2, today=TODAY
    )
    record_aid(actor=clerk, victim=duplicate, date=day(1), kind=AidKind.KIT, today=TODAY)
    # Later the registry gets them (through its own proposals).
    warsini = PersonFactory(desa_id=DESA_A, name="Warsini", nik=_nik(41))
    sukarmi = PersonFactory(desa_id=DESA_A, name="Sukarmi", birth_date=BORN)
    ngatini = PersonFactory(desa_id=DESA_A, name="Ngatini", birth_date=BORN)
    household = HouseholdFactory(desa_id=DESA_A)
    add_member(ngatini, household)
    # Ngatini had already been recorded from the registry; her provisional record
    # ("Ibu Ngatini": the title is dropped by the name key) is the same person.
    known = add_victim(actor=clerk, event=event, person=ngatini)
    record_aid(actor=clerk, victim=known, date=day(2), kind=AidKind.MEALS, quantity=3, today=TODAY)
    result = reconcile_victims(actor=clerk, event=event)
    assert (result.linked, result.merged, result.left) == (2, 1, 1)
    by_nik.refresh_from_db()
    by_name.refresh_from_db()
    assert by_nik.person == warsini and by_name.person == sukarmi and by_name.nik == sukarmi.nik
    assert not Victim.objects.filter(pk=duplicate.pk).exists()
    known.refresh_from_db()
    assert known.displaced and known.condition == Condition.INJURED
    assert known.household == household
    assert sorted(known.aid.values_list("date", "kind", "quantity")) == [
        (day(1), AidKind.MEALS, 2),
        (day(1), AidKind.KIT, 1),
        (day(2), AidKind.MEALS, 3),
    ]
    assert VictimAid.objects.count() == 3
    still_unknown.refresh_from_db()
    assert still_unknown.provisional
    # No person is two victims of the event.
    linked = Victim.objects.filter(event=event, person__isnull=False)
    assert linked.count() == linked.values("person").distinct().count() == 3
    merged = AuditEvent.objects.get(action=Action.DELETE, object_type="disasters.victim")
    assert merged.extra == {"merged_into": known.pk, "aid_moved": 2}
    # A second run finds nothing new.
    again = reconcile_victims(actor=clerk, event=event)
    assert (again.linked, again.merged, again.left) == (0, 0, 1)


def test_reconciling_leaves_ambiguous_names_and_other_areas() -> None:
    event = make_event()
    mine = add_victim(actor=None, event=event, name="Sutini", birth_date=BORN, desa_code=DESA_A)
    theirs = add_victim(actor=None, event=event, name="Sarmi", nik=_nik(90), desa_code=DESA_A2)
    PersonFactory(desa_id=DESA_A, name="Sutini", birth_date=BORN)
    PersonFactory(desa_id=DESA_A, name="Sutini", birth_date=BORN)  # two: which one?
    PersonFactory(desa_id=DESA_A2, name="Sarmi", nik=_nik(90))
    result = reconcile_victims(actor=desa_operator(DESA_A), event=event)
    assert (result.linked, result.merged, result.left) == (0, 0, 1)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.provisional and theirs.provisional  # DESA_A2 is not the operator's
    assert reconcile_victims(actor=office(), event=event).linked == 1
    with pytest.raises(PermissionDenied):
        reconcile_victims(actor=desa_operator(DESA_B), event=event)
