"""The entry-time check: the service, its page, its API endpoint and the warning on the
registry's proposal forms."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.linkage.check import likely_duplicates
from sejahtera.registry.models import Person, Proposal
from tests.conftest import DESA_A, DESA_A2, DESA_B
from tests.linkage.conftest import save_synthetic, store_model
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member
from tests.registry.test_proposal_pages import household_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(trained: dict[str, Any]) -> Any:
    return store_model(trained)


@pytest.fixture
def parman() -> Person:
    person = PersonFactory(
        name="PARMAN",
        birth_date=dt.date(1985, 8, 12),
        sex="L",
        serial=72,  # NIK 3516011208850072
        mother_name="SUMINAH",
        desa_id=DESA_A,
    )
    add_member(person, HouseholdFactory(rt="001", rw="002", street="Jl. Melati"))
    return person


def test_finds_the_duplicates_injected_in_a_population(model: Any) -> None:
    saved = save_synthetic(persons=400, duplicates=0.03)
    found = 0
    started = time.perf_counter()
    for duplicate, original, _kind in saved.population.duplicates:
        copy = saved.population.persons[duplicate]
        assert copy.nik is not None
        result = likely_duplicates(
            name=copy.name,
            birth_date=copy.birth_date,
            nik=copy.nik,
            desa_code=copy.desa_id,
            mother_name=copy.mother_name,
            sex=copy.sex,
            exclude=(copy.pk,),
        )
        original_pk = saved.population.persons[original].pk
        found += bool(result) and result[0][0].pk == original_pk
    elapsed = (time.perf_counter() - started) / len(saved.population.duplicates)
    assert found >= 0.9 * len(saved.population.duplicates)
    assert elapsed < 0.2


def test_typing_variants_of_a_registered_person(model: Any, parman: Person) -> None:
    result = likely_duplicates(
        name="Parman",
        birth_date=dt.date(1985, 12, 8),  # day and month swapped
        nik="3516011208850027",  # last two digits swapped
        desa_code=DESA_A,
        mother_name="Suminah",
        sex="L",
    )
    assert [p for p, _prob in result] == [parman]
    assert result[0][1] > 0.9
    assert (
        likely_duplicates(
            name="Dewi Lestari",
            birth_date=dt.date(1990, 1, 3),
            nik="3516014301900001",
            desa_code=DESA_A,
            sex="P",
        )
        == []
    )


def test_no_model_no_check(parman: Person) -> None:
    assert (
        likely_duplicates(
            name="PARMAN", birth_date=parman.birth_date, nik=parman.nik, desa_code=DESA_A
        )
        == []
    )


def test_merged_persons_are_not_offered(model: Any, parman: Person) -> None:
    Person.objects.filter(pk=parman.pk).update(merged_into=PersonFactory(name="LAIN"))
    assert (
        likely_duplicates(
            name="PARMAN", birth_date=parman.birth_date, nik=parman.nik, desa_code=DESA_A
        )
        == []
    )


def test_new_household_proposal_warns_of_a_likely_duplicate(
    client: Client, make_user: Any, model: Any, parman: Person
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = client.post("/registri/usulan/keluarga-baru/", household_post())
    assert response.status_code == 302
    assert Proposal.objects.count() == 1
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("mungkin sudah terdaftar" in w and f"#{parman.pk}" in w for w in warnings), warnings


def test_no_warning_for_someone_new(
    client: Client, make_user: Any, model: Any, parman: Person
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = client.post(
        "/registri/usulan/keluarga-baru/",
        household_post(
            **{"m-0-name": "Bambang", "m-0-birth_date": "1991-03-04", "m-0-nik": "3516010403910001"}
        ),
    )
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("mungkin sudah terdaftar" in w for w in warnings)


def test_new_member_proposal_warns_without_naming_someone_outside_the_area(
    client: Client, make_user: Any, model: Any
) -> None:
    elsewhere = PersonFactory(
        name="PARMAN", birth_date=dt.date(1985, 8, 12), sex="L", serial=72, desa_id=DESA_A2
    )
    household = HouseholdFactory(desa_id=DESA_A)
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = client.post(
        f"/registri/keluarga/{household.pk}/usul-anggota/",
        {
            "nik": "3516011208850071",
            "name": "Parman",
            "sex": "L",
            "birth_date": "1985-08-12",
            "relation": "anak",
            "reason": "Lahir",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    warnings = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "mungkin sudah terdaftar" in warnings
    assert f"(#{elsewhere.pk}," not in warnings and "Rejosari" in warnings


def test_check_page(client: Client, make_user: Any, model: Any, parman: Person) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    page = client.get(
        "/data/periksa/",
        {"name": "parman", "birth_date": "1985-08-12", "desa": DESA_A, "nik": ""},
    )
    assert page.status_code == 200
    assert f"/registri/penduduk/{parman.pk}/" in page.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(parman.pk)).exists()
    # a desa outside the user's areas is not a choice
    page = client.get("/data/periksa/", {"name": "parman", "desa": DESA_B})
    assert "Pilih pilihan yang valid" in page.content.decode() or page.context["results"] is None


def test_check_api_hides_persons_outside_the_area(
    client: Client, make_user: Any, model: Any, parman: Person
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A2]))
    response = client.post(
        "/api/data/periksa",
        {
            "name": "Parman",
            "birth_date": "1985-08-12",
            "nik": "3516011208850071",
            "desa_code": DESA_A2,
            "sex": "L",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == 1
    assert body["matches"] and body["matches"][0]["person_id"] is None
    assert body["matches"][0]["name"] is None and body["matches"][0]["desa_code"] == DESA_A

    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.post(
        "/api/data/periksa",
        {"name": "Parman", "birth_date": "1985-08-12", "desa_code": DESA_A},
        content_type="application/json",
    ).json()
    assert body["matches"][0]["person_id"] == parman.pk
    response = client.post(
        "/api/data/periksa",
        {"name": "Parman", "desa_code": DESA_B},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_twin_in_the_same_kk_is_not_a_duplicate(model: Any) -> None:
    household = HouseholdFactory(kk_number="3516010101200009", rt="003", rw="001")
    mother = "SUMIATI"
    first = PersonFactory(
        name="HASAN", birth_date=dt.date(2015, 3, 4), sex="L", serial=1, mother_name=mother
    )
    add_member(first, household, relation="anak")
    twin = {
        "birth_date": dt.date(2015, 3, 4),
        "nik": "3516010403150002",  # the next serial: one digit apart
        "desa_code": DESA_A,
        "mother_name": mother,
        "sex": "L",
        "kk_number": household.kk_number,
        "rt": "003",
        "rw": "001",
        "street": household.street,
    }
    assert likely_duplicates(name="HUSEN", **twin) == []
    # ... but the same child entered twice in the KK, with a spelling variant, is found
    found = likely_duplicates(name="HASSAN", **twin)
    assert [p for p, _prob in found] == [first]
