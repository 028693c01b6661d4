"""Deciding pairs, merging (every row of every app moved and recorded) and undoing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.disasters.models import Victim
from sejahtera.linkage.models import CandidatePair, Decision, Merge, MergeRecord, PairDecision
from sejahtera.linkage.services import decide_pair, merge_persons, undo_merge
from sejahtera.partners.models import Partner, PartnerKind
from sejahtera.registry.models import (
    Membership,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from tests.conftest import DESA_A, DESA_B, KEC_B
from tests.disasters.factories import make_event
from tests.linkage.conftest import store_model
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db


@dataclass
class Pair:
    original: Person
    duplicate: Person
    clerk: Any


def _rows_of(person: Person) -> dict[str, set[int]]:
    return {
        "membership": set(Membership.objects.filter(person=person).values_list("pk", flat=True)),
        "participation": set(
            Participation.objects.filter(person=person).values_list("pk", flat=True)
        ),
        "ppks": set(PpksAssessment.objects.filter(person=person).values_list("pk", flat=True)),
        "proposal": set(Proposal.objects.filter(person=person).values_list("pk", flat=True)),
        "victim": set(Victim.objects.filter(person=person).values_list("pk", flat=True)),
        "partner": set(Partner.objects.filter(person=person).values_list("pk", flat=True)),
    }


@pytest.fixture
def pair(make_user: Any) -> Pair:
    clerk = make_user(Role.OPERATOR_DINAS)
    original = PersonFactory(name="SITI AMINAH", birth_date=dt.date(1980, 5, 12), sex="P")
    duplicate = PersonFactory(name="HJ. SITI AMINAH", birth_date=dt.date(1980, 12, 5), sex="P")
    add_member(original, HouseholdFactory())
    add_member(duplicate, HouseholdFactory())
    Participation.objects.create(
        programme="PKH", person=duplicate, period_start=dt.date(2025, 3, 1)
    )
    PpksAssessment.objects.create(
        category=PpksCategory.objects.get(code="FAKIR_MISKIN"),
        person=duplicate,
        assessed_on=dt.date(2025, 1, 1),
    )
    Proposal.objects.create(
        kind=ProposalKind.CHANGE,
        status=ProposalStatus.APPROVED,
        desa_id=DESA_A,
        person=duplicate,
        payload={"changes": {"occupation": "PETANI"}},
        proposed_by=clerk,
    )
    event = make_event()
    Victim.objects.create(event=event, person=duplicate, name=duplicate.name, desa_id=DESA_A)
    kind, _created = PartnerKind.objects.get_or_create(code="psm", defaults={"name": "PSM"})
    Partner.objects.create(kind=kind, name="PSM Siti", person=duplicate, area_id=DESA_A)
    return Pair(original, duplicate, clerk)


def test_same_person_merges_every_row_and_undo_puts_them_back(pair: Pair) -> None:
    before_original, before_duplicate = _rows_of(pair.original), _rows_of(pair.duplicate)
    open_membership = Membership.objects.get(person=pair.duplicate)
    decision = decide_pair(
        actor=pair.clerk,
        person_a=pair.original,
        person_b=pair.duplicate,
        decision=Decision.SAME,
        survivor=pair.original,
        note="KTP dicek",
    )
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into == pair.original
    after = _rows_of(pair.original)
    for key, rows in before_duplicate.items():
        assert rows, key  # the fixture gave the duplicate a row of every kind
        assert after[key] == before_original[key] | rows
        assert not _rows_of(pair.duplicate)[key]
    open_membership.refresh_from_db()
    assert open_membership.end_date is not None and "digabung" in open_membership.end_reason
    assert Membership.objects.filter(person=pair.original, end_date__isnull=True).count() == 1
    merge = Merge.objects.get()
    assert merge.decision == decision and merge.merged_by == pair.clerk
    labels = set(merge.records.values_list("model_label", flat=True))
    assert labels == {
        "registry.membership",
        "registry.participation",
        "registry.ppksassessment",
        "registry.proposal",
        "disasters.victim",
        "partners.partner",
    }
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="registry.person", object_id=str(pair.duplicate.pk)
    ).exists()

    undo_merge(actor=pair.clerk, merge=merge, reason="Ternyata kembar")
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None
    assert _rows_of(pair.original) == before_original
    assert _rows_of(pair.duplicate) == before_duplicate
    open_membership.refresh_from_db()
    assert open_membership.end_date is None and open_membership.end_reason == ""
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undo_reason == "Ternyata kembar"
    assert not PairDecision.objects.exists()  # the pair may be asked again
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        undo_merge(actor=pair.clerk, merge=merge)


def test_undo_is_refused_when_a_moved_row_changed_since(pair: Pair) -> None:
    merge = merge_persons(actor=pair.clerk, survivor=pair.original, loser=pair.duplicate)
    other = PersonFactory()
    Participation.objects.filter(person=pair.original).update(person=other)
    with pytest.raises(ValidationError, match="sudah berubah"):
        undo_merge(actor=pair.clerk, merge=merge)
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into == pair.original
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_different_people_is_remembered(pair: Pair, trained: dict[str, Any]) -> None:
    low, high = sorted([pair.original, pair.duplicate], key=lambda p: p.pk)
    CandidatePair.objects.create(
        linkage_model=store_model(trained),
        person_a=low,
        person_b=high,
        desa_a=DESA_A,
        desa_b=DESA_A,
        match_weight=3,
        match_probability=0.9,
    )
    decision = decide_pair(
        actor=pair.clerk, person_a=high, person_b=low, decision=Decision.DIFFERENT
    )
    assert (decision.person_a, decision.person_b) == (low, high)
    assert decision.match_probability == 0.9
    assert not CandidatePair.objects.exists()
    assert not Merge.objects.exists()
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        decide_pair(
            actor=pair.clerk, person_a=low, person_b=high, decision=Decision.SAME, survivor=low
        )


def _nothing_saved(pair: Pair) -> None:
    assert not PairDecision.objects.exists()
    assert not Merge.objects.exists() and not MergeRecord.objects.exists()
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None
    assert Victim.objects.filter(person=pair.duplicate).exists()


def test_merge_refused_while_a_proposal_is_open(pair: Pair) -> None:
    Proposal.objects.create(
        kind=ProposalKind.CHANGE,
        status=ProposalStatus.VERIFIED,
        desa_id=DESA_A,
        person=pair.original,
        payload={"changes": {"occupation": "GURU"}},
        proposed_by=pair.clerk,
    )
    with pytest.raises(ValidationError, match="usulan yang belum diputuskan"):
        merge_persons(actor=pair.clerk, survivor=pair.original, loser=pair.duplicate)
    _nothing_saved(pair)


def test_merge_refused_when_already_merged(pair: Pair) -> None:
    third = PersonFactory()
    Person.objects.filter(pk=pair.duplicate.pk).update(merged_into=third)
    pair.duplicate.refresh_from_db()
    with pytest.raises(ValidationError, match="sudah digabung"):
        merge_persons(actor=pair.clerk, survivor=pair.original, loser=pair.duplicate)
    assert not Merge.objects.exists() and not PairDecision.objects.exists()


def test_merge_refused_when_both_are_victims_of_one_event(pair: Pair) -> None:
    victim = Victim.objects.get(person=pair.duplicate)
    Victim.objects.create(
        event=victim.event, person=pair.original, name=pair.original.name, desa_id=DESA_A
    )
    with pytest.raises(ValidationError, match="korban bencana"):
        merge_persons(actor=pair.clerk, survivor=pair.original, loser=pair.duplicate)
    _nothing_saved(pair)


@pytest.mark.parametrize(
    ("role", "areas"),
    [
        (Role.OPERATOR_DESA, [DESA_A]),  # not office staff
        (Role.AUDITOR, None),  # reads only
        (Role.TKSK, [KEC_B]),
    ],
)
def test_merge_refused_to_others(pair: Pair, make_user: Any, role: str, areas: Any) -> None:
    with pytest.raises(PermissionDenied):
        merge_persons(actor=make_user(role, areas), survivor=pair.original, loser=pair.duplicate)
    _nothing_saved(pair)


def test_merge_refused_outside_the_clerks_area(pair: Pair, make_user: Any) -> None:
    clerk = make_user(Role.OPERATOR_DINAS, [DESA_B])
    with pytest.raises(PermissionDenied):
        merge_persons(actor=clerk, survivor=pair.original, loser=pair.duplicate)
    _nothing_saved(pair)


def test_a_decision_needs_a_survivor_and_two_persons(pair: Pair) -> None:
    with pytest.raises(ValidationError):
        decide_pair(
            actor=pair.clerk,
            person_a=pair.original,
            person_b=pair.duplicate,
            decision=Decision.SAME,
        )
    with pytest.raises(ValidationError):
        decide_pair(
            actor=pair.clerk,
            person_a=pair.original,
            person_b=pair.original,
            decision=Decision.DIFFERENT,
        )
    with pytest.raises(ValidationError):
        decide_pair(
            actor=pair.clerk, person_a=pair.original, person_b=pair.duplicate, decision="maybe"
        )
    _nothing_saved(pair)
