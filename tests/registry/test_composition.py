"""Family composition proposals: a head changes, a household splits; history stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sejahtera.registry.models import Household, Membership, ProposalKind
from sejahtera.registry.services import submit_proposal
from tests.conftest import DESA_A
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member
from tests.registry.test_proposals import desa, team, through  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def family() -> dict[str, Any]:
    household = HouseholdFactory(desa_id=DESA_A)
    head = PersonFactory(desa_id=DESA_A, sex="L")
    wife = PersonFactory(desa_id=DESA_A, sex="P")
    son = PersonFactory(desa_id=DESA_A, sex="L")
    daughter_in_law = PersonFactory(desa_id=DESA_A, sex="P")
    add_member(head, household, "kepala")
    add_member(wife, household, "pasangan")
    add_member(son, household, "anak")
    add_member(daughter_in_law, household, "menantu")
    return {"household": household, "head": head, "wife": wife, "son": son, "dil": daughter_in_law}


def _submit(team: dict[str, Any], family: dict[str, Any], payload: dict[str, Any]) -> Any:  # noqa: F811
    proposal, _warnings = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.COMPOSITION,
        desa=desa(),
        household=family["household"],
        payload=payload,
        reason="Kepala keluarga meninggal / anak menikah",
    )
    return proposal


def test_head_change_keeps_history(team: dict[str, Any], family: dict[str, Any]) -> None:  # noqa: F811
    proposal = _submit(
        team,
        family,
        {
            "members": [
                {"person": family["head"].pk, "relation": "orang_tua", "to": "same"},
                {"person": family["son"].pk, "relation": "kepala", "to": "same"},
                {"person": family["dil"].pk, "relation": "pasangan", "to": "same"},
                {"person": family["wife"].pk, "relation": "orang_tua", "to": "same"},
            ]
        },
    )
    through(team, proposal)
    household = family["household"]
    open_ = dict(
        household.memberships.filter(end_date__isnull=True).values_list("person_id", "relation")
    )
    assert open_[family["son"].pk] == "kepala" and open_[family["head"].pk] == "orang_tua"
    old = Membership.objects.get(person=family["head"], relation="kepala")
    assert old.end_date == timezone.localdate() and "usulan" in old.end_reason
    assert Membership.objects.filter(person=family["son"]).count() == 2


def test_split_creates_a_new_kk(team: dict[str, Any], family: dict[str, Any]) -> None:  # noqa: F811
    proposal = _submit(
        team,
        family,
        {
            "members": [
                {"person": family["son"].pk, "relation": "kepala", "to": "new"},
                {"person": family["dil"].pk, "relation": "pasangan", "to": "new"},
            ],
            "new_household": {"kk_number": "3516010503160123", "rt": "004", "street": "Jl. Baru"},
        },
    )
    assert proposal.payload_summary.endswith("2 anggota, 2 pindah ke KK baru")
    through(team, proposal)
    new = Household.objects.get(kk_number="3516010503160123")
    assert new.desa_id == DESA_A
    assert set(
        new.memberships.filter(end_date__isnull=True).values_list("person_id", "relation")
    ) == {(family["son"].pk, "kepala"), (family["dil"].pk, "pasangan")}
    assert family["household"].memberships.filter(end_date__isnull=True).count() == 2
    assert Membership.objects.get(
        person=family["son"], household=family["household"]
    ).end_reason.startswith("Pecah KK")


@pytest.fixture
def other_family() -> dict[str, Any]:
    household = HouseholdFactory(desa_id=DESA_A, kk_number="3516010503160200")
    head = PersonFactory(desa_id=DESA_A, sex="P")
    add_member(head, household, "kepala")
    return {"household": household, "head": head}


def test_member_joins_another_registered_kk(
    team: dict[str, Any],  # noqa: F811
    family: dict[str, Any],
    other_family: dict[str, Any],
) -> None:
    proposal = _submit(
        team,
        family,
        {
            "members": [{"person": family["son"].pk, "relation": "pasangan", "to": "join"}],
            "join_kk": "3516010503160200",
        },
    )
    assert proposal.payload_summary.endswith("1 pindah ke KK 3516010503160200")
    through(team, proposal)
    target = other_family["household"]
    assert set(
        target.memberships.filter(end_date__isnull=True).values_list("person_id", "relation")
    ) == {(other_family["head"].pk, "kepala"), (family["son"].pk, "pasangan")}
    old = Membership.objects.get(person=family["son"], household=family["household"])
    assert old.end_date is not None and "Pindah ke KK 3516010503160200" in old.end_reason
    assert family["household"].memberships.filter(end_date__isnull=True).count() == 3


@pytest.mark.parametrize(
    ("join_kk", "relation", "message"),
    [
        ("", "anak", "Isi nomor KK tujuan"),
        ("3516010503169999", "anak", "belum terdaftar"),
        ("3516010503160200", "kepala", "tepat satu kepala keluarga (diusulkan 2)"),
        ("OWN", "anak", "KK tujuan sama dengan KK ini"),
        ("3516020503150300", "anak", "ada di desa lain"),
    ],
)
def test_bad_joins_are_refused(
    team: dict[str, Any],  # noqa: F811
    family: dict[str, Any],
    other_family: dict[str, Any],
    join_kk: str,
    relation: str,
    message: str,
) -> None:
    HouseholdFactory(desa_id="35.16.02.2001", kk_number="3516020503150300")
    if join_kk == "OWN":
        join_kk = family["household"].kk_number
    with pytest.raises(ValidationError) as caught:
        _submit(
            team,
            family,
            {
                "members": [{"person": family["son"].pk, "relation": relation, "to": "join"}],
                "join_kk": join_kk,
            },
        )
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert not family["household"].proposals.exists()


@pytest.mark.parametrize(
    ("changes", "new_household", "message"),
    [
        ([("head", "anak", "same")], None, "KK ini harus punya tepat satu kepala"),
        ([("son", "kepala", "same")], None, "tepat satu kepala keluarga (diusulkan 2)"),
        ([("son", "anak", "new")], {"kk_number": "3516010503160124"}, "KK baru harus punya"),
        ([("son", "kepala", "new")], None, "Nomor KK baru wajib diisi"),
        ([("head", "kepala", "same")], None, "sama dengan yang tercatat"),
    ],
)
def test_bad_compositions_are_refused(
    team: dict[str, Any],  # noqa: F811
    family: dict[str, Any],
    changes: list[tuple[str, str, str]],
    new_household: dict[str, str] | None,
    message: str,
) -> None:
    payload: dict[str, Any] = {
        "members": [{"person": family[k].pk, "relation": r, "to": t} for k, r, t in changes]
    }
    if new_household:
        payload["new_household"] = new_household
    with pytest.raises(ValidationError) as caught:
        _submit(team, family, payload)
    assert message in " ".join(caught.value.messages)


def test_composition_page(team: dict[str, Any], family: dict[str, Any], login: Any) -> None:  # noqa: F811
    client = login(team["operator"])
    url = f"/registri/keluarga/{family['household'].pk}/usul-susunan/"
    page = client.get(url)
    assert page.status_code == 200 and "pecah KK" in page.text
    form = {
        f"relation_{family[k].pk}": r
        for k, r in (
            ("head", "kepala"),
            ("wife", "pasangan"),
            ("son", "kepala"),
            ("dil", "pasangan"),
        )
    }
    refused = client.post(url, {**form, "reason": "x"})
    assert refused.status_code == 200 and "tepat satu kepala keluarga" in refused.text
    form |= {f"to_{family['son'].pk}": "new", f"to_{family['dil'].pk}": "new"}
    done = client.post(
        url, {**form, "baru-kk_number": "3516010503160125", "reason": "Anak menikah"}
    )
    assert done.status_code == 302
    assert family["household"].proposals.get().kind == ProposalKind.COMPOSITION
