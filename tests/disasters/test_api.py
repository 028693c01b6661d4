"""/api/bencana/: the events list with the page's filters and an event's summary, scoped to
the user's areas (an event outside them is a 404)."""

from __future__ import annotations

import pytest
from django.test import Client

from sejahtera.accounts.services import issue_api_token
from sejahtera.disasters.models import AidKind, EventKind
from sejahtera.disasters.victims import add_victim, record_aid
from tests.conftest import DESA_A, DESA_A2, DESA_B
from tests.disasters.factories import TODAY, day, desa_operator, make_event, office

pytestmark = pytest.mark.django_db


def _auth(user: object) -> dict[str, str]:
    _t, token = issue_api_token(actor=user, user=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_list_and_summary_are_scoped(client: Client) -> None:
    flood = make_event(name="Banjir A")
    quake = make_event(name="Gempa B", desa=(DESA_B,))
    make_event(name="Konflik A2", desa=(DESA_A2,), kind=EventKind.SOCIAL)
    a = add_victim(actor=None, event=flood, name="Sri", desa_code=DESA_A, displaced=True)
    b = add_victim(actor=None, event=flood, name="Tukiman", desa_code=DESA_A2, displaced=True)
    for victim in (a, b):
        record_aid(actor=None, victim=victim, date=day(1), kind=AidKind.PSYCHOSOCIAL, today=TODAY)
    auth = _auth(desa_operator(DESA_A))
    listed = client.get("/api/bencana/kejadian", **auth).json()
    assert [e["name"] for e in listed["items"]] == ["Banjir A"]
    assert listed["items"][0]["desa_codes"] == [DESA_A, DESA_A2]
    assert listed["items"][0]["victims"] == 1  # of the operator's desa
    summary = client.get(f"/api/bencana/kejadian/{flood.pk}", **auth).json()
    assert summary["victims"] == 1 and summary["psychosocial_sessions"] == 1
    assert "nik" not in str(summary).lower()
    assert client.get(f"/api/bencana/kejadian/{quake.pk}", **auth).status_code == 404
    office_auth = _auth(office())
    social = client.get("/api/bencana/kejadian?kind=sosial", **office_auth).json()
    assert [e["name"] for e in social["items"]] == ["Konflik A2"]
    in_b = client.get(f"/api/bencana/kejadian?area={DESA_B}", **office_auth).json()
    assert [e["name"] for e in in_b["items"]] == ["Gempa B"]
    everything = client.get(f"/api/bencana/kejadian/{flood.pk}", **office_auth).json()
    assert everything["victims"] == 2 and everything["psychosocial_persons"] == 2
    assert client.get("/api/bencana/kejadian").status_code == 401
