"""Headless Chromium approves a quarter's realisation with "select all" and sees the
evaluation form graded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sejahtera.accounts.models import Unit
from sejahtera.accounts.roles import Role
from sejahtera.planning import services
from sejahtera.planning.loader import load_plan
from sejahtera.planning.models import Realisation, Status
from tests.browser.test_dashboard import CHROMIUM, SHOTS, _sign_in, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        __import__("shutil").which(CHROMIUM) is None, reason="Chromium is not installed"
    ),
]


def test_head_approves_all_submitted_rows(live_server: Any, browser: Any, make_user: Any) -> None:  # noqa: F811
    from io import StringIO

    from sejahtera.planning.reference import load as load_grades

    load_grades(stdout=StringIO())
    plan = load_plan(actor=None).plan
    reporter = make_user(Role.OPERATOR_DINAS, unit=Unit.objects.get(code="SEKRETARIAT"))
    make_user(Role.KEPALA_DINAS, username="kadis_uji")
    rows = []
    for code, value in (("1.06.01.2.01.0001", "4"), ("1.06.01.2.01.0007", "5")):
        indicator = plan.nodes.get(code=code).indicators.get()
        rows.append(
            services.record_indicator_realisation(
                actor=reporter,
                indicator=indicator,
                year=2025,
                quarter=1,
                written=value,
                today=dt.date(2026, 11, 27),
            )
        )
    services.submit(actor=reporter, realisations=rows)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, live_server.url, "kadis_uji")
    page.goto(f"{live_server.url}/renstra/realisasi/?tahun=2025&tw=1")
    page.check('input[data-check-all="pilih"]')
    assert page.locator('input[name="pilih"]:checked').count() == 2
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('button[value="approve"]')
    page.wait_for_load_state()
    assert "2 realisasi disetujui dan dikunci" in page.content()
    assert set(Realisation.objects.values_list("status", flat=True)) == {Status.APPROVED}
    page.goto(f"{live_server.url}/renstra/evaluasi/e80/?tahun=2025")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "renstra-e80.png"))
    # 4 of 9 documents in 2025: 44.44 %, graded Sangat Rendah (red).
    cell = page.locator("td.grade-danger", has_text="44,44")
    assert cell.count() >= 1
