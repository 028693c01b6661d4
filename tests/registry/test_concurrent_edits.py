"""Two clerks editing the same household: households change only through proposals, so
"editing" is proposing a change from the form and approving it. No approved change may be
silently undone by another:

- the change form carries the version of the record it showed; posting it after someone
  else's change was approved is refused ("Data ini baru saja diubah oleh pengguna lain");
- a change proposal keeps the values it was made against; approving it after another change
  of the same field is refused;
- approvals lock the household, so two approvals changing different fields at the same
  moment both land (tested with threads on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.registry.forms import HOUSEHOLD_CHANGE_FIELDS, change_form_class
from sejahtera.registry.models import Household, Proposal, ProposalKind, ProposalStatus
from sejahtera.registry.payloads import record_version
from sejahtera.registry.services import (
    decide_proposal,
    endorse_batch,
    submit_proposal,
    verify_proposal,
)
from tests.concurrency import at_once
from tests.conftest import DESA_A, KEC_A
from tests.registry.factories import HouseholdFactory
from tests.registry.test_proposals import desa, minutes

pytestmark = pytest.mark.django_db
STALE = "baru saja diubah oleh pengguna lain"
CONFLICT = "sudah diubah oleh pengguna lain sejak usulan diajukan"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the concurrency tests run on PostgreSQL",
)


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    return {
        "operator": make_user(Role.OPERATOR_DESA, [DESA_A]),
        "operator2": make_user(Role.OPERATOR_DESA, [DESA_A]),
        "tksk": make_user(Role.TKSK, [KEC_A]),
        "office": make_user(Role.OPERATOR_DINAS),
        "kabid": make_user(Role.KEPALA_BIDANG),
    }


def _household(**values: Any) -> Household:
    return HouseholdFactory(desa_id=DESA_A, desil=5, rt="001", in_dtks=True, **values)


def _propose(
    team: dict[str, Any], household: Household, changes: dict[str, Any], version: str = ""
) -> Proposal:
    proposal, _warnings = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.CHANGE,
        desa=desa(),
        household=household,
        payload={"changes": changes},
        reason="Pendataan ulang",
        version=version,
    )
    return proposal


def _endorse(team: dict[str, Any], *proposals: Proposal) -> None:
    for proposal in proposals:
        verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="Sesuai.")
    endorse_batch(
        actor=team["operator"],
        desa=desa(),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=list(proposals),
    )


def _as_shown(household: Household) -> dict[str, Any]:
    """What the change form posts when sent unchanged: every field as it was shown."""
    form = change_form_class(Household, HOUSEHOLD_CHANGE_FIELDS)(instance=household)
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_a_form_shown_before_another_change_was_approved_is_refused(
    team: dict[str, Any], client: Client
) -> None:
    household = _household()
    url = f"/registri/keluarga/{household.pk}/usul-ubah/"
    client.force_login(team["operator2"])
    page = client.get(url).content.decode()
    version = record_version(household)
    assert f'value="{version}"' in page
    shown = _as_shown(household)  # the second clerk's form: desil 5
    # Meanwhile the first clerk's change of the desil is approved.
    first = _propose(team, household, {"desil": 3})
    _endorse(team, first)
    decide_proposal(actor=team["office"], proposal=first, approve=True)
    # The second clerk changes only the RT, but the form still holds desil 5: refused.
    response = client.post(url, {**shown, "rt": "002", "reason": "RT pindah"})
    assert response.status_code == 200 and STALE in response.content.decode()
    assert Proposal.objects.filter(household=household).count() == 1
    household.refresh_from_db()
    assert (household.desil, household.rt) == (3, "001")
    # Reloaded, the form shows desil 3 and proposes the RT alone.
    household.refresh_from_db()
    response = client.post(url, {**_as_shown(household), "rt": "002", "reason": "RT pindah"})
    assert response.status_code == 302
    second = Proposal.objects.filter(household=household).latest("pk")
    assert second.payload["changes"] == {"rt": "002"}
    assert second.payload["before"] == {"rt": "001"}


def test_the_service_refuses_an_old_version(team: dict[str, Any]) -> None:
    household = _household()
    version = record_version(household)
    first = _propose(team, household, {"desil": 3})
    _endorse(team, first)
    decide_proposal(actor=team["office"], proposal=first, approve=True)
    household.refresh_from_db()
    with pytest.raises(ValidationError, match=STALE):
        _propose(team, household, {"rt": "002"}, version=version)
    assert _propose(team, household, {"rt": "002"}, version=record_version(household))


def test_approving_a_change_made_against_old_values_is_refused(team: dict[str, Any]) -> None:
    household = _household()
    to_three = _propose(team, household, {"desil": 3})
    to_four = _propose(team, household, {"desil": 4})  # both made against desil 5
    new_rt = _propose(team, household, {"rt": "002"})
    _endorse(team, to_three, to_four, new_rt)
    decide_proposal(actor=team["office"], proposal=to_three, approve=True)
    with pytest.raises(ValidationError, match=CONFLICT) as refused:
        decide_proposal(actor=team["office"], proposal=to_four, approve=True)
    assert "Desil" in str(refused.value) or "desil" in str(refused.value)
    to_four.refresh_from_db()
    assert to_four.status == ProposalStatus.ENDORSED  # nothing of the decision was kept
    # Another field changes without touching the approved desil.
    decide_proposal(actor=team["office"], proposal=new_rt, approve=True)
    household.refresh_from_db()
    assert (household.desil, household.rt) == (3, "002")
    # The refused one can still be rejected with a reason.
    decide_proposal(
        actor=team["office"], proposal=to_four, approve=False, reason="Sudah diubah usulan lain"
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_different_fields_at_once_both_land(team: dict[str, Any]) -> None:
    for _round in range(3):  # a lost update needs both to read before either writes
        household = _household()
        desil = _propose(team, household, {"desil": 3})
        rt = _propose(team, household, {"rt": "009"})
        _endorse(team, desil, rt)
        outcomes = at_once(
            lambda p=desil: decide_proposal(actor=team["office"], proposal=p, approve=True),
            lambda p=rt: decide_proposal(actor=team["kabid"], proposal=p, approve=True),
        )
        assert outcomes == ["ok", "ok"], outcomes
        household.refresh_from_db()
        assert (household.desil, household.rt) == (3, "009")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_the_same_field_at_once_one_wins(team: dict[str, Any]) -> None:
    household = _household()
    to_three = _propose(team, household, {"desil": 3})
    to_four = _propose(team, household, {"desil": 4})
    _endorse(team, to_three, to_four)
    outcomes = at_once(
        lambda: decide_proposal(actor=team["office"], proposal=to_three, approve=True),
        lambda: decide_proposal(actor=team["kabid"], proposal=to_four, approve=True),
    )
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1, outcomes
    assert any(CONFLICT in o for o in outcomes), outcomes
    approved = Proposal.objects.get(status=ProposalStatus.APPROVED, household=household)
    household.refresh_from_db()
    assert household.desil == approved.payload["changes"]["desil"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_proposing_while_another_change_is_approved_never_undoes_it(
    team: dict[str, Any],
) -> None:
    household = _household()
    version = record_version(household)  # what the second clerk's form shows
    first = _propose(team, household, {"desil": 3})
    _endorse(team, first)
    outcomes = at_once(
        lambda: decide_proposal(actor=team["office"], proposal=first, approve=True),
        lambda: _propose(team, household, {"desil": 4}, version=version),
    )
    assert outcomes.count("ok") >= 1, outcomes
    late = Proposal.objects.filter(household=household).exclude(pk=first.pk).first()
    if late is None:  # the approval came first: the stale form was refused
        assert any(STALE in o for o in outcomes), outcomes
    else:  # the proposal came first: approving it now would undo desil 3, so it is refused
        _endorse(team, late)
        with pytest.raises(ValidationError, match=CONFLICT):
            decide_proposal(actor=team["kabid"], proposal=late, approve=True)
    household.refresh_from_db()
    assert household.desil == 3
