"""The rule editor: the description of the criterion types the page carries, the check that
says where a rule is wrong, and the live count (same selector, the user's area, Bahasa
Indonesia errors, administrators only, POST only)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sejahtera.accounts.roles import Role
from sejahtera.programs.criteria import TYPES, parse
from sejahtera.programs.models import Programme, RuleVersion
from sejahtera.programs.rule_editor import MAX_NODES, PARAMS, check_rule
from sejahtera.programs.selectors import eligible
from sejahtera.programs.services import save_rule
from sejahtera.registry.models import PpksCategory
from sejahtera.wilayah.models import Level, Wilayah
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db

CODE = "blt-dbhcht"  # in DTKS, receiving neither PKH nor Sembako
URL = f"/program/{CODE}/aturan/pratinjau/"
DESIL_4 = {"all": [{"type": "in_dtks"}, {"type": "desil_max", "max": 4}]}


def _post(client: Client, body: Any, url: str = URL) -> Any:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, raw, content_type="application/json")


@pytest.fixture
def population(programmes: None) -> dict[str, Any]:
    """People of desa A and desa B with desil 1 to 6, one outside the DTKS, one receiving
    PKH, and one living outside the office's kabupaten."""
    for desil in (1, 2, 3, 5, 6):
        build(Profile(desil=desil))
    build(Profile(desil=2, desa=DESA_B))
    build(Profile(desil=6, desa=DESA_B))
    build(Profile(desil=1, in_dtks=False))
    build(Profile(desil=1, receives={"PKH"}))
    elsewhere = (
        Wilayah.objects.filter(level=Level.DESA).exclude(code__startswith=MOJOKERTO + ".").first()
    )
    assert elsewhere is not None
    build(Profile(desil=1, desa=elsewhere.code))
    return {"outside_office": elsewhere.code}


def test_live_count_is_the_selectors_count_in_the_users_area(
    population: dict[str, Any], client: Client
) -> None:
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    client.force_login(admin)
    response = _post(client, {"rule": DESIL_4, "valid_from_year": timezone.localdate().year})
    assert response.status_code == 200, response.content
    answer = response.json()
    programme = Programme.objects.get(code=CODE)
    today = timezone.localdate()
    expected = eligible(programme, as_of=today, user=admin, rule=parse(DESIL_4)).count()
    # Desil 1, 2, 3 in desa A, desil 2 in desa B, the PKH recipient (desil 1): not the one
    # outside the DTKS, not desil 5 or 6, not the one outside the office's kabupaten.
    assert answer["count"] == expected == 5
    # The rule in force (BLT DBHCHT): in DTKS without PKH or Sembako, any desil.
    assert answer["current"] == eligible(programme, as_of=today, user=admin).count() == 7
    assert answer["as_of"] == today.isoformat()
    assert answer["words"] == parse(DESIL_4).words()
    parts = {tuple(p["path"]): p["words"] for p in answer["parts"]}
    assert parts[(1,)] == "desil 1 sampai 4" and parts[()] == answer["words"]
    # A year still to come is counted on its first day.
    later = _post(client, {"rule": DESIL_4, "valid_from_year": today.year + 2}).json()
    assert later["as_of"] == dt.date(today.year + 2, 1, 1).isoformat()


def test_live_count_stays_in_the_users_area(population: dict[str, Any], client: Client) -> None:
    """An administrator bound to one kecamatan counts only its people (desa B is in another)."""
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[KEC_A]))
    answer = _post(client, {"rule": DESIL_4}).json()
    assert answer["count"] == 4 and answer["current"] == 5


