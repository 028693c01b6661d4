from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.registry.models import (
    Household,
    Membership,
    Person,
    PpksAssessment,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from sejahtera.registry.services import (
    decide_proposal,
    endorse_batch,
    submit_proposal,
    verify_proposal,
)
from sejahtera.wilayah.models import Wilayah
from tests.conftest import DESA_A, DESA_B, KEC_A
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    return {
        "operator": make_user(Role.OPERATOR_DESA, [DESA_A], username="op_a"),
        "tksk": make_user(Role.TKSK, [KEC_A], username="tksk_a"),
        "office": make_user(Role.OPERATOR_DINAS, username="dinas"),
        "kabid": make_user(Role.KEPALA_BIDANG, username="kabid1"),
    }


def desa(code: str = DESA_A) -> Wilayah:
    return Wilayah.objects.get(code=code)


def minutes() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "berita-acara.pdf", b"%PDF-1.4 berita acara", content_type="application/pdf"
    )


NEW_FAMILY = {
    "household": {"kk_number": "3516010503150099", "rt": "001", "rw": "002", "street": "Jl. Mawar"},
    "members": [
        {
            "nik": "3516011208850011",
            "name": "Slamet",
            "sex": "L",
            "birth_date": "1985-08-12",
            "relation": "kepala",
        },
        {
            "nik": "3516015703880012",
            "name": "Sulastri",
            "sex": "P",
            "birth_date": "1988-03-17",
            "relation": "pasangan",
        },
    ],
}


def through(
    team: dict[str, Any], proposal: Proposal, approve: bool = True, reason: str = ""
) -> Proposal:
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="Dicek ke rumah, sesuai.")
    endorse_batch(
        actor=team["operator"],
        desa=desa(proposal.desa_id),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=[proposal],
    )
    return decide_proposal(actor=team["office"], proposal=proposal, approve=approve, reason=reason)


def test_new_household_goes_through_every_step(team: dict[str, Any]) -> None:
    proposal, warnings = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.NEW_HOUSEHOLD,
        desa=desa(),
        payload=NEW_FAMILY,
        reason="Keluarga baru pindah",
    )
    assert warnings == []
    assert not Person.objects.filter(
        nik="3516011208850011"
    ).exists()  # nothing changes before approval
    proposal = through(team, proposal)
    assert proposal.status == ProposalStatus.APPROVED
    household = Household.objects.get(kk_number="3516010503150099")
    assert household.desa_id == DESA_A
    heads = Membership.objects.filter(household=household, relation="kepala", end_date__isnull=True)
    assert [m.person.name for m in heads] == ["Slamet"]
    assert [s.status for s in proposal.steps.all()] == [
        "diajukan",
        "diverifikasi",
        "disahkan_musdes",
        "disetujui",
    ]
    assert AuditEvent.objects.filter(object_type="registry.person", action="create").count() == 2


def test_nik_errors_and_warnings(team: dict[str, Any]) -> None:
    bad = {"member": {"nik": "3516013202850001", "name": "X", "sex": "L", "relation": "anak"}}
    household = HouseholdFactory()
    with pytest.raises(ValidationError, match="bukan tanggal yang sah"):
        submit_proposal(
            actor=team["operator"],
            kind=ProposalKind.NEW_PERSON,
            desa=desa(),
            household=household,
            payload=bad,
        )
    mismatch = {
        "member": {
            "nik": "3516011208850021",
            "name": "Y",
            "sex": "P",
            "birth_date": "1985-08-13",
            "relation": "anak",
        }
    }
    _proposal, warnings = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.NEW_PERSON,
        desa=desa(),
        household=household,
        payload=mismatch,
    )
    assert len(warnings) == 2  # birth date and sex disagree with the NIK: warnings, not errors


