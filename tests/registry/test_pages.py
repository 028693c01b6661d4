from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.registry.models import PpksAssessment, PpksCategory, Proposal
from tests.conftest import DESA_A, DESA_B
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    home = HouseholdFactory(kk_number="3516010503150007")
    a = PersonFactory(name="Warga Desa A", nik="3516011208850001")
    add_member(a, home)
    b = PersonFactory(name="Warga Desa B", nik="3516021208850001", desa_id=DESA_B)
    return {"a": a, "b": b, "home": home}


def test_list_masks_niks_and_is_scoped(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get("/registri/penduduk/").content.decode()
    assert "Warga Desa A" in body and "Warga Desa B" not in body
    assert "3516••••••••0001" in body
    assert "3516011208850001" not in body
    # Searching by the full NIK of someone in another desa finds nothing.
    assert "0 baris" in client.get("/registri/penduduk/?q=3516021208850001").content.decode()
    assert client.get(f"/registri/penduduk/{people['b'].pk}/").status_code == 404
    assert client.get(f"/registri/keluarga/{people['home'].pk}/").status_code == 200


def test_export_masks_niks_and_is_scoped(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/registri/penduduk/?export=xlsx&keperluan=Verifikasi+data")
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)
    )
    assert {r[0] for r in rows} == {"3516••••••••0001"}
    assert len(rows) == 2
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="registry.person").exists()


def test_record_view_shows_full_nik_and_is_logged(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    user = make_user(Role.OPERATOR_DESA, [DESA_A])
    client.force_login(user)
    body = client.get(f"/registri/penduduk/{people['a'].pk}/").content.decode()
    assert "3516011208850001" in body
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="registry.person")
    assert (event.actor, event.object_id, event.wilayah_code) == (user, str(people["a"].pk), DESA_A)