def test_the_count_under_the_rule_in_force_is_kept_per_version_and_area(
    population: dict[str, Any], client: Client
) -> None:
    """Each preview counts the draft; the count under the rule in force is computed once per
    rule version, date and area, and a new version or another area is counted afresh."""
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    client.force_login(admin)
    first = _post(client, {"rule": DESIL_4}).json()
    assert first["count"] == 5 and first["current"] == 7
    build(Profile(desil=3))  # one more in DTKS, desil 3, no PKH: both rules take them
    second = _post(client, {"rule": DESIL_4}).json()
    assert second["count"] == 6  # the draft is always counted afresh
    assert second["current"] == 7  # kept (for a few minutes)
    # A new version (desil 1 to 4) is the rule in force: counted afresh.
    save_rule(
        actor=admin,
        programme=Programme.objects.get(code=CODE),
        rule=DESIL_4,
        valid_from_year=timezone.localdate().year,
        note="uji",
    )
    assert _post(client, {"rule": DESIL_4}).json()["current"] == 6
    # Another area is another count (desa B is not in kecamatan A).
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[KEC_A]))
    assert _post(client, {"rule": DESIL_4}).json()["current"] == 5


def test_the_page_without_javascript_counts_the_same(
    population: dict[str, Any], client: Client
) -> None:
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    page = client.post(
        f"/program/{CODE}/aturan/",
        {
            "rule": json.dumps(DESIL_4),
            "valid_from_year": timezone.localdate().year,
            "note": "uji",
            "action": "preview",
        },
    ).content.decode()
    assert "<strong>5</strong> orang memenuhi syarat" in page
    assert "aturan yang berlaku: 7" in page


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        (
            {"all": [{"type": "in_dtks"}, {"type": "desil_max", "max": 11}]},
            [1],
            "Desil harus 1 sampai 10.",
        ),
        (
            {"all": [{"type": "in_dtks"}, {"not": {"any": [{"type": "sex", "sex": "X"}]}}]},
            [1, 0, 0],
            "Jenis kelamin harus L atau P.",
        ),
        ({"all": [{"type": "in_dtks"}, {"any": []}]}, [1], "masih kosong"),
        ({"all": [{"type": "in_dtks"}, {"not": {}}]}, [1], "masih kosong"),
        ({"all": [{"type": "umur"}]}, [0], "tidak dikenal"),
        ({"all": [{"type": "desil_max"}]}, [0], "perlu nilai max"),
        ({"not": {"type": "manual", "text": "sehat"}}, [], "tidak dapat dipakai"),
        ({"all": [{"type": "in_dtks"}, [1]]}, [1], "objek JSON"),
        ({"all": [{"type": "in_dtks"}], "x": 1}, [], "tidak kosong"),
    ],
)
def test_problems_are_placed_on_their_criterion(
    programmes: None, rule: Any, path: list[int], message: str
) -> None:
    checked = check_rule(rule)
    assert checked.tree is None
    assert any(e["path"] == path and message in e["message"] for e in checked.errors), (
        checked.errors
    )


def test_a_rule_too_deep_or_too_long_is_refused(programmes: None) -> None:
    deep: dict[str, Any] = {"type": "in_dtks"}
    for _ in range(8):
        deep = {"all": [deep]}
    checked = check_rule(deep)
    assert checked.tree is None and any("terlalu dalam" in e["message"] for e in checked.errors)
    long = {"any": [{"type": "desil_max", "max": 1 + i % 10} for i in range(MAX_NODES + 1)]}
    checked = check_rule(long)
    assert checked.tree is None and "terlalu panjang" in checked.errors[0]["message"]


def test_invalid_rules_answer_400_in_bahasa_and_save_nothing(
    programmes: None, client: Client
) -> None:
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    versions = RuleVersion.objects.count()
    response = _post(
        client,
        {"rule": {"all": [{"type": "in_dtks"}, {"type": "desil_max", "max": 11}, {"any": []}]}},
    )
    assert response.status_code == 400
    answer = response.json()
    assert {"path": [1], "message": "Desil harus 1 sampai 10."} in answer["errors"]
    assert any(e["path"] == [2] and "masih kosong" in e["message"] for e in answer["errors"])
    assert "count" not in answer
    # The parts that are valid on their own still have their words.
    assert {"path": [0], "words": "keluarga terdaftar di DTKS/DTSEN"} in answer["parts"]
    for body, message in [
        ("{all: [", "bukan JSON yang sah"),
        (b"\xff\xfe", "bukan JSON yang sah"),
        ("[" * 100_000, "bukan JSON yang sah"),
        ({"aturan": {}}, "harus berisi aturan"),
        ([DESIL_4], "harus berisi aturan"),
        ({"rule": DESIL_4, "valid_from_year": 1900}, "antara 2000 dan 2100"),
        ({"rule": DESIL_4, "valid_from_year": "dua ribu"}, "antara 2000 dan 2100"),
        ({"rule": DESIL_4, "valid_from_year": True}, "antara 2000 dan 2100"),
    ]:
        response = _post(client, body)
        assert response.status_code == 400, body
        assert any(message in e["message"] for e in response.json()["errors"]), body
    assert RuleVersion.objects.count() == versions


