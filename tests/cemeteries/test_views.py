"""The cemeteries' pages: scoping of every page (404 outside the user's areas), the list's
filters and audited export, the forms (refusals shown, nothing saved), photos served only to
signed-in staff who see the cemetery, and the yearly summary."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.cemeteries.models import Cemetery, Ceremony, Grave, MaintenancePhoto, MaintenanceWork
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import (
    CemeteryFactory,
    CeremonyFactory,
    GraveFactory,
    WorkFactory,
    fake_jpeg,
    png,
)
from tests.conftest import DESA_A, DESA_B, KEC_A, KEC_B, MOJOKERTO

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def places(year: int) -> dict[str, Cemetery]:
    """A cemetery kept up this year in desa A, one not kept up in desa B."""
    a = CemeteryFactory(name="Taman Makam Pahlawan Alpha", desa_id=DESA_A)
    b = CemeteryFactory(name="Taman Makam Pahlawan Beta", desa_id=DESA_B)
    WorkFactory(
        cemetery=a, started_on=dt.date(year, 1, 2), finished_on=dt.date(year, 1, 3), cost=1_250_000
    )
    WorkFactory(cemetery=b, started_on=dt.date(year, 1, 2), finished_on=None)
    return {"a": a, "b": b}


def _login(client: Client, role: str = Role.OPERATOR_DINAS, areas: list[str] | None = None) -> Any:
    user = UserFactory(role=role, area_codes=areas or [MOJOKERTO])
    client.force_login(user)
    return user


def test_anonymous_users_are_sent_to_sign_in(client: Client, places: dict[str, Cemetery]) -> None:
    photo = MaintenancePhoto.objects.create(
        work=places["a"].works.get(), file=png(), kind="png", name="foto.png"
    )
    for url in (
        "/makam-pahlawan/",
        f"/makam-pahlawan/{places['a'].pk}/",
        f"/makam-pahlawan/foto/{photo.pk}/",
        "/makam-pahlawan/ringkasan/",
        "/makam-pahlawan/veteran/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_list_scope_status_filters_and_export(
    client: Client, places: dict[str, Cemetery], year: int
) -> None:
    _login(client, Role.TKSK, [KEC_A])
    page = client.get("/makam-pahlawan/").content.decode()
    assert "Alpha" in page and "Beta" not in page
    assert "1 dari 1 taman makam" in page
    client.logout()
    _login(client)
    page = client.get("/makam-pahlawan/").content.decode()
    assert "Alpha" in page and "Beta" in page and "1 dari 2 taman makam" in page
    kept = client.get("/makam-pahlawan/?terkelola=1").content.decode()
    assert "Alpha" in kept and "Beta" not in kept
    not_kept = client.get("/makam-pahlawan/?terkelola=0").content.decode()
    assert "Alpha" not in not_kept and "Beta" in not_kept
    # Last year neither was kept up.
    last = client.get(f"/makam-pahlawan/?tahun={year - 1}&terkelola=1").content.decode()
    assert "Alpha" not in last and "Beta" not in last
    assert "Alpha" not in client.get(f"/makam-pahlawan/?kecamatan={KEC_B}").content.decode()
    assert "Beta" not in client.get("/makam-pahlawan/?q=alp").content.decode()
    export = client.get("/makam-pahlawan/?format=xlsx&terkelola=1")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "Taman Makam Pahlawan Alpha"
    assert rows[0][6:] == (1, 1_250_000, 0, "Ya")
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="cemeteries.cemetery")
    assert event.extra["rows"] == 1 and event.extra["filters"]["terkelola"] == "1"


def test_export_needs_the_export_capability(
    client: Client, places: dict[str, Cemetery], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sejahtera.accounts import roles
    from sejahtera.accounts.roles import Cap

    monkeypatch.setitem(roles.ROLE_CAPS, Role.OPERATOR_DESA, frozenset({Cap.VIEW, Cap.WRITE}))
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    assert client.get("/makam-pahlawan/").status_code == 200
    assert client.get("/makam-pahlawan/?format=xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_register_from_the_list(client: Client) -> None:
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    bad = client.post("/makam-pahlawan/", {"name": "TM", "desa": DESA_A})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    outside = client.post("/makam-pahlawan/", {"name": "Taman Makam Luar", "desa": DESA_B})
    assert outside.status_code == 200 and Cemetery.objects.count() == 0
    made = client.post(
        "/makam-pahlawan/", {"name": "Taman Makam Pahlawan Desa", "desa": DESA_A, "area_m2": "900"}
    )
    assert made.status_code == 302
    assert Cemetery.objects.get().area_m2 == 900


def test_detail_pages_are_scoped(client: Client, places: dict[str, Cemetery]) -> None:
    grave = GraveFactory(cemetery=places["b"])
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    assert client.get(f"/makam-pahlawan/{places['a'].pk}/").status_code == 200
    assert client.get(f"/makam-pahlawan/{places['b'].pk}/").status_code == 404
    assert client.get(f"/makam-pahlawan/{places['b'].pk}/makam/{grave.pk}/").status_code == 404
    # A grave is only found under its own cemetery.
    assert client.get(f"/makam-pahlawan/{places['a'].pk}/makam/{grave.pk}/").status_code == 404
    posted = client.post(
        f"/makam-pahlawan/{places['b'].pk}/",
        {
            "action": "grave",
            "grave-number": "9",
            "grave-name": "Darmo",
            "grave-category": "veteran",
        },
    )
    assert posted.status_code == 404 and Grave.objects.count() == 1


def test_detail_forms(client: Client, places: dict[str, Cemetery]) -> None:
    cemetery = places["a"]
    GraveFactory(cemetery=cemetery, block="A", number="1", name="Darmo Wiryo")
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    url = f"/makam-pahlawan/{cemetery.pk}/"
    taken = client.post(
        url,
        {
            "action": "grave",
            "grave-block": "A",
            "grave-number": "1",
            "grave-name": "Kasiman",
            "grave-category": "veteran",
        },
    )
    assert (
        taken.status_code == 200
        and "sudah tercatat atas nama Darmo Wiryo" in taken.content.decode()
    )
    assert Grave.objects.count() == 1
    added = client.post(
        url,
        {
            "action": "grave",
            "grave-block": "A",
            "grave-number": "2",
            "grave-name": "Kasiman Harjo",
            "grave-category": "perintis",
            "grave-rank": "Letnan",
        },
    )
    assert added.status_code == 302
    listing = client.get(f"{url}?q=kasiman").content.decode()
    assert "Kasiman Harjo" in listing and "Darmo Wiryo" not in listing
    assert "Darmo Wiryo" in client.get(f"{url}?q=A-1").content.decode()
    assert "Darmo Wiryo" not in client.get(f"{url}?category=perintis").content.decode()
    # A maintenance work whose photo is not an image is refused whole.
    work = {
        "action": "work",
        "work-kind": "pertamanan",
        "work-description": "Penanaman pohon kamboja",
        "work-started_on": "2026-01-05",
        "work-cost": "300000",
    }
    refused = client.post(url, {**work, "work-photos": [fake_jpeg()]})
    assert refused.status_code == 200 and "bukan JPEG/PNG" in refused.content.decode()
    assert MaintenanceWork.objects.filter(kind="pertamanan").count() == 0
    accepted = client.post(url, {**work, "work-photos": [png()]})
    assert accepted.status_code == 302
    new = MaintenanceWork.objects.get(kind="pertamanan")
    assert new.finished_on is None and new.photos.count() == 1
    finished = client.post(
        url, {"action": "finish", "work": new.pk, f"finish-{new.pk}-finished_on": "2026-01-04"}
    )
    assert finished.status_code == 200  # before its start: refused, told in a message
    assert "sebelum tanggal mulai" in finished.content.decode()
    client.post(
        url, {"action": "finish", "work": new.pk, f"finish-{new.pk}-finished_on": "2026-01-09"}
    )
    new.refresh_from_db()
    assert new.finished_on == dt.date(2026, 1, 9)
    more = client.post(
        url, {"action": "photos", "work": new.pk, f"photos-{new.pk}-photos": [fake_jpeg()]}
    )
    assert more.status_code == 200 and new.photos.count() == 1
    client.post(url, {"action": "photos", "work": new.pk, f"photos-{new.pk}-photos": [png()]})
    assert new.photos.count() == 2
    # A work of another cemetery cannot be reached through this one.
    other = WorkFactory(cemetery=places["b"], finished_on=None)
    client.post(
        url, {"action": "finish", "work": other.pk, f"finish-{other.pk}-finished_on": "2026-01-09"}
    )
    other.refresh_from_db()
    assert other.finished_on is None
    ceremony = client.post(
        url,
        {
            "action": "ceremony",
            "ceremony-held_on": "2025-11-10",
            "ceremony-occasion": "hari_pahlawan",
            "ceremony-attendance": "120",
        },
    )
    assert ceremony.status_code == 302 and Ceremony.objects.get().attendance == 120
    page = client.get(url).content.decode()
    assert "Hari Pahlawan" in page and "Penanaman pohon kamboja" in page
    photo = new.photos.first()
    assert photo is not None and f"/makam-pahlawan/foto/{photo.pk}/" in page
    edit = client.post(
        url, {"action": "edit", "name": cemetery.name, "desa": DESA_A, "condition_notes": "Baik"}
    )
    assert edit.status_code == 302
    cemetery.refresh_from_db()
    assert cemetery.condition_notes == "Baik"


def test_grave_page_edit(client: Client, places: dict[str, Cemetery]) -> None:
    grave = GraveFactory(cemetery=places["a"], block="A", number="1", name="Darmo")
    GraveFactory(cemetery=places["a"], block="A", number="2", name="Kasiman")
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    url = f"/makam-pahlawan/{places['a'].pk}/makam/{grave.pk}/"
    assert "Darmo" in client.get(url).content.decode()
    taken = client.post(url, {"block": "A", "number": "2", "name": "Darmo", "category": "veteran"})
    assert taken.status_code == 200 and "sudah tercatat" in taken.content.decode()
    saved = client.post(
        url, {"block": "A", "number": "3", "name": "Darmo Wiryo", "category": "veteran"}
    )
    assert saved.status_code == 302
    grave.refresh_from_db()
    assert (grave.number, grave.name) == ("3", "Darmo Wiryo")


def test_auditor_reads_but_cannot_write(client: Client, places: dict[str, Cemetery]) -> None:
    _login(client, Role.AUDITOR)
    url = f"/makam-pahlawan/{places['a'].pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "ceremony", "ceremony-held_on": "2025-11-10", "ceremony-occasion": "hut_ri"}
    )
    assert response.status_code == 403 and Ceremony.objects.count() == 0


def test_photos_only_to_staff_who_see_the_cemetery(
    client: Client, places: dict[str, Cemetery]
) -> None:
    photo = MaintenancePhoto.objects.create(
        work=places["b"].works.get(), file=png(), kind="png", name="foto.png"
    )
    _login(client, Role.OPERATOR_DESA, [DESA_A])
    assert client.get(f"/makam-pahlawan/foto/{photo.pk}/").status_code == 404
    client.logout()
    _login(client, Role.OPERATOR_DESA, [DESA_B])
    response = client.get(f"/makam-pahlawan/foto/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert "private" in response["Cache-Control"]


def test_summary_page(client: Client, places: dict[str, Cemetery], year: int) -> None:
    CeremonyFactory(cemetery=places["a"], held_on=dt.date(year, 1, 1))
    _login(client, Role.OPERATOR_DESA, [DESA_B])
    page = client.get("/makam-pahlawan/ringkasan/").content.decode()
    assert "Beta" in page and "Alpha" not in page and "0 dari 1 terkelola" in page
    client.logout()
    _login(client)
    page = client.get(f"/makam-pahlawan/ringkasan/?tahun={year}").content.decode()
    assert "1 dari 2 terkelola" in page and "50,00%" in page
    assert "Jumlah Taman Makam yang Terpenuhi Pemeliharaannya" in page
    assert "Rp 1.250.000" in page
    last = client.get(f"/makam-pahlawan/ringkasan/?tahun={year - 1}").content.decode()
    assert "0 dari 2 terkelola" in last


def test_graves_are_listed_in_natural_order(client: Client, places: dict[str, Cemetery]) -> None:
    for block, number in (("B", "1"), ("A", "10"), ("A", "2"), ("A", "1")):
        GraveFactory(
            cemetery=places["a"], block=block, number=number, name=f"Makam {block}{number}"
        )
    _login(client)
    page = client.get(f"/makam-pahlawan/{places['a'].pk}/").content.decode()
    order = [page.index(f"Makam {p}") for p in ("A1", "A2", "A10", "B1")]
    assert order == sorted(order)
