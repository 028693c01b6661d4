"""A proposal's payload of the wrong JSON shape (what the API may send: a list where an object
is read, a number where a text is, an unhashable value where a set is built, a text longer
than its column) is refused with a message, and nothing is saved. Found by
tests/security/test_api_schema.py, where these ended in server errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.registry.models import Proposal, ProposalKind
from sejahtera.registry.services import submit_proposal
from sejahtera.wilayah.models import Wilayah
from tests.conftest import DESA_A
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db

ODD: list[tuple[str, str, Any]] = [
    # (kind, whose, payload)
    (ProposalKind.NEW_HOUSEHOLD, "nobody", {"household": [], "members": []}),
    (ProposalKind.NEW_HOUSEHOLD, "nobody", {"household": {}, "members": [{"nik": {}}]}),
    (ProposalKind.NEW_HOUSEHOLD, "nobody", {"household": {"kk_number": 5}, "members": [{}]}),
    (ProposalKind.NEW_HOUSEHOLD, "nobody", {"members": "x"}),
    (ProposalKind.NEW_HOUSEHOLD, "nobody", {"members": [["anak"]]}),
    (ProposalKind.NEW_PERSON, "household", {"member": "Bayi"}),
    (ProposalKind.NEW_PERSON, "household", {"member": {"name": "Bayi", "nik": 3516015208250001}}),
    (ProposalKind.NEW_PERSON, "household", {"member": {"name": "B" * 500, "relation": "anak"}}),
    (ProposalKind.NEW_PERSON, "household", {"member": {"name": "Bayi", "relation": ["anak"]}}),
    (ProposalKind.CHANGE, "person", {"changes": ["name"]}),
    (ProposalKind.CHANGE, "person", {"changes": {"name": {"first": "A"}}}),
    (ProposalKind.CHANGE, "person", {"changes": {"relation": "anak"}}),
    (ProposalKind.CHANGE, "household", {"changes": {"floor_area_m2": "luas"}}),
    (ProposalKind.CHANGE, "household", {"changes": {"floor_area_m2": 10**12}}),
    (ProposalKind.CHANGE, "household", {"changes": {"in_dtks": "ya"}}),
    (ProposalKind.REMOVAL, "person", {"reason": ["meninggal"], "date": "2025-01-01"}),
    (ProposalKind.PPKS, "person", {"category": ["GELANDANGAN"], "criteria": [1]}),
    (ProposalKind.PPKS, "person", {"category": "GELANDANGAN", "criteria": [[1], {"a": 1}]}),
    (ProposalKind.PPKS, "person", {"category": "GELANDANGAN", "criteria": 1}),
    (ProposalKind.COMPOSITION, "household", {"members": [{"person": "1", "to": {}}]}),
    (ProposalKind.COMPOSITION, "household", {"members": [1, 2]}),
    (ProposalKind.COMPOSITION, "household", {"members": [], "join_kk": 3516010503150001}),
    (ProposalKind.COMPOSITION, "household", {"members": [], "new_household": "baru"}),
    (ProposalKind.CHANGE, "person", []),
]


@pytest.mark.parametrize(("kind", "whose", "payload"), ODD)
def test_a_payload_of_the_wrong_shape_is_refused(
    make_user: Any, kind: str, whose: str, payload: Any
) -> None:
    actor = make_user(Role.OPERATOR_DESA, [DESA_A])
    household = HouseholdFactory()
    person = PersonFactory()
    add_member(person, household)
    with pytest.raises(ValidationError) as refused:
        submit_proposal(
            actor=actor,
            kind=kind,
            desa=Wilayah.objects.get(code=DESA_A),
            payload=payload,
            household=household if whose == "household" else None,
            person=person if whose == "person" else None,
        )
    assert refused.value.messages
    assert not Proposal.objects.exists()


def test_what_the_forms_send_still_fits(make_user: Any) -> None:
    actor = make_user(Role.OPERATOR_DESA, [DESA_A])
    household = HouseholdFactory()
    proposal, _warnings = submit_proposal(
        actor=actor,
        kind=ProposalKind.CHANGE,
        desa=Wilayah.objects.get(code=DESA_A),
        payload={"changes": {"floor_area_m2": "45.5", "desil": 3, "in_dtks": True, "rt": "004"}},
        household=household,
    )
    assert proposal.payload["changes"]["floor_area_m2"] == "45.5"
