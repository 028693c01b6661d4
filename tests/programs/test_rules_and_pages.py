"""Rule versions (checked, audited, refused when unchanged or unreasoned), the pages, and the
commands."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.programs import services
from sejahtera.programs.criteria import parse
from sejahtera.programs.models import Programme, RuleVersion
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"type": "umur"}, "tidak dikenal"),
        ({"type": "desil_max", "max": 11}, "Desil harus 1 sampai 10"),
        ({"type": "desil_max"}, "perlu nilai max"),
        ({"type": "age", "min": 60, "max": 18}, "lebih besar"),
        ({"type": "sex", "sex": "X"}, "L atau P"),
        ({"type": "ppks", "category": "TIDAK_ADA"}, "tidak dikenal"),
        ({"type": "receives", "programme": "XYZ"}, "tidak dikenal"),
        ({"all": []}, "tidak kosong"),
        ({"not": {"type": "manual", "text": "sehat"}}, "tidak dapat dipakai"),
        ({"type": "age", "min": "enam puluh"}, "tidak sah"),
        ({"type": "in_dtks", "warna": 1}, "tidak mengenal"),
        ([1, 2], "objek JSON"),
    ],
)
def test_bad_rules_are_refused_in_bahasa(programmes: None, rule: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse(rule)
    assert any(message in m for m in caught.value.messages), caught.value.messages


def test_new_version_keeps_history(programmes: None) -> None:
    admin = UserFactory(role=Role.ADMIN)
    programme = Programme.objects.get(code="permakanan-pokmas")
    rule = programme.rules.get(version=1).rule
    rule["all"][2] = {"type": "age", "min": 65}
    version = services.save_rule(
        actor=admin,
        programme=programme,
        rule=rule,
        valid_from_year=2027,
        note="Pergub baru menurunkan batas usia",
    )
    assert version.version == 2 and programme.rules.count() == 2
    import datetime as dt

    from sejahtera.programs.selectors import rule_in_force

    assert rule_in_force(programme, dt.date(2026, 12, 31)).version == 1
    assert rule_in_force(programme, dt.date(2027, 1, 1)).version == 2
    event = AuditEvent.objects.get(object_type="programs.ruleversion")
    assert event.actor == admin and "rule" in event.changes
    with pytest.raises(ValidationError, match="sama dengan"):
        services.save_rule(
            actor=admin, programme=programme, rule=rule, valid_from_year=2027, note="lagi"
        )
    with pytest.raises(ValidationError):
        services.save_rule(
            actor=admin,
            programme=programme,
            rule={"type": "in_dtks"},
            valid_from_year=2027,
            note="",
        )
    with pytest.raises(PermissionDenied):
        services.save_rule(
            actor=UserFactory(role=Role.OPERATOR_DINAS),
            programme=programme,
            rule={"type": "in_dtks"},
            valid_from_year=2027,
            note="coba",
        )
    assert programme.rules.count() == 2


def test_pages(programmes: None, client: Client) -> None:
    inside = build(Profile(age=72, desil=1, in_dtks=True, size=1))
    outside = build(Profile(age=72, desil=1, in_dtks=True, size=1, desa=DESA_B))
    client.force_login(UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]))
    listing = client.get("/program/").content.decode()
    assert "PERMAKANAN POKMAS" in listing and "berusia 70 tahun ke atas" in listing
    detail = client.get("/program/permakanan-pokmas/").content.decode()
    assert "Usia 70 Tahun ke atas" in detail  # the criterion as written
    assert "<strong>1</strong> orang di wilayah Anda" in detail  # only the desa's person
    explained = client.get(
        f"/program/permakanan-pokmas/?nik={inside.nik}&as_of=2026-06-15"
    ).content.decode()
    assert "memenuhi syarat" in explained and "berusia 72 tahun" in explained
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(inside.pk)).exists()
    hidden = client.get(f"/program/permakanan-pokmas/?nik={outside.nik}&as_of=2026-06-15")
    assert "tidak terdaftar di wilayah Anda" in hidden.content.decode()
    assert client.get("/program/permakanan-pokmas/aturan/").status_code == 403
    assert client.get("/program/tidak-ada/").status_code == 404


def test_rule_editor_previews_and_saves(programmes: None, client: Client) -> None:
    build(Profile(age=72, desil=1, in_dtks=True, size=1))
    build(Profile(age=67, desil=1, in_dtks=True, size=1))
    client.force_login(UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO]))
    url = "/program/permakanan-pokmas/aturan/"
    assert client.get(url).status_code == 200
    rule = Programme.objects.get(code="permakanan-pokmas").rules.get().rule
    rule["all"][2] = {"type": "age", "min": 65}
    body = {"rule": json.dumps(rule), "valid_from_year": 2026, "note": "uji"}
    versions = RuleVersion.objects.count()
    preview = client.post(url, {**body, "action": "preview"}).content.decode()
    assert "<strong>2</strong> orang memenuhi syarat" in preview
    assert "aturan yang berlaku: 1" in preview
    assert RuleVersion.objects.count() == versions  # nothing saved by a preview
    broken = client.post(url, {**body, "rule": "{all: [", "action": "save"}).content.decode()
    assert "Bukan JSON yang sah" in broken
    assert client.post(url, {**body, "action": "save"}).status_code == 302
    assert Programme.objects.get(code="permakanan-pokmas").rules.count() == 2


def test_commands(programmes: None, tmp_path: Any) -> None:
    person = build(Profile(age=72, desil=1, in_dtks=True, size=1))
    out = io.StringIO()
    call_command("programs", "list", stdout=out)
    assert (
        out.getvalue().count("\n") == 24
        and "permakanan-pokmas\tPERMAKANAN POKMAS\tAPBN" in out.getvalue()
    )
    out = io.StringIO()
    call_command(
        "programs",
        "eligible",
        "--program",
        "permakanan-pokmas",
        "--as-of",
        "2026-06-15",
        "--count",
        stdout=out,
    )
    assert out.getvalue().strip() == "1"
    target = tmp_path / "layak.csv"
    call_command(
        "programs",
        "eligible",
        "--program",
        "permakanan-pokmas",
        "--as-of",
        "2026-06-15",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert person.nik in target.read_text()
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="registry.person").exists()
    out = io.StringIO()
    call_command(
        "programs",
        "explain",
        "--program",
        "pkh-plus",
        "--nik",
        person.nik,
        "--as-of",
        "2026-06-15",
        stdout=out,
    )
    text = out.getvalue()
    assert (
        "TIDAK MEMENUHI SYARAT" in text
        and "[tidak] menerima PKH" in text
        and "[ya   ] berusia 70 tahun ke atas" in text
    )
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("programs", "explain", "--program", "xx", "--nik", person.nik)
    with pytest.raises(CommandError, match="tidak terdaftar"):
        call_command("programs", "explain", "--program", "pkh", "--nik", "3516010101900001")
    with pytest.raises(CommandError, match="TTTT-BB-HH"):
        call_command("programs", "eligible", "--program", "pkh", "--as-of", "kemarin", "--count")