def test_assessment_form_refuses_with_reason_and_saves_nothing(
    client: Client, make_user: Any
) -> None:
    young = PersonFactory(name="Darmi", birth_date=dt.date(1990, 1, 1))
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    lut = PpksCategory.objects.get(code="LANJUT_USIA_TERLANTAR")
    url = f"/registri/penduduk/{young.pk}/ppks/?kategori={lut.code}"
    assert lut.name in client.get(url).content.decode()
    response = client.post(
        url, {"criteria": [lut.criteria.first().pk], "assessed_on": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "paling rendah 60 tahun" in response.content.decode()
    assert not PpksAssessment.objects.exists()
    bad_date = client.post(
        url, {"criteria": [lut.criteria.first().pk], "assessed_on": "31-02-2026"}
    )
    assert "tanggal yang valid" in bad_date.content.decode()


def test_assessment_form_creates_a_proposal(client: Client, make_user: Any) -> None:
    old = PersonFactory(birth_date=dt.date(1950, 1, 1))
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    lut = PpksCategory.objects.get(code="LANJUT_USIA_TERLANTAR")
    response = client.post(
        f"/registri/penduduk/{old.pk}/ppks/?kategori={lut.code}",
        {"criteria": [c.pk for c in lut.criteria.all()[:2]], "assessed_on": "2026-11-01"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.payload["criteria"] == [1, 2]
    assert not PpksAssessment.objects.exists()  # only once approved


def test_household_assessment_form(client: Client, make_user: Any) -> None:
    from tests.registry.factories import HouseholdFactory

    household = HouseholdFactory()
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    page = client.get(f"/registri/keluarga/{household.pk}/").content.decode()
    assert "KELUARGA_BERUMAH_TIDAK_LAYAK_HUNI" in page  # the household categories are offered
    assert "LANJUT_USIA_TERLANTAR" not in page
    rtlh = PpksCategory.objects.get(code="KELUARGA_BERUMAH_TIDAK_LAYAK_HUNI")
    url = f"/registri/keluarga/{household.pk}/ppks/?kategori={rtlh.code}"
    missing = client.post(url, {"assessed_on": "2026-11-01"})
    assert missing.status_code == 200 and not Proposal.objects.exists()
    response = client.post(
        url, {"criteria": [rtlh.criteria.first().pk], "assessed_on": "2026-11-01"}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.household == household and proposal.person is None
    assert proposal.payload["category"] == rtlh.code
    # A person-only category cannot be opened for a household.
    lut = PpksCategory.objects.get(code="LANJUT_USIA_TERLANTAR")
    assert (
        client.get(f"/registri/keluarga/{household.pk}/ppks/?kategori={lut.code}").status_code
        == 404
    )
    # Another village's household is not found.
    other = HouseholdFactory(desa_id="35.16.02.2001", kk_number="3516020503150001")
    assert (
        client.get(f"/registri/keluarga/{other.pk}/ppks/?kategori={rtlh.code}").status_code == 404
    )


def test_categories_page(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.PENDAMPING, [DESA_A]))
    body = client.get("/registri/ppks/").content.decode()
    assert body.count("accordion-item") == 26
    assert "Gelandnagan" in body  # as the seed writes it


def test_dashboard_counts_people_of_own_area_only(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get("/").content.decode()
    assert 'data-stat="persons">1<' in body
    assert 'data-stat="households">1<' in body
    client.force_login(make_user(Role.OPERATOR_DINAS))
    assert 'data-stat="persons">2<' in client.get("/").content.decode()


def test_name_search_tolerates_spelling_variants(client: Client, make_user: Any) -> None:
    PersonFactory(name="H. MOCHAMMAD DJOKO SOEPRIJANTO")
    PersonFactory(name="SITI AMINAH")
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    for query in ["Muhammad Joko", "M. Djoko", "moh joko supri", "SOEPRIJANTO"]:
        body = client.get(f"/registri/penduduk/?q={query}").content.decode()
        assert "1 baris" in body and "DJOKO" in body, query
    assert "0 baris" in client.get("/registri/penduduk/?q=Joko Widodo").content.decode()


def test_household_page_lists_national_programmes(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    from sejahtera.registry.models import Participation

    Participation.objects.create(
        programme="PKH",
        household=people["home"],
        period_start=dt.date(2025, 1, 1),
        source="SK PKH 2025",
    )
    Participation.objects.create(
        programme="PBI_JK", person=people["a"], period_start=dt.date(2025, 3, 1)
    )
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get(f"/registri/keluarga/{people['home'].pk}/").content.decode()
    assert "Program Keluarga Harapan (PKH)" in body and "SK PKH 2025" in body
    assert "PBI Jaminan Kesehatan" in body and "Warga Desa A" in body


def test_assessment_without_assessor_is_labelled(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    PpksAssessment.objects.create(
        household=people["home"],
        category=PpksCategory.objects.get(code="FAKIR_MISKIN"),
        assessed_on=dt.date(2025, 3, 1),
        assessor=None,
    )
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get(f"/registri/keluarga/{people['home'].pk}/").content.decode()
    assert "Fakir Miskin" in body and "tanpa penilai" in body and "None" not in body


def test_a_merged_duplicate_is_left_out_but_its_page_points_to_the_survivor(
    client: Client, make_user: Any, people: dict[str, Any]
) -> None:
    from sejahtera.programs.criteria.base import eligible_base
    from sejahtera.registry.models import Person
    from sejahtera.registry.selectors import persons_for

    survivor = people["a"]
    duplicate = PersonFactory(name="Warga Desa A Ganda")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    user = make_user(Role.OPERATOR_DESA, [DESA_A])
    assert duplicate.pk not in set(persons_for(user).values_list("pk", flat=True))
    assert not eligible_base().filter(pk=duplicate.pk).exists()
    client.force_login(user)
    listing = client.get("/registri/penduduk/").content.decode()
    assert "Warga Desa A Ganda" not in listing
    page = client.get(f"/registri/penduduk/{duplicate.pk}/").content.decode()
    assert "sudah digabungkan ke" in page and survivor.name in page
