"""Registering and editing partners, and their active state with a dated history: every
change has a date and a reason; no change to the state it has, no date in the future or
before the last change; nothing is half-saved; the actor's area and capability count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.partners.models import Partner, PartnerKind, PartnerStatusChange
from sejahtera.partners.services import PartnerData, change_status, register_partner, update_partner
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, KEC_B, MOJOKERTO
from tests.partners.factories import days, make_partner
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _register(actor: Any, kind: PartnerKind, **data: Any) -> Partner:
    values: dict[str, Any] = {"name": "Sri Rahayu", "area_code": DESA_A}
    values.update(data)
    registered_on = values.pop("registered_on", days(-10))
    return register_partner(
        actor=actor, kind=kind, data=PartnerData(**values), registered_on=registered_on
    )


def test_register_starts_the_history(kinds: dict[str, PartnerKind]) -> None:
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    person = PersonFactory(desa_id=DESA_A)
    partner = _register(
        tksk,
        kinds["psm"],
        person=person,
        phone="081234567890",
        email="sri@example.test",
        decree_number="188/12/416-2024",
    )
    assert partner.active and partner.active_since == days(-10)
    assert partner.created_by == tksk and partner.person == person
    [first] = PartnerStatusChange.objects.filter(partner=partner)
    assert first.active and first.on == days(-10) and first.reason == "Pendaftaran"
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="partners.partner", wilayah_code=DESA_A
    ).exists()


def test_register_refusals_save_nothing(kinds: dict[str, PartnerKind]) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    _register(clerk, kinds["tagana"], name="Agus Santoso")
    before = (Partner.objects.count(), PartnerStatusChange.objects.count())
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": kinds["psm"], "name": "Al"}, "name"),
        ({"kind": kinds["tagana"], "name": "agus  santoso"}, "name"),  # already registered
        ({"kind": kinds["lks"], "name": "LKSA Harapan"}, "lks_type"),
        ({"kind": kinds["psm"], "lks_type": "anak"}, "lks_type"),
        ({"kind": kinds["lks"], "lks_type": "anak", "person": PersonFactory()}, "person"),
        ({"kind": kinds["psm"], "email": "bukan-surel"}, "email"),
        ({"kind": kinds["psm"], "decree_date": days(3)}, "decree_date"),
        ({"kind": kinds["psm"], "registered_on": days(1)}, "registered_on"),
        ({"kind": kinds["psm"], "area_code": "99.99"}, "area"),
    ]
    for data, field in cases:
        kind = data.pop("kind")
        with pytest.raises(ValidationError) as caught:
            _register(clerk, kind, **data)
        assert field in caught.value.message_dict, (data, caught.value)
    # Outside the clerk's desa, and a person registered elsewhere.
    with pytest.raises(PermissionDenied):
        _register(clerk, kinds["psm"], area_code=DESA_B)
    with pytest.raises(ValidationError) as caught:
        _register(clerk, kinds["psm"], person=PersonFactory(desa_id=DESA_B))
    assert "di luar wilayah" in caught.value.message_dict["person"][0]
    with pytest.raises(PermissionDenied):
        _register(UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]), kinds["psm"])
    assert (Partner.objects.count(), PartnerStatusChange.objects.count()) == before


def test_status_changes_with_date_and_reason(kinds: dict[str, PartnerKind]) -> None:
    operator = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    partner = make_partner("tksk", area=KEC_A, registered_on=days(-300))
    change_status(
        actor=operator, partner=partner, active=False, on=days(-100), reason="Pindah domisili"
    )
    change_status(
        actor=operator, partner=partner, active=True, on=days(-5), reason="Ditugaskan kembali"
    )
    partner.refresh_from_db()
    assert partner.active and partner.active_since == days(-5)
    history = list(partner.status_changes.values_list("active", "on", "reason"))
    assert history == [
        (True, days(-300), "Pendaftaran"),
        (False, days(-100), "Pindah domisili"),
        (True, days(-5), "Ditugaskan kembali"),
    ]
    assert (
        AuditEvent.objects.filter(
            action=Action.UPDATE, object_type="partners.partner", object_id=str(partner.pk)
        ).count()
        == 2
    )


def test_status_refusals_save_nothing(kinds: dict[str, PartnerKind]) -> None:
    operator = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    partner = make_partner("psm", registered_on=days(-300))
    change_status(actor=operator, partner=partner, active=False, on=days(-50), reason="Mundur")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"active": True, "on": days(-1), "reason": "  "}, "reason", "alasan"),
        (
            {"active": False, "on": days(-1), "reason": "Tetap tidak aktif"},
            "active",
            "sudah tidak aktif",
        ),
        ({"active": True, "on": days(2), "reason": "Aktif lagi"}, "on", "masa depan"),
        ({"active": True, "on": days(-60), "reason": "Aktif lagi"}, "on", "sebelum perubahan"),
    ]
    for data, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            change_status(actor=operator, partner=partner, **data)
        assert words in " ".join(caught.value.message_dict[field]), caught.value
    partner.refresh_from_db()
    assert not partner.active and partner.active_since == days(-50)
    assert partner.status_changes.count() == 2
    # Another kecamatan's TKSK and the auditor may not change it.
    other = UserFactory(role=Role.TKSK, area_codes=[KEC_B])
    auditor = UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO])
    for actor in (other, auditor):
        with pytest.raises(PermissionDenied):
            change_status(
                actor=actor, partner=partner, active=True, on=days(0), reason="Aktif lagi"
            )
    assert partner.status_changes.count() == 2


def test_update_partner(kinds: dict[str, PartnerKind]) -> None:
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    partner = make_partner("karang-taruna", name="Karang Taruna Tawangrejo")
    updated = update_partner(
        actor=tksk,
        partner=partner,
        data=PartnerData(
            name="Karang Taruna Tunas Muda",
            area_code=DESA_A,
            decree_number="188/5/2025",
            deed_number="AHU-1",
        ),
    )
    assert updated.name == "Karang Taruna Tunas Muda" and updated.decree_number == "188/5/2025"
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(partner.pk)).get()
    assert event.changes["name"] == ["Karang Taruna Tawangrejo", "Karang Taruna Tunas Muda"]
    with pytest.raises(PermissionDenied):  # moving it out of the TKSK's kecamatan
        update_partner(
            actor=tksk, partner=partner, data=PartnerData(name="Karang Taruna X", area_code=DESA_B)
        )
    elsewhere = make_partner("karang-taruna", area=DESA_B)
    with pytest.raises(PermissionDenied):
        update_partner(
            actor=tksk, partner=elsewhere, data=PartnerData(name="Diubah", area_code=DESA_B)
        )
    partner.refresh_from_db()
    assert partner.area_id == DESA_A and partner.name == "Karang Taruna Tunas Muda"
