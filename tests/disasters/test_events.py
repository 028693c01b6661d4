"""Events: recording (area checks, bad input, audit), the phase history (forward only, the
end date), situation reports with a file checked by content, shelters, kitchens and their
meals per day, TAGANA deployments and their refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from sejahtera.audit.models import Action, AuditEvent
from sejahtera.disasters import events
from sejahtera.disasters.models import (
    Deployment,
    Event,
    Kitchen,
    KitchenDay,
    Phase,
    PhaseChange,
    Shelter,
    SituationReport,
)
from sejahtera.disasters.selectors import emergency_last_day
from sejahtera.disasters.victims import add_victim
from tests.conftest import DESA_A, DESA_A2, DESA_B
from tests.disasters.factories import (
    START,
    TODAY,
    day,
    desa_operator,
    make_event,
    office,
    tagana,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_recording_an_event_starts_its_emergency() -> None:
    clerk = office()
    event = make_event(actor=clerk)
    assert event.phase == Phase.EMERGENCY and event.ended_on is None
    assert sorted(event.desa.values_list("code", flat=True)) == [DESA_A, DESA_A2]
    assert list(event.phases.values_list("phase", "on")) == [(Phase.EMERGENCY, START)]
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="disasters.event")
    assert created.actor == clerk and created.changes["desa"] == [None, [DESA_A, DESA_A2]]


def test_refusals_save_nothing() -> None:
    operator = desa_operator(DESA_A)
    with pytest.raises(PermissionDenied):  # a desa outside the operator's area
        make_event(actor=operator, desa=(DESA_A, DESA_B))
    with pytest.raises(ValidationError) as bad:
        events.create_event(
            actor=operator, kind="gempa", name="x", desa_codes=[], started_on=TODAY, today=TODAY
        )
    assert {"kind", "name"} <= set(bad.value.message_dict)
    with pytest.raises(ValidationError) as future:
        make_event(actor=operator, desa=(DESA_A,), started_on=TODAY + dt.timedelta(days=1))
    assert "masa depan" in future.value.message_dict["started_on"][0]
    with pytest.raises(ValidationError):
        make_event(actor=operator, desa=())
    auditor = office(role="auditor")
    with pytest.raises(PermissionDenied):
        make_event(actor=auditor)
    assert Event.objects.count() == 0 and PhaseChange.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="disasters.event").exists()


def test_phase_moves_forward_only_and_ends_the_event() -> None:
    event = make_event()
    clerk = office()
    events.set_phase(actor=clerk, event=event, phase=Phase.RECOVERY, on=day(5), today=TODAY)
    event.refresh_from_db()
    assert event.phase == Phase.RECOVERY and event.ended_on is None
    assert emergency_last_day(event) == day(4)
    with pytest.raises(ValidationError) as back:
        events.set_phase(actor=clerk, event=event, phase=Phase.EMERGENCY, on=day(6), today=TODAY)
    assert "hanya dapat maju" in back.value.message_dict["phase"][0]
    with pytest.raises(ValidationError) as early:
        events.set_phase(actor=clerk, event=event, phase=Phase.DONE, on=day(5), today=TODAY)
    assert "setelah perubahan fase terakhir" in early.value.message_dict["on"][0]
    with pytest.raises(ValidationError):
        events.set_phase(
            actor=clerk, event=event, phase=Phase.DONE, on=TODAY + dt.timedelta(1), today=TODAY
        )
    events.set_phase(actor=clerk, event=event, phase=Phase.DONE, on=day(9), today=TODAY)
    event.refresh_from_db()
    assert event.phase == Phase.DONE and event.ended_on == day(9)
    assert list(event.phases.values_list("phase", flat=True)) == [
        Phase.EMERGENCY,
        Phase.RECOVERY,
        Phase.DONE,
    ]
    changes = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="disasters.event"
    ).values_list("changes", flat=True)
    assert {"phase": [Phase.RECOVERY, Phase.DONE], "ended_on": [None, day(9).isoformat()]} in list(
        changes
    )


def test_straight_to_done_and_only_by_whoever_covers_every_desa() -> None:
    event = make_event()
    with pytest.raises(PermissionDenied):  # DESA_A2 is not theirs
        events.set_phase(
            actor=desa_operator(DESA_A), event=event, phase=Phase.DONE, on=day(3), today=TODAY
        )
    events.set_phase(actor=office(), event=event, phase=Phase.DONE, on=day(3), today=TODAY)
    event.refresh_from_db()
    assert event.phase == Phase.DONE and emergency_last_day(event) == day(2)


def test_situation_report_file_is_checked_by_its_content(settings: object) -> None:
    event = make_event()
    operator = desa_operator(DESA_A)  # sees the event through one of its desa
    with pytest.raises(ValidationError) as fake:
        events.add_report(
            actor=operator,
            event=event,
            on=day(1),
            text="Air mulai surut di dusun utara.",
            upload=SimpleUploadedFile("lapsit.pdf", b"MZ not a pdf at all"),
            today=TODAY,
        )
    assert "diperiksa dari isinya" in fake.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        events.add_report(actor=operator, event=event, on=day(1), text="pendek", today=TODAY)
    with pytest.raises(ValidationError):
        events.add_report(
            actor=operator, event=event, on=START - dt.timedelta(1), text="x" * 20, today=TODAY
        )
    assert SituationReport.objects.count() == 0
    report = events.add_report(
        actor=operator,
        event=event,
        on=day(1),
        text="Air mulai surut di dusun utara.",
        upload=SimpleUploadedFile("lapsit.pdf", PDF),
        today=TODAY,
    )
    assert report.file.name.startswith("disasters/reports/") and report.by == operator
    with pytest.raises(PermissionDenied):
        events.add_report(
            actor=desa_operator(DESA_B), event=event, on=day(1), text="x" * 20, today=TODAY
        )


def test_shelters_and_kitchens_with_meals_per_day() -> None:
    event = make_event()
    operator = desa_operator(DESA_A)
    shelter = events.add_shelter(
        actor=operator, event=event, name="Balai Desa", desa_code=DESA_A, capacity=80
    )
    with pytest.raises(ValidationError) as twice:
        events.add_shelter(
            actor=operator, event=event, name="balai desa", desa_code=DESA_A, capacity=10
        )
    assert "sudah ada" in twice.value.message_dict["name"][0]
    with pytest.raises(ValidationError):
        events.add_shelter(actor=operator, event=event, name="Masjid", desa_code=DESA_A, capacity=0)
    with pytest.raises(PermissionDenied):
        events.add_shelter(
            actor=operator, event=event, name="Masjid", desa_code=DESA_A2, capacity=10
        )
    assert list(Shelter.objects.all()) == [shelter]
    kitchen = events.add_kitchen(actor=operator, event=event, name="Dapur Umum 1", desa_code=DESA_A)
    events.record_kitchen_day(actor=operator, kitchen=kitchen, date=day(0), meals=240, today=TODAY)
    corrected = events.record_kitchen_day(
        actor=operator, kitchen=kitchen, date=day(0), meals=260, today=TODAY
    )
    assert KitchenDay.objects.get().meals == 260 == corrected.meals
    assert AuditEvent.objects.filter(
        object_type="disasters.kitchenday", action=Action.UPDATE, changes={"meals": [240, 260]}
    ).exists()
    with pytest.raises(ValidationError):
        events.record_kitchen_day(
            actor=operator, kitchen=kitchen, date=START - dt.timedelta(1), meals=10, today=TODAY
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        KitchenDay.objects.create(kitchen=kitchen, date=day(0), meals=1)
    other = desa_operator(DESA_A2)
    with pytest.raises(PermissionDenied):  # sees the event, not the kitchen's desa
        events.record_kitchen_day(actor=other, kitchen=kitchen, date=day(1), meals=5, today=TODAY)
    assert Kitchen.objects.count() == 1


def test_deployments_only_of_active_tagana() -> None:
    event = make_event()
    clerk = office()
    volunteer = tagana()
    deployment = events.deploy_volunteer(
        actor=clerk, event=event, partner=volunteer, from_date=day(0), today=TODAY
    )
    assert deployment.until_date is None
    refusals = [
        (tagana(kind="psm"), day(0), "bukan relawan TAGANA"),
        (tagana(active=False), day(0), "tidak aktif"),
        (volunteer, day(3), "sudah ditugaskan"),
    ]
    for partner, start, words in refusals:
        with pytest.raises(ValidationError) as refused:
            events.deploy_volunteer(
                actor=clerk, event=event, partner=partner, from_date=start, today=TODAY
            )
        assert words in refused.value.message_dict["partner"][0]
    with pytest.raises(ValidationError):  # before the event
        events.deploy_volunteer(
            actor=clerk,
            event=event,
            partner=tagana(),
            from_date=START - dt.timedelta(1),
            today=TODAY,
        )
    with pytest.raises(ValidationError):
        events.deploy_volunteer(
            actor=clerk,
            event=event,
            partner=tagana(),
            from_date=day(4),
            until_date=day(2),
            today=TODAY,
        )
    assert Deployment.objects.count() == 1
    events.end_deployment(actor=clerk, deployment=deployment, until_date=day(5), today=TODAY)
    # After the first stint ended, the same volunteer may come back.
    events.deploy_volunteer(
        actor=clerk, event=event, partner=volunteer, from_date=day(7), today=TODAY
    )
    assert Deployment.objects.count() == 2


def test_desa_with_victims_stays_in_the_event() -> None:
    event = make_event()
    clerk = office()
    add_victim(actor=clerk, event=event, name="Sumarni", desa_code=DESA_A2)
    with pytest.raises(ValidationError) as kept:
        events.update_event(actor=clerk, event=event, name=event.name, desa_codes=[DESA_A])
    assert "masih punya korban" in kept.value.message_dict["desa"][0]
    events.update_event(
        actor=clerk, event=event, name="Banjir Bandang Uji", desa_codes=[DESA_A, DESA_A2, DESA_B]
    )
    event.refresh_from_db()
    assert event.name == "Banjir Bandang Uji" and event.desa.count() == 3