def test_registered_nik_is_refused_with_the_existing_person(team: dict[str, Any]) -> None:
    existing = PersonFactory(nik="3516011208850031", name="Sudah Ada")
    payload = {
        "member": {"nik": "3516011208850031", "name": "Lain", "sex": "L", "relation": "anak"}
    }
    with pytest.raises(ValidationError) as exc:
        submit_proposal(
            actor=team["operator"],
            kind=ProposalKind.NEW_PERSON,
            desa=desa(),
            household=HouseholdFactory(),
            payload=payload,
        )
    assert exc.value.code == "duplicate_nik"
    assert exc.value.params["person_id"] == existing.pk
    assert "Sudah Ada" in exc.value.messages[0]


def test_nik_in_a_pending_proposal_is_refused(team: dict[str, Any]) -> None:
    submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    again = {**NEW_FAMILY, "household": {"kk_number": ""}}
    with pytest.raises(ValidationError, match="belum diputuskan"):
        submit_proposal(
            actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=again
        )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"household": {}, "members": []}, "paling sedikit satu anggota"),
        (
            {
                "household": {},
                "members": [
                    {"nik": "", "no_nik": True, "name": "A", "sex": "L", "relation": "anak"}
                ],
            },
            "tepat satu kepala",
        ),
        ({"household": {"kk_number": "123"}, "members": NEW_FAMILY["members"]}, "16 angka"),
        ({"household": {"lighting": "obor"}, "members": NEW_FAMILY["members"]}, "tidak sah"),
        (
            {"household": {}, "members": [{"name": "A", "sex": "L", "relation": "kepala"}]},
            "tandai sebagai orang tanpa NIK",
        ),
        (
            {
                "household": {},
                "members": [
                    {
                        "nik": "",
                        "no_nik": True,
                        "name": "A",
                        "sex": "L",
                        "relation": "kepala",
                        "birth_date": "2099-01-01",
                    }
                ],
            },
            "masa depan",
        ),
    ],
)
def test_bad_new_household_payloads(
    team: dict[str, Any], payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        submit_proposal(
            actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=payload
        )
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Proposal.objects.exists()


def test_person_without_nik_is_allowed_and_flagged(team: dict[str, Any]) -> None:
    payload = {
        "household": {},
        "members": [{"nik": "", "no_nik": True, "name": "Mr. X", "sex": "L", "relation": "kepala"}],
    }
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=payload
    )
    through(team, proposal)
    person = Person.objects.get(name="Mr. X")
    assert person.nik is None and person.no_nik


def test_separation_of_duties(team: dict[str, Any], make_user: Any) -> None:
    # A user who may both propose and approve (operator dinas) still cannot approve their own.
    office = team["office"]
    proposal, _ = submit_proposal(
        actor=office, kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    with pytest.raises(PermissionDenied):
        verify_proposal(actor=office, proposal=proposal, ok=True, notes="x")  # no VERIFY capability
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="ok")
    endorse_batch(
        actor=team["operator"],
        desa=desa(),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=[proposal],
    )
    with pytest.raises(ValidationError, match="ajukan atau verifikasi sendiri"):
        decide_proposal(actor=office, proposal=proposal, approve=True)
    assert (
        decide_proposal(actor=team["kabid"], proposal=proposal, approve=True).status
        == ProposalStatus.APPROVED
    )


def test_verifier_cannot_verify_own_and_roles_are_enforced(team: dict[str, Any]) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    with pytest.raises(PermissionDenied):
        verify_proposal(actor=team["operator"], proposal=proposal, ok=True, notes="x")
    with pytest.raises(PermissionDenied):
        submit_proposal(
            actor=team["tksk"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
        )
    with pytest.raises(ValidationError, match="hasil pemeriksaan"):
        verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="  ")


def test_out_of_order_and_repeated_steps_are_refused(team: dict[str, Any]) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    with pytest.raises(ValidationError, match="setelah diverifikasi"):
        decide_proposal(actor=team["office"], proposal=proposal, approve=True)
    with pytest.raises(ValidationError, match="belum"):
        endorse_batch(
            actor=team["operator"],
            desa=desa(),
            held_on=dt.date(2026, 11, 20),
            minutes=minutes(),
            proposals=[proposal],
        )
    proposal = through(team, proposal, approve=False, reason="Data ganda")
    assert proposal.status == ProposalStatus.REJECTED and proposal.decision_reason == "Data ganda"
    with pytest.raises(ValidationError, match="sudah berstatus Ditolak"):
        decide_proposal(actor=team["kabid"], proposal=proposal, approve=True)
    assert not Household.objects.filter(kk_number="3516010503150099").exists()


