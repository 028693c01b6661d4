"""Capacity building: trainings with participants and results, and UEP grants checked
against each condition of Tabel 2.4.2 rows 23-24 (one message per unmet condition)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.partners.capacity import add_participant, create_training, grant_uep, record_result
from sejahtera.partners.models import PartnerKind, Training, TrainingParticipant, UepGrant
from sejahtera.partners.services import change_status
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO
from tests.partners.factories import days, make_certificate, make_partner

pytestmark = pytest.mark.django_db


def _training(actor: Any = None, **data: Any) -> Training:
    values: dict[str, Any] = {
        "name": "Bimbingan Teknis PSM",
        "starts_on": days(-10),
        "ends_on": days(-8),
        "organiser": "Dinas Sosial",
        "place": "Aula Dinas Sosial",
        "area_code": MOJOKERTO,
    }
    values.update(data)
    return create_training(actor=actor, **values)


def test_training_participants_and_results(kinds: dict[str, PartnerKind]) -> None:
    operator = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    training = _training(operator, target_kind=kinds["psm"])
    psm = make_partner("psm", name="Sri Rahayu")
    participant = add_participant(actor=operator, training=training, partner=psm)
    result = record_result(actor=operator, participant=participant, passed=True, note="Nilai 85")
    assert result.passed is True and result.note == "Nilai 85"
    assert AuditEvent.objects.filter(object_type="partners.trainingparticipant").count() == 2
    # Refusals.
    with pytest.raises(ValidationError, match="sudah menjadi peserta"):
        add_participant(actor=operator, training=training, partner=psm)
    with pytest.raises(ValidationError, match="Pelatihan ini untuk Pekerja Sosial Masyarakat"):
        add_participant(actor=operator, training=training, partner=make_partner("tksk", area=KEC_A))
    quitter = make_partner("psm", name="Agus")
    change_status(
        actor=None, partner=quitter, active=False, on=days(-20), reason="Mengundurkan diri"
    )
    with pytest.raises(ValidationError, match="tidak aktif"):
        add_participant(actor=operator, training=training, partner=quitter)
    upcoming = _training(operator, starts_on=days(-1), ends_on=days(2))
    early = add_participant(actor=operator, training=upcoming, partner=psm)
    with pytest.raises(ValidationError, match="setelah pelatihan selesai"):
        record_result(actor=operator, participant=early, passed=True)
    early.refresh_from_db()
    assert early.passed is None
    # A TKSK may not add to the office's training, nor add a partner of another kecamatan.
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    with pytest.raises(PermissionDenied):
        add_participant(actor=tksk, training=training, partner=make_partner("psm", area=DESA_A))
    local = _training(tksk, area_code=KEC_A)
    with pytest.raises(PermissionDenied):
        add_participant(actor=tksk, training=local, partner=make_partner("psm", area=DESA_B))
    assert TrainingParticipant.objects.count() == 2


def test_training_refusals(kinds: dict[str, PartnerKind]) -> None:
    tksk = UserFactory(role=Role.TKSK, area_codes=[KEC_A])
    for data, field in (
        ({"name": "Bim"}, "name"),
        ({"organiser": ""}, "organiser"),
        ({"place": " "}, "place"),
        ({"starts_on": days(-1), "ends_on": days(-2)}, "ends_on"),
        ({"area_code": "00"}, "area"),
    ):
        with pytest.raises(ValidationError) as caught:
            _training(tksk, **{**data, "area_code": data.get("area_code", KEC_A)})
        assert field in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        _training(tksk)  # the kabupaten is outside a TKSK's kecamatan
    assert Training.objects.count() == 0


def _grant(partner: Any, actor: Any = None, **data: Any) -> UepGrant:
    values: dict[str, Any] = {
        "amount": 15_000_000,
        "granted_on": days(-1),
        "business": "Usaha sablon kaos dan percetakan undangan",
    }
    values.update(data)
    return grant_uep(actor=actor, partner=partner, **values)


def _reasons(caught: Any) -> list[str]:
    return list(caught.value.message_dict.get(NON_FIELD_ERRORS, []))


def test_uep_to_karang_taruna(kinds: dict[str, PartnerKind]) -> None:
    operator = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    ready = make_partner("karang-taruna", decree_number="188/3/416-2024")
    grant = _grant(ready, operator)
    assert grant.amount == 15_000_000
    assert grant.evidence == {
        "village": DESA_A,
        "board_decree": "188/3/416-2024",
        "business": "Usaha sablon kaos dan percetakan undangan",
    }
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="partners.uepgrant").exists()
    # A Karang Taruna of a kecamatan, without a board decree, without a business: three
    # conditions, three messages citing the seed.
    bare = make_partner("karang-taruna", area=KEC_A)
    with pytest.raises(ValidationError) as caught:
        _grant(bare, operator, business="")
    reasons = _reasons(caught)
    assert len(reasons) == 3
    assert "“Karang Taruna Desa/Kel.” (Renstra baris 2846)" in reasons[0]
    assert "Kecamatan Jatirejo, bukan desa/kelurahan" in reasons[0]
    assert "“Ada SK Pengurus Karang Taruna” (Renstra baris 2847-2848)" in reasons[1]
    assert "Ada Kegiatan Usaha Ekonomis Produktif (embrio UEP)" in reasons[2]
    # Each condition alone.
    no_decree = make_partner("karang-taruna", area=DESA_B)
    with pytest.raises(ValidationError) as caught:
        _grant(no_decree)
    assert len(_reasons(caught)) == 1 and "SK Pengurus" in _reasons(caught)[0]
    with pytest.raises(ValidationError) as caught:
        _grant(ready, business="lele")
    assert len(_reasons(caught)) == 1 and "embrio UEP" in _reasons(caught)[0]
    assert UepGrant.objects.count() == 1


def test_uep_to_lks(kinds: dict[str, PartnerKind]) -> None:
    lks = make_partner("lks", deed_number="AHU-0012.AH.01.07")
    with pytest.raises(ValidationError) as caught:
        _grant(lks)
    [reason] = _reasons(caught)
    assert "“Sudah Terdaftar di Dinas Sosial (STP)” (Renstra baris 2862-2863)" in reason
    assert "belum ada STP" in reason
    make_certificate(lks, expires_on=days(-5), issued_on=days(-800), number="460/1/STP")
    with pytest.raises(ValidationError) as caught:
        _grant(lks)
    assert "tidak ada STP yang berlaku" in _reasons(caught)[0]
    make_certificate(lks, expires_on=days(700), issued_on=days(-3), number="460/2/STP")
    grant = _grant(lks)
    assert grant.evidence["registered"] == "460/2/STP"
    # Before the renewal's issue date the expired one does not count.
    with pytest.raises(ValidationError):
        _grant(lks, granted_on=days(-4))
    bare = make_partner("lks")
    with pytest.raises(ValidationError) as caught:
        _grant(bare, business="")
    reasons = _reasons(caught)
    assert len(reasons) == 3
    assert "Akte Pendirian (Notaris)" in reasons[0] and "Memiliki Potensi Usaha" in reasons[2]
    assert UepGrant.objects.count() == 1


def test_uep_refusals(kinds: dict[str, PartnerKind]) -> None:
    ready = make_partner("karang-taruna", decree_number="188/3/416-2024")
    with pytest.raises(ValidationError) as caught:
        _grant(ready, amount=0, granted_on=days(2))
    assert "amount" in caught.value.message_dict and "granted_on" in caught.value.message_dict
    with pytest.raises(ValidationError, match="hanya untuk Karang Taruna dan LKS"):
        _grant(make_partner("psm"))
    change_status(actor=None, partner=ready, active=False, on=days(-10), reason="Pengurus vakum")
    with pytest.raises(ValidationError) as caught:
        _grant(ready)
    assert "tidak aktif" in _reasons(caught)[0]
    # Active on the day of an earlier grant is what counts.
    assert _grant(ready, granted_on=days(-20)).granted_on == days(-20)
    with pytest.raises(PermissionDenied):
        _grant(ready, UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B]))
    with pytest.raises(PermissionDenied):
        _grant(ready, UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]))
    assert UepGrant.objects.count() == 1
