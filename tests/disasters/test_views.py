"""The pages: every one scoped to the user's areas (an event outside them is a 404, a victim
of another desa of a visible event too), lists filtered and exported to .xlsx (audited), a
victim's page audited, the forms of the event page, victim entry and the daily aid entry."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from sejahtera.audit.models import Action, AuditEvent
from sejahtera.disasters import events
from sejahtera.disasters.models import (
    AidKind,
    Deployment,
    EventKind,
    Phase,
    Shelter,
    SituationReport,
    Victim,
    VictimAid,
)
from sejahtera.disasters.victims import add_victim, record_aid
from tests.conftest import DESA_A, DESA_A2, DESA_B
from tests.disasters.factories import TODAY, day, desa_operator, make_event, office, tagana
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two() -> dict[str, object]:
    flood = make_event(name="Banjir Tawangrejo")
    quake = make_event(name="Gempa Gumeng", desa=(DESA_B,), kind=EventKind.NATURAL)
    fire = make_event(name="Konflik Rejosari", desa=(DESA_A2,), kind=EventKind.SOCIAL)
    events.set_phase(actor=None, event=fire, phase=Phase.DONE, on=day(2), today=TODAY)
    mine = add_victim(
        actor=None, event=flood, name="Sri Rahayu", nik=PersonFactory.build().nik, desa_code=DESA_A
    )
    theirs = add_victim(actor=None, event=flood, name="Tukiman Rejosari", desa_code=DESA_A2)
    return {"flood": flood, "quake": quake, "fire": fire, "mine": mine, "theirs": theirs}


def test_list_is_scoped_filtered_and_exported(client: Client, two: dict) -> None:
    client.force_login(desa_operator(DESA_A))
    page = client.get("/bencana/").content.decode()
    assert "Banjir Tawangrejo" in page and "Gempa Gumeng" not in page and "Konflik" not in page
    client.force_login(office())
    assert "Gempa Gumeng" in client.get("/bencana/").content.decode()
    social = client.get("/bencana/", {"kind": "sosial"}).content.decode()
    assert "Konflik Rejosari" in social and "Banjir" not in social
    done = client.get("/bencana/", {"phase": "selesai"}).content.decode()
    assert "Konflik Rejosari" in done and "Gempa" not in done
    area = client.get("/bencana/", {"area": DESA_B}).content.decode()
    assert "Gempa Gumeng" in area and "Banjir" not in area
    assert "Banjir" not in client.get("/bencana/", {"year": 2025}).content.decode()
    assert "Banjir" in client.get("/bencana/", {"year": 2026}).content.decode()
    export = client.get("/bencana/", {"export": "xlsx", "kind": "alam"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    names = sorted(r[0] for r in sheet.iter_rows(min_row=3, values_only=True))
    assert names == ["Banjir Tawangrejo", "Gempa Gumeng"]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="disasters.event").exists()


def test_event_page_scope_and_masked_victims(client: Client, two: dict) -> None:
    flood, quake = two["flood"], two["quake"]
    client.force_login(desa_operator(DESA_A))
    assert client.get(f"/bencana/{quake.pk}/").status_code == 404
    page = client.get(f"/bencana/{flood.pk}/").content.decode()
    assert "Sri Rahayu" in page and "Tukiman" not in page  # victims of the operator's desa
    nik = two["mine"].nik
    assert nik not in page and nik[:4] + "•" in page
    assert client.get(f"/bencana/korban/{two['theirs'].pk}/").status_code == 404
    detail = client.get(f"/bencana/korban/{two['mine'].pk}/").content.decode()
    assert nik in detail
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_type="disasters.victim", object_id=str(two["mine"].pk)
    ).exists()
    client.force_login(office())
    everyone = client.get(f"/bencana/{flood.pk}/").content.decode()
    assert "Sri Rahayu" in everyone and "Tukiman" in everyone
    found = client.get(f"/bencana/{flood.pk}/", {"provisional": "0"}).content.decode()
    assert "Sri Rahayu" not in found and "Tukiman" not in found  # both are provisional
    named = client.get(f"/bencana/{flood.pk}/", {"q": "tukiman", "displaced": "0"}).content.decode()
    assert "Tukiman" in named and "Sri Rahayu" not in named
    client.force_login(desa_operator(DESA_A))
    for url in (
        f"/bencana/{quake.pk}/laporan/",
        f"/bencana/{quake.pk}/korban/baru/",
        f"/bencana/{quake.pk}/bantuan-harian/",
    ):
        assert client.get(url).status_code == 404


def test_event_page_forms(client: Client, two: dict) -> None:
    flood = two["flood"]
    clerk = office()
    client.force_login(clerk)
    bad = client.post(
        f"/bencana/{flood.pk}/", {"action": "shelter", "shelter-name": "B", "shelter-capacity": 0}
    )
    assert bad.status_code == 200 and Shelter.objects.count() == 0
    made = client.post(
        f"/bencana/{flood.pk}/",
        {
            "action": "shelter",
            "shelter-name": "Balai Desa",
            "shelter-desa": DESA_A,
            "shelter-capacity": 40,
        },
    )
    assert made.status_code == 302 and Shelter.objects.get().name == "Balai Desa"
    client.post(
        f"/bencana/{flood.pk}/",
        {
            "action": "report",
            "on": day(1).isoformat(),
            "text": "Air setinggi 80 cm di dusun utara.",
            "file": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        },
    )
    report = SituationReport.objects.get()
    assert client.get(f"/bencana/laporan-situasi/{report.pk}/berkas/").status_code == 200
    volunteer = tagana(active=False)
    refused = client.post(
        f"/bencana/{flood.pk}/",
        {"action": "deployment", "partner": volunteer.pk, "from_date": day(1).isoformat()},
    )
    assert "tidak aktif" in refused.content.decode() and Deployment.objects.count() == 0
    phase = client.post(
        f"/bencana/{flood.pk}/", {"action": "phase", "phase": "pemulihan", "on": day(4).isoformat()}
    )
    assert phase.status_code == 302
    flood.refresh_from_db()
    assert flood.phase == Phase.RECOVERY
    back = client.post(
        f"/bencana/{flood.pk}/", {"action": "phase", "phase": "pemulihan", "on": day(5).isoformat()}
    )
    assert "hanya dapat maju" in back.content.decode()
    # Outside the area: the report file is not found.
    client.force_login(desa_operator(DESA_B))
    assert client.get(f"/bencana/laporan-situasi/{report.pk}/berkas/").status_code == 404
    # The auditor reads and never writes.
    client.force_login(office(role="auditor"))
    assert client.get(f"/bencana/{flood.pk}/").status_code == 200
    assert (
        client.post(
            f"/bencana/{flood.pk}/",
            {"action": "phase", "phase": "selesai", "on": day(6).isoformat()},
        ).status_code
        == 403
    )
    flood.refresh_from_db()
    assert flood.phase == Phase.RECOVERY


def test_new_event_page(client: Client) -> None:
    operator = desa_operator(DESA_A)
    client.force_login(operator)
    form = client.get("/bencana/baru/").content.decode()
    assert DESA_A in form and DESA_B not in form
    refused = client.post(
        "/bencana/baru/",
        {
            "kind": "alam",
            "name": "Angin Puting Beliung",
            "desa": [DESA_B],
            "started_on": "2026-03-01",
        },
    )
    assert refused.status_code == 200
    made = client.post(
        "/bencana/baru/",
        {
            "kind": "alam",
            "name": "Angin Puting Beliung",
            "desa": [DESA_A],
            "started_on": "2026-03-01",
        },
    )
    assert made.status_code == 302
    client.force_login(office(role="auditor"))
    assert client.get("/bencana/baru/").status_code == 403


def test_victim_entry_searches_the_registry_of_the_event_desa(client: Client, two: dict) -> None:
    flood = two["flood"]
    found = PersonFactory(desa_id=DESA_A, name="Karsiyem Wulandari")
    PersonFactory(desa_id=DESA_B, name="Karsiyem Gumeng")  # not a desa of the event
    client.force_login(desa_operator(DESA_A))
    results = client.get(f"/bencana/{flood.pk}/korban/baru/", {"q": "karsiyem"}).content.decode()
    assert "Karsiyem Wulandari" in results and "Gumeng" not in results
    assert found.nik not in results  # masked
    by_nik = client.get(f"/bencana/{flood.pk}/korban/baru/", {"q": found.nik}).content.decode()
    assert "Karsiyem Wulandari" in by_nik
    client.post(
        f"/bencana/{flood.pk}/korban/baru/?q=karsiyem",
        {"action": "link", "person": found.pk, "link-displaced": "on", "link-condition": "selamat"},
    )
    assert Victim.objects.get(person=found).displaced
    outsider = PersonFactory(desa_id=DESA_A2, name="Karsiyem Rejosari")  # not the operator's desa
    refused = client.post(
        f"/bencana/{flood.pk}/korban/baru/",
        {"action": "link", "person": outsider.pk, "link-condition": "selamat"},
    )
    assert "Pilih penduduk dari hasil pencarian" in refused.content.decode()
    assert not Victim.objects.filter(person=outsider).exists()
    again = client.get(f"/bencana/{flood.pk}/korban/baru/", {"q": "karsiyem"}).content.decode()
    assert "sudah tercatat" in again
    made = client.post(
        f"/bencana/{flood.pk}/korban/baru/",
        {
            "action": "provisional",
            "new-name": "Mbah Sarkawi",
            "new-desa": DESA_A,
            "new-condition": "luka",
        },
        follow=True,
    )
    assert "sementara" in made.content.decode()
    victim = Victim.objects.get(name="Mbah Sarkawi")
    page = client.get(f"/bencana/korban/{victim.pk}/").content.decode()
    assert "/registri/usulan/keluarga-baru/?desa=" + DESA_A in page


def test_daily_aid_entry_and_the_fourth_meal(client: Client, two: dict) -> None:
    flood = two["flood"]
    clerk = desa_operator(DESA_A)
    other = add_victim(actor=None, event=flood, name="Wagiman", desa_code=DESA_A, displaced=True)
    mine = two["mine"]
    record_aid(actor=None, victim=mine, date=day(1), kind=AidKind.MEALS, quantity=3, today=TODAY)
    client.force_login(clerk)
    page = client.get(
        f"/bencana/{flood.pk}/bantuan-harian/",
        {"date": day(1).isoformat(), "kind": "makan", "quantity": 1},
    )
    text = page.content.decode()
    assert "Sri Rahayu" in text and "Wagiman" in text and "Tukiman" not in text and "3/3" in text
    refused = client.post(
        f"/bencana/{flood.pk}/bantuan-harian/",
        {
            "date": day(1).isoformat(),
            "kind": "makan",
            "quantity": 1,
            "victims": [mine.pk, other.pk],
        },
    )
    assert refused.status_code == 200 and "melebihi standar" in refused.content.decode()
    assert VictimAid.objects.count() == 1
    done = client.post(
        f"/bencana/{flood.pk}/bantuan-harian/",
        {
            "date": day(1).isoformat(),
            "kind": "makan",
            "quantity": 1,
            "victims": [other.pk, two["theirs"].pk],
        },
    )
    assert done.status_code == 302  # the victim of another desa was not offered, so not counted
    assert list(VictimAid.objects.filter(victim=other).values_list("quantity", flat=True)) == [1]
    assert not VictimAid.objects.filter(victim=two["theirs"]).exists()


def test_reports_scoped_and_exported(client: Client, two: dict) -> None:
    flood = two["flood"]
    record_aid(actor=None, victim=two["mine"], date=day(1), kind=AidKind.PSYCHOSOCIAL, today=TODAY)
    record_aid(
        actor=None,
        victim=two["theirs"],
        date=day(1),
        kind=AidKind.PSYCHOSOCIAL,
        quantity=2,
        today=TODAY,
    )
    client.force_login(desa_operator(DESA_A))
    year = client.get("/bencana/laporan/", {"tahun": 2026}).content.decode()
    assert "Banjir Tawangrejo" in year and "Gempa" not in year
    export = client.get("/bencana/laporan/", {"tahun": 2026, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = list(rows[0])
    sessions = header.index("Sesi dukungan psikososial")
    assert rows[1][0] == "Banjir Tawangrejo" and rows[1][sessions] == 1  # own desa only
    assert rows[-1][0] == "Jumlah"
    event_page = client.get(f"/bencana/{flood.pk}/laporan/", {"format": "xlsx"})
    assert event_page.status_code == 200
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, object_type="disasters.event").count() == 2
    )
    client.force_login(office())
    total = client.get(f"/bencana/{flood.pk}/laporan/").content.decode()
    assert "Sesi dukungan psikososial" in total
