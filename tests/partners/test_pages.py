"""The partners pages and API: scoped to the user's areas (a partner elsewhere is a 404),
one filter definition for the list, its .xlsx export and the API, exports audited, views of
a partner's page audited, writes only for writers."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.partners.capacity import add_participant, create_training, grant_uep
from sejahtera.partners.models import InstitutionMember, Partner, PartnerKind, UepGrant
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO
from tests.partners.factories import TODAY, days, make_certificate, make_partner
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kinds: dict[str, PartnerKind]) -> dict[str, Partner]:
    """Partners in DESA_A (the first kecamatan), DESA_B (another) and the kabupaten."""
    lksa = make_partner("lks", name="LKSA Harapan Bangsa", deed_number="AHU-1")
    make_certificate(lksa, expires_on=days(40), number="460/1/STP")
    far = make_partner("lks", name="LKSA Jauh Sekali", area=DESA_B, lks_type="lansia")
    make_certificate(far, expires_on=days(-2), number="460/2/STP")
    psm = make_partner("psm", name="Sri Rahayu")
    karang = make_partner("karang-taruna", name="Karang Taruna Tunas", decree_number="188/1")
    penyuluh = make_partner("penyuluh-sosial", name="Penyuluh Kabupaten", area=MOJOKERTO)
    return {"lksa": lksa, "far": far, "psm": psm, "karang": karang, "penyuluh": penyuluh}


def _client(role: str, areas: list[str], **kwargs: Any) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, area_codes=areas, **kwargs))
    return client


def test_list_scope_filters_badges_and_export(world: dict[str, Partner]) -> None:
    clerk = _client(Role.OPERATOR_DESA, [DESA_A])
    page = clerk.get("/mitra/").content.decode()
    assert "LKSA Harapan Bangsa" in page and "Sri Rahayu" in page
    assert "LKSA Jauh Sekali" not in page and "Penyuluh Kabupaten" not in page
    assert "STP akan habis" in page  # the badge of LKSA Harapan Bangsa
    office = _client(Role.OPERATOR_DINAS, [MOJOKERTO])
    assert "Penyuluh Kabupaten" in office.get("/mitra/").content.decode()
    only_lks = office.get("/mitra/?kind=lks").content.decode()
    assert "LKSA Jauh Sekali" in only_lks and "Sri Rahayu" not in only_lks
    expiring = office.get("/mitra/?expiring=1").content.decode()
    assert "LKSA Harapan Bangsa" in expiring and "LKSA Jauh Sekali" in expiring
    assert "Karang Taruna Tunas" not in expiring
    expired = office.get("/mitra/?expiring=habis").content.decode()
    assert "LKSA Jauh Sekali" in expired and "LKSA Harapan Bangsa" not in expired
    in_kec = office.get(f"/mitra/?area={KEC_A}").content.decode()
    assert "Sri Rahayu" in in_kec and "LKSA Jauh Sekali" not in in_kec
    inactive = office.get("/mitra/?active=0").content.decode()
    assert "Sri Rahayu" not in inactive
    export = office.get("/mitra/?kind=lks&format=xlsx&keperluan=Rekap+LKS")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["LKSA Harapan Bangsa", "LKSA Jauh Sekali"]
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="partners.partner")
    assert event.extra["rows"] == 2 and event.extra["filters"]["kind"] == "lks"
    # The clerk's export holds only the clerk's desa.
    mine = load_workbook(
        io.BytesIO(clerk.get("/mitra/?format=xlsx&keperluan=Rekap+mitra").content)
    ).active
    assert mine is not None
    assert "LKSA Jauh Sekali" not in [r[1] for r in mine.iter_rows(min_row=3, values_only=True)]


def test_detail_is_scoped_audited_and_acts(world: dict[str, Partner]) -> None:
    lksa = world["lksa"]
    InstitutionMember.objects.create(
        partner=lksa, person=PersonFactory(desa_id=DESA_A), since=days(-10)
    )
    tksk = _client(Role.TKSK, [KEC_A])
    assert tksk.get(f"/mitra/{world['far'].pk}/").status_code == 404
    page = tksk.get(f"/mitra/{lksa.pk}/").content.decode()
    assert "460/1/STP" in page and "Pendaftaran" in page and "Tambah warga binaan" in page
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_type="partners.partner", object_id=str(lksa.pk)
    ).exists()
    # Deactivate from the page; a bad request is answered in the form, nothing saved.
    bad = tksk.post(
        f"/mitra/{lksa.pk}/",
        {
            "step": "status",
            "status-active": "0",
            "status-on": TODAY.isoformat(),
            "status-reason": "",
        },
    )
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    done = tksk.post(
        f"/mitra/{lksa.pk}/",
        {
            "step": "status",
            "status-active": "0",
            "status-on": TODAY.isoformat(),
            "status-reason": "Izin operasional dicabut",
        },
    )
    assert done.status_code == 302
    lksa.refresh_from_db()
    assert not lksa.active and lksa.status_changes.count() == 2
    # Add an unregistered member, record a certificate, a grant with unmet conditions.
    lksa_active = world["karang"]
    refused = tksk.post(
        f"/mitra/{lksa_active.pk}/",
        {
            "step": "grant",
            "grant-amount": "10000000",
            "grant-granted_on": TODAY.isoformat(),
            "grant-business": "x",
        },
    )
    assert "embrio UEP" in refused.content.decode() and not UepGrant.objects.exists()
    granted = tksk.post(
        f"/mitra/{lksa_active.pk}/",
        {
            "step": "grant",
            "grant-amount": "10000000",
            "grant-granted_on": TODAY.isoformat(),
            "grant-business": "Usaha sablon kaos",
        },
    )
    assert granted.status_code == 302 and UepGrant.objects.count() == 1
    # A step the partner does not have.
    assert tksk.post(f"/mitra/{world['psm'].pk}/", {"step": "member"}).status_code == 302
    auditor = _client(Role.AUDITOR, [MOJOKERTO])
    assert (
        auditor.post(
            f"/mitra/{world['psm'].pk}/",
            {
                "step": "status",
                "status-active": "0",
                "status-on": TODAY.isoformat(),
                "status-reason": "Mundur saja",
            },
        ).status_code
        == 403
    )
    assert "Nonaktifkan" not in auditor.get(f"/mitra/{world['psm'].pk}/").content.decode()


def test_members_from_the_page(world: dict[str, Partner]) -> None:
    lksa = world["lksa"]
    clerk = _client(Role.OPERATOR_DESA, [DESA_A])
    child = PersonFactory(desa_id=DESA_A, birth_date=days(-3000))
    elsewhere = PersonFactory(desa_id=DESA_B, birth_date=days(-3000))
    outside = clerk.post(
        f"/mitra/{lksa.pk}/",
        {"step": "member", "member-nik": elsewhere.nik, "member-since": TODAY.isoformat()},
    )
    assert "tidak terdaftar di wilayah Anda" in outside.content.decode()
    added = clerk.post(
        f"/mitra/{lksa.pk}/",
        {"step": "member", "member-nik": child.nik, "member-since": days(-3).isoformat()},
    )
    assert added.status_code == 302
    stay = InstitutionMember.objects.get(person=child)
    ended = clerk.post(
        f"/mitra/{lksa.pk}/",
        {
            "step": "end_member",
            "end_member-member": str(stay.pk),
            "end_member-until": TODAY.isoformat(),
            "end_member-reason": "Kembali ke keluarga",
        },
    )
    assert ended.status_code == 302
    stay.refresh_from_db()
    assert stay.until == TODAY


def test_register_and_edit(world: dict[str, Partner]) -> None:
    clerk = _client(Role.OPERATOR_DESA, [DESA_A])
    kind = PartnerKind.objects.get(code="tagana")
    form = clerk.get("/mitra/baru/").content.decode()
    assert DESA_A in form and DESA_B not in form  # areas offered: the clerk's
    outside = clerk.post(
        "/mitra/baru/",
        {
            "kind": kind.pk,
            "name": "Joko Prasetyo",
            "area": DESA_B,
            "registered_on": TODAY.isoformat(),
        },
    )
    assert outside.status_code == 200 and not Partner.objects.filter(name="Joko Prasetyo").exists()
    made = clerk.post(
        "/mitra/baru/",
        {
            "kind": kind.pk,
            "name": "Joko Prasetyo",
            "area": DESA_A,
            "registered_on": TODAY.isoformat(),
        },
    )
    partner = Partner.objects.get(name="Joko Prasetyo")
    assert made.status_code == 302 and made["Location"] == f"/mitra/{partner.pk}/"
    edited = clerk.post(
        f"/mitra/{partner.pk}/ubah/",
        {"name": "Joko Prasetyo", "area": DESA_A, "phone": "0812", "nik": ""},
    )
    assert edited.status_code == 302
    partner.refresh_from_db()
    assert partner.phone == "0812"
    assert clerk.get(f"/mitra/{world['far'].pk}/ubah/").status_code == 404
    reader = _client(Role.AUDITOR, [MOJOKERTO])
    assert reader.get("/mitra/baru/").status_code == 403


def test_certificates_trainings_grants_and_counts(world: dict[str, Partner]) -> None:
    training = create_training(
        actor=None,
        name="Penguatan Kelembagaan LKS",
        starts_on=days(-5),
        ends_on=days(-4),
        organiser="Dinas Sosial",
        place="Aula",
        area_code=MOJOKERTO,
    )
    add_participant(actor=None, training=training, partner=world["lksa"])
    add_participant(actor=None, training=training, partner=world["far"])
    local = create_training(
        actor=None,
        name="Pelatihan Desa Lain",
        starts_on=days(-5),
        ends_on=days(-4),
        organiser="Kecamatan",
        place="Balai desa",
        area_code=DESA_B,
    )
    grant_uep(
        actor=None,
        partner=world["karang"],
        amount=12_000_000,
        granted_on=days(-1),
        business="Usaha sablon kaos",
    )
    clerk = _client(Role.OPERATOR_DESA, [DESA_A])
    stp = clerk.get("/mitra/stp/").content.decode()
    assert "460/1/STP" in stp and "460/2/STP" not in stp
    assert "460/1/STP" not in clerk.get("/mitra/stp/?hari=10").content.decode()
    trainings = clerk.get("/mitra/pelatihan/").content.decode()
    assert "Penguatan Kelembagaan LKS" in trainings and "Pelatihan Desa Lain" not in trainings
    assert clerk.get(f"/mitra/pelatihan/{local.pk}/").status_code == 404
    detail = clerk.get(f"/mitra/pelatihan/{training.pk}/").content.decode()
    assert "LKSA Harapan Bangsa" in detail and "LKSA Jauh Sekali" not in detail
    assert "Tambah peserta" not in detail  # held for the kabupaten: not the clerk's to change
    grants = clerk.get("/mitra/uep/").content.decode()
    assert "Karang Taruna Tunas" in grants and "Rp 12.000.000" in grants
    office = _client(Role.OPERATOR_DINAS, [MOJOKERTO])
    result = office.post(
        f"/mitra/pelatihan/{training.pk}/",
        {
            "step": "result",
            "result-participant": str(training.participants.first().pk),
            "result-passed": "1",
        },
    )
    assert result.status_code == 302 and training.participants.filter(passed=True).count() == 1
    sheet = load_workbook(
        io.BytesIO(office.get("/mitra/uep/?format=xlsx&keperluan=Rekap+UEP").content)
    ).active
    assert sheet is not None and [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        "Karang Taruna Tunas"
    ]
    counts = clerk.get(f"/mitra/rekap/?tahun={TODAY.year}").content.decode()
    assert "Pekerja Sosial Masyarakat (PSM)" in counts and "Penyuluh sosial" not in counts
    export = office.get(f"/mitra/rekap/?tahun={TODAY.year}&format=xlsx")
    rows = list(
        load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=3, values_only=True)
    )  # type: ignore[union-attr]
    by_kind = {(r[0], r[1]): r[2:] for r in rows}
    assert by_kind[("Tingkat kabupaten", "Penyuluh sosial")] == (1, 1, 0, 0, 0, 0)
    assert by_kind[("Jatirejo", "Karang Taruna")] == (1, 1, 0, 0, 1, 12_000_000)
    assert (
        AuditEvent.objects.filter(
            action=Action.EXPORT, object_type__in=["partners.uepgrant", "partners.counts"]
        ).count()
        == 2
    )


def test_api_is_scoped_and_filtered(world: dict[str, Partner], client: Client) -> None:
    user = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/mitra/", **auth).json()
    names = {p["name"] for p in listed["items"]}
    assert names == {"LKSA Harapan Bangsa", "Sri Rahayu", "Karang Taruna Tunas"}
    only = client.get("/api/mitra/?kind=lks&expiring=1", **auth).json()
    assert [p["name"] for p in only["items"]] == ["LKSA Harapan Bangsa"]
    assert only["items"][0]["stp_expires_on"] == days(40).isoformat()
    detail = client.get(f"/api/mitra/{world['lksa'].pk}", **auth).json()
    assert detail["history"][0]["reason"] == "Pendaftaran"
    assert detail["certificate"]["number"] == "460/1/STP"
    assert client.get(f"/api/mitra/{world['far'].pk}", **auth).status_code == 404
    assert client.get("/api/mitra/").status_code == 401
