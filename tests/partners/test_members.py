"""The people an LKS cares for: registered persons or names with birth dates, arriving and
leaving on dates; `members_on` (registered persons living in an active LKS of the given
kinds on a date, for per-institution aid) and `member_counts`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.partners.models import InstitutionMember, PartnerKind
from sejahtera.partners.selectors import member_counts, members_on
from sejahtera.partners.services import add_member, change_status, end_member
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO
from tests.partners.factories import TODAY, days, make_partner
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_add_and_end_members(kinds: dict[str, PartnerKind]) -> None:
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    lksa = make_partner("lks", name="LKSA Harapan")
    child = PersonFactory(desa_id=DESA_A, birth_date=days(-3650))
    registered = add_member(actor=tksk, partner=lksa, person=child, since=days(-100))
    found = add_member(
        actor=tksk,
        partner=lksa,
        name="Anak tanpa identitas",
        birth_date=days(-2000),
        since=days(-30),
    )
    assert registered.display_name == child.name and found.person is None
    assert (
        AuditEvent.objects.filter(
            action=Action.CREATE, object_type="partners.institutionmember"
        ).count()
        == 2
    )
    left = end_member(actor=tksk, member=registered, until=days(-1), reason="Kembali ke keluarga")
    assert left.until == days(-1) and left.end_reason == "Kembali ke keluarga"
    with pytest.raises(ValidationError, match="sudah keluar"):
        end_member(actor=tksk, member=registered, until=TODAY, reason="Kembali ke keluarga")
    # After leaving, the child may come back (a new stay).
    add_member(actor=tksk, partner=lksa, person=child, since=TODAY)
    assert InstitutionMember.objects.filter(person=child).count() == 2


def test_member_refusals_save_nothing(kinds: dict[str, PartnerKind]) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    lksa = make_partner("lks", name="LKSA Harapan")
    other = make_partner("lks", name="LKSA Kasih")
    child = PersonFactory(desa_id=DESA_A, birth_date=days(-3650))
    stay = add_member(actor=clerk, partner=other, person=child, since=days(-200))
    before = InstitutionMember.objects.count()
    dead = PersonFactory(desa_id=DESA_A, is_deceased=True)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"person": child, "since": days(-10)}, "person", "sudah tercatat tinggal di LKSA Kasih"),
        ({"person": child, "since": days(-400)}, "person", "LKSA Kasih"),  # open stay overlaps
        ({"person": dead, "since": days(-10)}, "person", "meninggal"),
        (
            {"person": PersonFactory(desa_id=DESA_A), "name": "Budi", "since": days(-1)},
            "name",
            "bukan keduanya",
        ),
        ({"name": "Bu", "birth_date": days(-900), "since": days(-1)}, "name", "nama"),
        ({"name": "Budi Santoso", "since": days(-1)}, "birth_date", "tanggal lahir"),
        (
            {"name": "Budi Santoso", "birth_date": days(-9), "since": days(-10)},
            "since",
            "sebelum tanggal lahir",
        ),
        (
            {"name": "Budi Santoso", "birth_date": days(-900), "since": days(1)},
            "since",
            "masa depan",
        ),
    ]
    for data, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            add_member(actor=clerk, partner=lksa, **data)
        assert words in " ".join(caught.value.message_dict[field]), (data, caught.value)
    with pytest.raises(PermissionDenied):  # a person outside the clerk's desa
        add_member(actor=clerk, partner=lksa, person=PersonFactory(desa_id=DESA_B), since=TODAY)
    with pytest.raises(PermissionDenied):  # an LKS outside the clerk's desa
        add_member(
            actor=clerk,
            partner=make_partner("lks", area=DESA_B),
            name="Budi Santoso",
            birth_date=days(-900),
            since=TODAY,
        )
    with pytest.raises(ValidationError, match="hanya dicatat untuk LKS"):
        add_member(
            actor=clerk,
            partner=make_partner("karang-taruna"),
            name="Budi Santoso",
            birth_date=days(-900),
            since=TODAY,
        )
    change_status(actor=None, partner=lksa, active=False, on=TODAY, reason="Ditutup sementara")
    with pytest.raises(ValidationError, match="tidak aktif"):
        add_member(
            actor=clerk, partner=lksa, name="Budi Santoso", birth_date=days(-900), since=TODAY
        )
    for data, field in (
        ({"until": days(-300), "reason": "Kembali ke keluarga"}, "until"),
        ({"until": days(1), "reason": "Kembali ke keluarga"}, "until"),
        ({"until": days(-1), "reason": ""}, "reason"),
    ):
        with pytest.raises(ValidationError) as caught:
            end_member(actor=clerk, member=stay, **data)
        assert field in caught.value.message_dict
    stay.refresh_from_db()
    assert stay.until is None and InstitutionMember.objects.count() == before


def test_members_on(kinds: dict[str, PartnerKind]) -> None:
    lksa = make_partner("lks", name="LKSA Harapan", lks_type="anak", registered_on=days(-500))
    elderly_home = make_partner("lks", name="Panti Werdha", lks_type="lansia", area=DESA_B)
    child = PersonFactory(desa_id=DESA_A, birth_date=days(-3650))
    leaver = PersonFactory(desa_id=DESA_A, birth_date=days(-3000))
    late = PersonFactory(desa_id=DESA_A, birth_date=days(-3000))
    grandma = PersonFactory(desa_id=DESA_B, birth_date=days(-30000))
    add_member(actor=None, partner=lksa, person=child, since=days(-300))
    gone = add_member(actor=None, partner=lksa, person=leaver, since=days(-300))
    end_member(actor=None, member=gone, until=days(-100), reason="Kembali ke keluarga")
    add_member(actor=None, partner=lksa, person=late, since=days(-50))
    add_member(
        actor=None, partner=lksa, name="Anak tanpa NIK", birth_date=days(-2000), since=days(-300)
    )
    add_member(actor=None, partner=elderly_home, person=grandma, since=days(-300))

    def on(day: int, kinds: tuple[str, ...] | None = ("anak",), user: Any = None) -> set[str]:
        chosen = list(kinds) if kinds is not None else None
        return {p.name for p in members_on(kinds=chosen, on=days(day), user=user)}

    assert on(-200) == {child.name, leaver.name}
    assert on(-101) == {child.name, leaver.name}
    assert on(-100) == {child.name}  # left that day
    assert on(-50) == {child.name, late.name}  # arrived that day
    assert on(-400) == set()
    assert on(-10, kinds=None) == {child.name, late.name, grandma.name}
    assert on(-10, kinds=("lansia", "odgj")) == {grandma.name}
    # Scoped by the LKS's area.
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    assert on(-10, kinds=None, user=clerk) == {grandma.name}
    assert on(-10, kinds=None, user=UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO])) == {
        child.name,
        late.name,
        grandma.name,
    }
    # A person who died is not living there after their death.
    late.is_deceased, late.death_date = True, days(-20)
    late.save()
    assert on(-30) == {child.name, late.name} and on(-10) == {child.name}
    # An LKS that stopped operating houses nobody from then on.
    change_status(actor=None, partner=lksa, active=False, on=days(-5), reason="Izin dicabut")
    assert on(-10) == {child.name} and on(-5) == set()
    counts = {p.name: (p.member_count, p.registered_count) for p in member_counts(on=days(-10))}
    assert counts == {"LKSA Harapan": (2, 1), "Panti Werdha": (1, 1)}
    assert [p.name for p in member_counts(on=days(-10), kinds=["lansia"], user=clerk)] == [
        "Panti Werdha"
    ]
    assert list(member_counts(on=TODAY, kinds=["anak"])) == []