def test_rejection_needs_a_reason_and_field_rejection(team: dict[str, Any]) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="ok")
    endorse_batch(
        actor=team["operator"],
        desa=desa(),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=[proposal],
    )
    with pytest.raises(ValidationError, match="alasan penolakan"):
        decide_proposal(actor=team["office"], proposal=proposal, approve=False, reason=" ")
    other, _ = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.NEW_PERSON,
        desa=desa(),
        household=HouseholdFactory(),
        payload={
            "member": {"nik": "", "no_nik": True, "name": "Z", "sex": "L", "relation": "anak"}
        },
    )
    rejected = verify_proposal(
        actor=team["tksk"], proposal=other, ok=False, notes="Orangnya tidak ada di alamat"
    )
    assert rejected.status == ProposalStatus.REJECTED
    assert "tidak ada di alamat" in rejected.decision_reason


def test_area_scoping_of_each_step(team: dict[str, Any], make_user: Any) -> None:
    with pytest.raises(ValidationError, match="di luar wilayah"):
        submit_proposal(
            actor=team["operator"],
            kind=ProposalKind.NEW_HOUSEHOLD,
            desa=desa(DESA_B),
            payload=NEW_FAMILY,
        )
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    other_tksk = make_user(Role.TKSK, ["35.16.02"])
    with pytest.raises(ValidationError, match="di luar wilayah"):
        verify_proposal(actor=other_tksk, proposal=proposal, ok=True, notes="x")


def test_endorse_batch_needs_same_desa_and_past_date(team: dict[str, Any], make_user: Any) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="ok")
    with pytest.raises(ValidationError, match="masa depan"):
        endorse_batch(
            actor=team["operator"],
            desa=desa(),
            held_on=dt.date.today() + dt.timedelta(days=2),
            minutes=minutes(),
            proposals=[proposal],
        )
    with pytest.raises(ValidationError, match="bukan dari desa ini"):
        endorse_batch(
            actor=make_user(Role.OPERATOR_DINAS),
            desa=desa(DESA_A.replace("2001", "2002")),
            held_on=dt.date(2026, 11, 1),
            minutes=minutes(),
            proposals=[proposal],
        )


def test_change_removal_and_ppks_proposals(team: dict[str, Any]) -> None:
    household = HouseholdFactory(desil=5)
    old = PersonFactory(name="Mbah Karto", birth_date=dt.date(1940, 2, 2))
    add_member(old, household)
    change, _ = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.CHANGE,
        desa=desa(),
        household=household,
        payload={"changes": {"desil": 2, "in_dtks": True}},
    )
    through(team, change)
    household.refresh_from_db()
    assert (household.desil, household.in_dtks) == (2, True)

    ppks, _ = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.PPKS,
        desa=desa(),
        person=old,
        payload={
            "category": "LANJUT_USIA_TERLANTAR",
            "criteria": [1, 3],
            "assessed_on": "2026-11-01",
        },
    )
    through(team, ppks)
    assessment = PpksAssessment.objects.get(person=old)
    assert assessment.assessor == team["tksk"]  # the field worker who verified
    assert assessment.criteria_met.count() == 2

    removal, _ = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.REMOVAL,
        desa=desa(),
        person=old,
        payload={"reason": "meninggal", "date": "2026-11-10"},
    )
    through(team, removal)
    old.refresh_from_db()
    assert old.is_deceased and old.death_date == dt.date(2026, 11, 10)
    membership = Membership.objects.get(person=old)
    assert (
        membership.end_date == dt.date(2026, 11, 10) and membership.end_reason == "Meninggal dunia"
    )


