"""Headless Chromium (Debian's package) signs in and looks at the dashboard."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sejahtera.accounts.roles import Role
from tests.accounts.factories import PASSWORD
from tests.conftest import DESA_A

CHROMIUM = os.environ.get("SEJAHTERA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SEJAHTERA_SCREENSHOTS", "var/screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # beside one unless told. Only while the browser is open: a later test of the same
    # worker (e.g. the deploy check, which runs `check --deploy` in a child process) must not
    # inherit it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _browser()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_login_and_dashboard_screenshot(live_server: Any, browser: Any, make_user: Any) -> None:
    make_user(Role.ADMIN, username="admin_uji", full_name="Admin Uji")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "admin_uji")
    page.fill("#id_password", "salah")
    page.click("button[type=submit]")
    assert "Nama pengguna atau kata sandi salah" in page.content()
    _sign_in(page, live_server.url, "admin_uji")
    assert "Selamat datang, Admin Uji" in page.content()
    assert page.locator('[data-stat="area"]').nth(2).inner_text() == "304"
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    assert (SHOTS / "dashboard.png").stat().st_size > 10_000
    # Styles and scripts are served locally (no CDN): Bootstrap's navbar is styled.
    background = page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"


def test_phone_layout_and_htmx_progress(live_server: Any, browser: Any, make_user: Any) -> None:
    from sejahtera.jobs.models import Job, JobStatus

    user = make_user(Role.OPERATOR_DESA, [DESA_A], username="desa_uji")
    job = Job.objects.create(
        kind="uji", title="Impor uji", owner=user, status=JobStatus.RUNNING, done=1, total=4
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _sign_in(page, live_server.url, "desa_uji")
    # On a phone the menu collapses behind the toggler.
    assert page.locator("#nav-utama").is_hidden()
    page.click(".navbar-toggler")
    page.locator("#nav-utama").wait_for(state="visible")
    page.goto(f"{live_server.url}/pekerjaan/{job.pk}/")
    assert "25%" in page.inner_text(".progress")
    Job.objects.filter(pk=job.pk).update(done=4, status=JobStatus.DONE, message="beres")
    # A locator assertion waits without evaluating a string (the CSP forbids eval).
    from playwright.sync_api import expect

    expect(page.locator(".progress")).to_contain_text("100%", timeout=5000)
    assert "beres" in page.content()
    page.screenshot(path=str(SHOTS / "job-phone.png"), full_page=True)
