"""Headless Chromium: an administrator adds a criterion to a programme's rule in the tree
editor, sees the live count change, and saves a new version; the editor also fits a phone."""

from __future__ import annotations

import io
import shutil
from typing import Any

import pytest

from sejahtera.accounts.roles import Role
from sejahtera.programs.models import RuleVersion
from sejahtera.programs.reference import load
from tests.browser.test_dashboard import CHROMIUM, SHOTS, _sign_in, browser  # noqa: F401
from tests.conftest import MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]
CODE = "blt-dbhcht"  # in DTKS, receiving neither PKH nor Sembako


def test_administrator_adds_a_criterion_and_saves_a_version(
    live_server: Any,
    browser: Any,  # noqa: F811 - the module-scoped fixture imported above
    make_user: Any,
) -> None:
    from playwright.sync_api import expect

    load(stdout=io.StringIO())
    for desil in (1, 2, 3, 5, 6):
        build(Profile(desil=desil))
    build(Profile(desil=2, in_dtks=False))
    admin = make_user(Role.ADMIN, [MOJOKERTO], username="aturan_uji")
    first = RuleVersion.objects.get(programme__code=CODE)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, live_server.url, "aturan_uji")
    page.goto(f"{live_server.url}/program/{CODE}/aturan/")
    live = page.locator("#rule-live")
    # The rule in force, counted as soon as the page opens; the JSON is tucked away.
    expect(live).to_contain_text("5 orang memenuhi syarat (aturan berlaku: 5)", timeout=20_000)
    expect(page.locator("#rule-json")).not_to_have_attribute("open", "")
    expect(page.locator("#rule-tree .rule-leaf")).to_have_count(3)

    root = page.locator('#rule-tree > li[data-path=""]')
    root.locator("> .rule-add select.rule-add-type").select_option(label="Desil paling tinggi")
    root.locator("> .rule-add button.rule-add-criterion").click()
    added = page.locator('#rule-tree li[data-path="3"]')
    # Not yet complete: the server's message appears next to the new criterion.
    expect(added.locator("> .rule-error")).to_contain_text("perlu nilai", timeout=20_000)
    expect(live).to_contain_text("Aturan belum sah")

    added.locator("select").select_option(label="desil 4")
    expect(live).to_contain_text("3 orang memenuhi syarat (aturan berlaku: 5)", timeout=20_000)
    expect(added.locator("> .rule-leaf-words")).to_have_text("→ desil 1 sampai 4")
    expect(added.locator("> .rule-error")).to_be_empty()
    expect(page.locator("#rule-words")).to_contain_text("dan desil 1 sampai 4")
    page.screenshot(path=str(SHOTS / "rule-editor.png"), full_page=True)

    page.fill("#id_note", "Prioritas desil 1 sampai 4")
    page.click("button[name=action][value=save]")
    page.wait_for_url(f"{live_server.url}/program/{CODE}/")
    expect(page.locator(".alert-success")).to_contain_text("Aturan versi 2 disimpan")
    saved = RuleVersion.objects.get(programme__code=CODE, version=2)
    assert saved.rule == {"all": [*first.rule["all"], {"type": "desil_max", "max": 4}]}
    assert saved.note == "Prioritas desil 1 sampai 4" and saved.created_by == admin
    page.close()

    # On a phone the editor fits the screen and the count stays readable.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    _sign_in(phone, live_server.url, "aturan_uji")
    phone.goto(f"{live_server.url}/program/{CODE}/aturan/")
    expect(phone.locator("#rule-live")).to_contain_text(
        "3 orang memenuhi syarat (aturan berlaku: 3)", timeout=20_000
    )
    parts = phone.locator("#rule-tree .rule-node, #rule-tree button, #rule-tree select").all()
    assert len(parts) > 10
    for part in parts:  # nothing sticks out to the right: no sideways scrolling
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    phone.screenshot(path=str(SHOTS / "rule-editor-phone.png"), full_page=True)
    phone.close()