def test_the_form_refuses_json_nested_too_deep(programmes: None, client: Client) -> None:
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    page = client.post(
        f"/program/{CODE}/aturan/",
        {"rule": "[" * 100_000, "valid_from_year": 2026, "note": "uji", "action": "preview"},
    )
    assert page.status_code == 200 and "Aturan terlalu dalam" in page.content.decode()


def test_only_administrators_may_ask_and_only_by_post(programmes: None, client: Client) -> None:
    for role in (Role.OPERATOR_DINAS, Role.KEPALA_DINAS, Role.AUDITOR):
        client.force_login(UserFactory(role=role, area_codes=[MOJOKERTO]))
        assert _post(client, {"rule": DESIL_4}).status_code == 403, role
    client.logout()
    assert _post(client, {"rule": DESIL_4}).status_code == 302  # to the sign-in page
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    assert client.get(URL).status_code == 405
    missing = _post(client, {"rule": DESIL_4}, url="/program/tidak-ada/aturan/pratinjau/")
    assert missing.status_code == 404


def _json_script(page: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert found, element_id
    return json.loads(found.group(1))


def test_the_page_carries_the_types_with_their_inputs_and_choices(
    programmes: None, client: Client
) -> None:
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    page = client.get(f"/program/{CODE}/aturan/").content.decode()
    types = {t["type"]: t for t in _json_script(page, "rule-types")}
    assert set(types) == set(TYPES)
    assert types["desil_max"]["label"] == "Desil paling tinggi"
    (desil,) = types["desil_max"]["params"]
    assert desil["widget"] == "select" and desil["required"] and desil["kind"] == "int"
    assert [c["value"] for c in desil["choices"]] == list(range(1, 11))
    assert {c["value"] for c in types["sex"]["params"][0]["choices"]} == {"L", "P"}
    ppks = {c["value"] for c in types["ppks"]["params"][0]["choices"]}
    assert ppks == set(PpksCategory.objects.values_list("code", flat=True)) and ppks
    assert "PKH" in {c["value"] for c in types["receives"]["params"][0]["choices"]}
    assert {c["value"] for c in types["lks_member"]["params"][0]["choices"]} >= {"anak", "lansia"}
    areas = {c["value"]: c["label"] for c in types["area"]["params"][0]["choices"]}
    assert {"35", MOJOKERTO, KEC_A, DESA_A, DESA_B} <= set(areas)
    assert "Jatirejo" in areas[DESA_A]  # a desa is shown with its kecamatan
    assert not any(code.startswith("35.15.") for code in areas)  # not another kabupaten
    severity = types["disability"]["params"][0]
    assert not severity["required"] and severity["blank"] == "semua tingkat"
    age = {p["name"]: p for p in types["age"]["params"]}
    assert age["min"]["widget"] == "number" and age["min"]["max"] == 130
    text = _json_script(page, "rule-text")
    assert text["all"] == "Semua syarat berikut (DAN)" and text["not"] == "Bukan (TIDAK)"
    assert _json_script(page, "rule-written")["criteria"]  # the criteria as written
    # The editor's script and style are files; the JSON field stays the form's field, under
    # "Lanjutan: JSON"; the version history is linked.
    assert "/static/sejahtera/rule_editor.js" in page
    assert 'name="rule"' in page and "Lanjutan: JSON" in page
    assert f"/program/{CODE}/#riwayat-aturan" in page
    assert f'data-preview-url="{URL}"' in page


def test_every_parameter_has_an_input() -> None:
    """A new criterion type gets labelled inputs here, not the bare fallback."""
    for key, kind in TYPES.items():
        assert set(kind.params) == set(PARAMS.get(key, {})), key