def test_ppks_proposal_enforces_computable_criteria(team: dict[str, Any]) -> None:
    young = PersonFactory(birth_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError, match="paling rendah 60 tahun"):
        submit_proposal(
            actor=team["operator"],
            kind=ProposalKind.PPKS,
            desa=desa(),
            person=young,
            payload={
                "category": "LANJUT_USIA_TERLANTAR",
                "criteria": [1],
                "assessed_on": "2026-11-01",
            },
        )


def test_registry_change_between_proposal_and_approval_is_caught(team: dict[str, Any]) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="ok")
    endorse_batch(
        actor=team["operator"],
        desa=desa(),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=[proposal],
    )
    PersonFactory(nik="3516011208850011")  # registered meanwhile (e.g. by an import)
    with pytest.raises(ValidationError):
        decide_proposal(actor=team["office"], proposal=proposal, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ENDORSED
    assert not Household.objects.filter(kk_number="3516010503150099").exists()


@pytest.mark.django_db(transaction=True)
def test_two_clerks_approving_at_once(make_user: Any) -> None:
    team = {
        "operator": make_user(Role.OPERATOR_DESA, [DESA_A]),
        "tksk": make_user(Role.TKSK, [KEC_A]),
    }
    clerks = [make_user(Role.OPERATOR_DINAS), make_user(Role.KEPALA_BIDANG)]
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    verify_proposal(actor=team["tksk"], proposal=proposal, ok=True, notes="ok")
    endorse_batch(
        actor=team["operator"],
        desa=desa(),
        held_on=dt.date(2026, 11, 20),
        minutes=minutes(),
        proposals=[proposal],
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(clerk: Any) -> None:
        try:
            barrier.wait(timeout=10)
            decide_proposal(actor=clerk, proposal=proposal, approve=True)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1, outcomes
    assert any("sudah berstatus Disetujui" in o for o in outcomes)
    assert Household.objects.filter(kk_number="3516010503150099").count() == 1
    assert Person.objects.filter(nik="3516011208850011").count() == 1


def test_siksng_export_of_approved_proposals(client: Any, team: dict[str, Any]) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    through(team, proposal)
    pending, _ = submit_proposal(
        actor=team["operator"],
        kind=ProposalKind.NEW_PERSON,
        desa=desa(),
        household=HouseholdFactory(),
        payload={
            "member": {"nik": "", "no_nik": True, "name": "Belum", "sex": "L", "relation": "anak"}
        },
    )
    client.force_login(team["office"])
    response = client.get("/registri/usulan/?export=siksng&format=xlsx&keperluan=Unggah+SIKS-NG")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["iddtks", "kode_provinsi", "provinsi"]
    body = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [r["nama"] for r in body] == [
        "Slamet",
        "Sulastri",
    ]  # the pending proposal is not exported
    assert body[0]["nik"] == "3516011208850011" and body[0]["no_kk"] == "3516010503150099"
    assert body[0]["kode_desa"] == DESA_A and body[0]["kabupaten"] == "Kabupaten Mojokerto"
    assert body[0]["hubungan_keluarga"] == "Kepala keluarga"
    text = client.get(
        "/registri/usulan/?export=siksng&format=csv&keperluan=Unggah+SIKS-NG"
    ).content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(parsed) == 3 and parsed[1][15] == "Slamet"
    assert AuditEvent.objects.filter(action="export", object_repr="SIKS-NG").count() == 2
    assert pending.status == ProposalStatus.SUBMITTED


def test_each_step_is_audited_with_old_and_new_status(team: dict[str, Any]) -> None:
    proposal, _ = submit_proposal(
        actor=team["operator"], kind=ProposalKind.NEW_HOUSEHOLD, desa=desa(), payload=NEW_FAMILY
    )
    through(team, proposal)
    events = AuditEvent.objects.filter(
        object_type="registry.proposal", object_id=str(proposal.pk)
    ).order_by("id")
    assert [(e.action, e.changes["status"]) for e in events] == [
        ("create", [None, "diajukan"]),
        ("update", ["diajukan", "diverifikasi"]),
        ("update", ["diverifikasi", "disahkan_musdes"]),
        ("update", ["disahkan_musdes", "disetujui"]),
    ]
