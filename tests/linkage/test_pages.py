"""The review pages and the API, as clerks of the office and of a desa would use them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.jobs.models import Job
from sejahtera.linkage.models import CandidatePair, Decision, Merge, PairDecision
from sejahtera.registry.models import Person
from tests.conftest import DESA_A, DESA_B
from tests.linkage.conftest import store_model
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db


def _pair(model: Any, a: Person, b: Person, probability: float = 0.98) -> CandidatePair:
    low, high = sorted([a, b], key=lambda p: p.pk)
    return CandidatePair.objects.create(
        linkage_model=model,
        person_a=low,
        person_b=high,
        desa_a=low.desa_id,
        desa_b=high.desa_id,
        match_weight=12.5,
        match_probability=probability,
        levels={
            "nama": {"level": "sama", "label": "sama persis", "weight": 13.1},
            "nik": {"level": "satu-angka", "label": "beda satu angka", "weight": 6.7},
            "ibu": {"level": "beda", "label": "berbeda", "weight": -4.3},
        },
    )


@pytest.fixture
def pairs(trained: dict[str, Any]) -> dict[str, CandidatePair]:
    model = store_model(trained)
    a1 = PersonFactory(name="SITI AMINAH", sex="P", birth_date=dt.date(1980, 5, 12))
    a2 = PersonFactory(name="HJ. SITI AMINAH", sex="P", birth_date=dt.date(1980, 12, 5))
    add_member(a1, HouseholdFactory())
    add_member(a2, HouseholdFactory())
    b1 = PersonFactory(name="BUDI", desa_id=DESA_B)
    b2 = PersonFactory(name="BUDI S", desa_id=DESA_B)
    return {"a": _pair(model, a1, a2), "b": _pair(model, b1, b2, 0.7)}


def test_queue_shows_pairs_of_the_users_area(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    page = client.get("/data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "SITI AMINAH" in html and "BUDI" not in html
    assert "Mulai pencarian" not in html  # not a reviewer
    client.force_login(make_user(Role.KEPALA_BIDANG))
    html = client.get("/data/").content.decode()
    assert "SITI AMINAH" in html and "BUDI" in html and "Mulai pencarian" in html
    assert "BUDI" not in client.get("/data/", {"min_probability": "0.9"}).content.decode()


def test_queue_export_is_audited_and_masks_nik(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/data/", {"format": "xlsx", "keperluan": "Telaah data ganda"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = " ".join(str(v) for row in values for v in row)
    assert "SITI AMINAH" in flat
    assert pairs["a"].person_a.nik not in flat
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="linkage.candidatepair"
    ).exists()


def test_pair_page_side_by_side_and_audited(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    pair = pairs["a"]
    client.force_login(make_user(Role.OPERATOR_DINAS))
    page = client.get(f"/data/pasangan/{pair.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "HJ. SITI AMINAH" in html and "beda satu angka" in html and "text-bg-danger" in html
    assert pair.person_a.nik in html  # full NIK on the record page, logged
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="registry.person").count() == 2
    # outside the user's area: not found
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    assert client.get(f"/data/pasangan/{pairs['b'].pk}/").status_code == 404


def test_decide_same_person_from_the_page(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    pair = pairs["a"]
    clerk = make_user(Role.OPERATOR_DINAS)
    client.force_login(clerk)
    response = client.post(
        f"/data/pasangan/{pair.pk}/",
        {"decision": Decision.SAME, "survivor": str(pair.person_a_id), "note": "dicek"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/data/pasangan/{pairs['b'].pk}/"  # the next pair
    merge = Merge.objects.get()
    assert merge.survivor_id == pair.person_a_id and merge.loser_id == pair.person_b_id
    page = client.get(f"/data/penggabungan/{merge.pk}/")
    assert page.status_code == 200 and "registry.membership" in page.content.decode()
    assert "SITI AMINAH" in client.get("/data/penggabungan/").content.decode()
    response = client.post(f"/data/penggabungan/{merge.pk}/", {"reason": "salah pilih"})
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_decide_needs_a_survivor(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    pair = pairs["a"]
    client.force_login(make_user(Role.OPERATOR_DINAS))
    # survivor left empty on purpose
    response = client.post(f"/data/pasangan/{pair.pk}/", {"decision": Decision.SAME})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # the first choice is preselected in the form only
        pytest.fail("merged without a chosen survivor")
    assert not Merge.objects.exists() and not PairDecision.objects.exists()


def test_only_reviewers_decide(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    pair = pairs["a"]
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    page = client.get(f"/data/pasangan/{pair.pk}/")
    assert page.status_code == 200 and "Simpan keputusan" not in page.content.decode()
    response = client.post(f"/data/pasangan/{pair.pk}/", {"decision": Decision.DIFFERENT})
    assert response.status_code == 403
    response = client.post("/data/", {"retrain": "on", "threshold": "0.5"})
    assert response.status_code == 403
    assert not PairDecision.objects.exists() and not Job.objects.exists()


def test_start_search_from_the_queue(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.post("/data/", {"retrain": "on", "threshold": "0.5"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/pekerjaan/{job.pk}/" or str(job.pk) in response["Location"]
    assert client.get("/data/").status_code == 200
    response = client.post("/data/", {"threshold": "2"})
    assert response.status_code == 200 and Job.objects.count() == 1


def test_model_page(client: Client, make_user: Any, trained: dict[str, Any]) -> None:
    client.force_login(make_user(Role.AUDITOR))
    assert "Belum ada model" in client.get("/data/model/").content.decode()
    store_model(trained)
    html = client.get("/data/model/").content.decode()
    assert "hari dan bulan tertukar" in html and "Versi 1" in html


def test_api_lists_and_decides(
    client: Client, make_user: Any, pairs: dict[str, CandidatePair]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    body = client.get("/api/data/pasangan").json()
    assert [item["id"] for item in body["items"]] == [pairs["a"].pk]
    assert "•" in body["items"][0]["nik_a"]
    response = client.post(
        f"/api/data/pasangan/{pairs['a'].pk}/keputusan",
        {"decision": "beda"},
        content_type="application/json",
    )
    assert response.status_code == 403  # a desa operator does not decide
    client.force_login(make_user(Role.OPERATOR_DINAS))
    assert len(client.get("/api/data/pasangan").json()["items"]) == 2
    response = client.post(
        f"/api/data/pasangan/{pairs['b'].pk}/keputusan",
        {"decision": "sama", "survivor": pairs["b"].person_b_id},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Merge.objects.get().survivor_id == pairs["b"].person_b_id
    response = client.post(
        f"/api/data/pasangan/{pairs['a'].pk}/keputusan",
        {"decision": "sama"},
        content_type="application/json",
    )
    assert response.status_code == 422
