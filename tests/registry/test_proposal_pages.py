"""The proposal flow through its pages, as a village operator, a TKSK and an office clerk
would use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.registry.models import Household, Person, Proposal, ProposalStatus
from tests.conftest import DESA_A, DESA_B, KEC_A
from tests.registry.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%berita acara musdes\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def household_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "desa": DESA_A,
        "kk_number": "3516010503150077",
        "rt": "1",
        "rw": "2",
        "street": "Jl. Melati",
        "dusun": "",
        "reason": "Keluarga baru",
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "15",
        "m-0-nik": "3516011208850071",
        "m-0-name": "Parman",
        "m-0-sex": "L",
        "m-0-birth_date": "1985-08-12",
        "m-0-relation": "kepala",
        "m-1-nik": "",
        "m-1-name": "",
        "m-1-sex": "L",
        "m-1-relation": "anak",
        "m-2-nik": "",
        "m-2-name": "",
        "m-2-sex": "L",
        "m-2-relation": "anak",
    }
    data.update(overrides)
    return data


def test_whole_flow_through_pages(client: Client, make_user: Any) -> None:
    operator = make_user(Role.OPERATOR_DESA, [DESA_A])
    tksk = make_user(Role.TKSK, [KEC_A])
    clerk = make_user(Role.OPERATOR_DINAS)

    client.force_login(operator)
    response = client.post("/registri/usulan/keluarga-baru/", household_post())
    assert response.status_code == 302, response.content.decode()[-3000:]
    proposal = Proposal.objects.get()
    assert proposal.payload["household"]["rt"] == "001"
    assert len(proposal.payload["members"]) == 1  # empty rows ignored

    client.force_login(tksk)
    page = client.get(f"/registri/usulan/{proposal.pk}/").content.decode()
    assert "Verifikasi lapangan" in page
    photo = SimpleUploadedFile("rumah.png", PNG, content_type="image/png")
    response = client.post(
        f"/registri/usulan/{proposal.pk}/",
        {"verify": "1", "v-result": "ok", "v-notes": "Sesuai", "v-photos": photo},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED and proposal.photos.count() == 1

    client.force_login(operator)
    assert (
        f"#{proposal.pk}" in client.get(f"/registri/usulan/musdes/?desa={DESA_A}").content.decode()
    )
    minutes = SimpleUploadedFile("ba.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/registri/usulan/musdes/",
        {"desa": DESA_A, "held_on": "2026-11-20", "minutes": minutes, "proposals": [proposal.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ENDORSED

    client.force_login(clerk)
    response = client.post(
        f"/registri/usulan/{proposal.pk}/", {"decide": "1", "d-decision": "approve", "d-reason": ""}
    )
    assert response.status_code == 302
    assert Household.objects.filter(kk_number="3516010503150077").exists()
    assert Person.objects.get(nik="3516011208850071").name == "Parman"
    again = client.post(
        f"/registri/usulan/{proposal.pk}/", {"decide": "1", "d-decision": "reject", "d-reason": "x"}
    )
    assert again.status_code == 200  # no form any more: the page says it is decided
    assert "Disetujui" in again.content.decode()


def test_duplicate_nik_links_to_existing_person(client: Client, make_user: Any) -> None:
    existing = PersonFactory(nik="3516011208850071", name="Sudah Terdaftar")
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.post("/registri/usulan/keluarga-baru/", household_post()).content.decode()
    assert "Sudah Terdaftar" in body
    assert f'href="/registri/penduduk/{existing.pk}/"' in body
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"m-0-nik": "35160112088500"}, "NIK harus 16 angka"),
        ({"m-0-nik": "3516013202850071"}, "bukan tanggal yang sah"),
        ({"m-0-relation": "anak"}, "tepat satu kepala keluarga"),
        ({"desa": DESA_B}, "Pilih desa"),
        ({"m-0-birth_date": "2026-02-30"}, "tanggal yang valid"),
        ({"rt": "satu"}, "RT berupa angka"),
        ({"reason": ""}, "wajib diisi"),
    ],
)
def test_new_household_form_bad_input(
    client: Client, make_user: Any, overrides: dict[str, Any], message: str
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = client.post("/registri/usulan/keluarga-baru/", household_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_musdes_refuses_a_disguised_file(client: Client, make_user: Any) -> None:
    from sejahtera.registry.models import ProposalKind

    operator = make_user(Role.OPERATOR_DESA, [DESA_A])
    proposal = Proposal.objects.create(
        kind=ProposalKind.NEW_PERSON,
        desa_id=DESA_A,
        household=HouseholdFactory(),
        payload={"member": {"name": "A"}},
        proposed_by=operator,
        status=ProposalStatus.VERIFIED,
    )
    client.force_login(operator)
    fake = SimpleUploadedFile("ba.pdf", b"MZ\x90 bukan pdf", content_type="application/pdf")
    response = client.post(
        "/registri/usulan/musdes/",
        {"desa": DESA_A, "held_on": "2026-11-20", "minutes": fake, "proposals": [proposal.pk]},
    )
    assert response.status_code == 200
    assert "diperiksa dari isinya" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED


def test_proposals_are_scoped(client: Client, make_user: Any) -> None:
    from sejahtera.registry.models import ProposalKind

    someone = make_user(Role.OPERATOR_DESA, [DESA_B])
    other = Proposal.objects.create(
        kind=ProposalKind.NEW_HOUSEHOLD,
        desa_id=DESA_B,
        payload={"members": []},
        proposed_by=someone,
    )
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    assert client.get(f"/registri/usulan/{other.pk}/").status_code == 404
    assert "0 baris" in client.get("/registri/usulan/").content.decode()
    assert client.get(f"/registri/usulan/musdes/?desa={DESA_B}").status_code == 200
    assert (
        f"#{other.pk}" not in client.get(f"/registri/usulan/musdes/?desa={DESA_B}").content.decode()
    )


def test_field_worker_cannot_propose_and_operator_cannot_decide(
    client: Client, make_user: Any
) -> None:
    client.force_login(make_user(Role.TKSK, [KEC_A]))
    assert client.get("/registri/usulan/keluarga-baru/").status_code == 403
    client.force_login(make_user(Role.AUDITOR))
    assert client.post("/registri/usulan/keluarga-baru/", household_post()).status_code == 403


def test_change_proposal_holds_only_what_changed(client: Client, make_user: Any) -> None:
    household = HouseholdFactory(desil=6, in_dtks=False, street="Jl. Lama")
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    url = f"/registri/keluarga/{household.pk}/usul-ubah/"
    page = client.get(url).content.decode()
    assert "Jl. Lama" in page  # the form starts from the current values
    data = {
        "street": "Jl. Lama",
        "rt": household.rt,
        "rw": household.rw,
        "desil": "2",
        "in_dtks": "on",
        "reason": "Hasil verval DTSEN",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.payload["changes"] == {"desil": 2, "in_dtks": True}
    household.refresh_from_db()
    assert household.desil == 6  # unchanged until approved


def test_change_proposal_without_change_or_with_bad_values(client: Client, make_user: Any) -> None:
    person = PersonFactory(name="Rahmat", birth_date=None, nik="3516011208850088")
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    url = f"/registri/penduduk/{person.pk}/usul-ubah/"
    same = client.post(url, {"nik": person.nik, "name": "Rahmat", "sex": "L", "reason": "x"})
    assert "Tidak ada yang diubah" in same.content.decode()
    bad = client.post(
        url,
        {
            "nik": person.nik,
            "name": "Rahmat",
            "sex": "L",
            "birth_date": "2099-01-01",
            "reason": "x",
        },
    )
    assert "masa depan" in bad.content.decode()
    taken = PersonFactory(nik="3516011208850099")
    dup = client.post(url, {"nik": taken.nik, "name": "Rahmat", "sex": "L", "reason": "x"})
    assert f'href="/registri/penduduk/{taken.pk}/"' in dup.content.decode()
    assert not Proposal.objects.exists()
    assert client.get("/registri/lainnya/1/usul-ubah/").status_code == 404


def test_new_member_form_starts_as_child(client: Client, make_user: Any) -> None:
    household = HouseholdFactory()
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get(f"/registri/keluarga/{household.pk}/usul-anggota/").content.decode()
    assert '<option value="anak" selected>' in body
