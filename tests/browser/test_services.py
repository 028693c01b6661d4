"""Headless Chromium: a citizen applies online, a clerk handles the request, issues the
letter, and the letter's QR link verifies it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from sejahtera.accounts.roles import Role
from sejahtera.services.models import ServiceRequest
from sejahtera.services.reference import load
from tests.browser.test_dashboard import CHROMIUM, SHOTS, _sign_in, browser  # noqa: F401
from tests.conftest import DESA_A, MOJOKERTO
from tests.programs.people import Profile, build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        __import__("shutil").which(CHROMIUM) is None, reason="Chromium is not installed"
    ),
]


def test_online_application_to_verified_letter(
    live_server: Any,
    browser: Any,  # noqa: F811 - the module-scoped fixture imported above
    make_user: Any,
    settings: Any,
) -> None:
    load(stdout=io.StringIO())
    settings.PUBLIC_BASE_URL = live_server.url
    person = build(Profile(in_dtks=True))
    make_user(Role.OPERATOR_DINAS, [MOJOKERTO], username="loket_uji")
    citizen = browser.new_page(viewport={"width": 390, "height": 844})
    citizen.goto(f"{live_server.url}/layanan/surat-keterangan-dtks/ajukan/")
    citizen.select_option("#id_desa", DESA_A)
    citizen.fill("#id_applicant_name", person.name)
    citizen.fill("#id_applicant_nik", person.nik)
    citizen.fill("#id_description", "Surat keterangan DTKS untuk pendaftaran sekolah")
    citizen.click("button[type=submit]")
    citizen.wait_for_url(re.compile(r".*/layanan/lacak/.*"))
    code = ServiceRequest.objects.get().tracking_code
    assert code in citizen.content() and person.name not in citizen.content()

    clerk = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(clerk, live_server.url, "loket_uji")
    clerk.goto(f"{live_server.url}/layanan/permohonan/")
    clerk.click(f"text={code}")
    clerk.click("button:has-text('Dokumen lengkap')")
    clerk.wait_for_load_state()
    # The letter is issued from the request itself, which completes it.
    clerk.select_option("#letter_type", label="Surat Keterangan Terdaftar dalam DTKS/DTSEN")
    clerk.fill("#purpose", "Pendaftaran sekolah")
    clerk.click("button:has-text('Terbitkan')")
    clerk.wait_for_url(re.compile(r".*/layanan/surat/\d+/$"))
    assert ServiceRequest.objects.get().status == "done"
    assert code in clerk.content()  # the letter page links back to the request
    link = clerk.get_attribute(f"a[href^='{live_server.url}/verifikasi/']", "href")
    assert link is not None and link.startswith(live_server.url)

    citizen.goto(link)
    assert "Surat asli dan tidak berubah." in citizen.content()
    assert person.nik not in citizen.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    citizen.screenshot(path=str(SHOTS / "letter-verified.png"), full_page=True)


def test_anonymous_complaint_answered_and_rated(
    live_server: Any,
    browser: Any,  # noqa: F811
    make_user: Any,
) -> None:
    from sejahtera.services.models import Complaint

    load(stdout=io.StringIO())
    make_user(Role.OPERATOR_DINAS, [MOJOKERTO], username="pengaduan_uji")
    citizen = browser.new_page(viewport={"width": 390, "height": 844})
    citizen.goto(f"{live_server.url}/layanan/pengaduan/")
    citizen.select_option(
        "#id_category", label="Penyaluran bantuan (terlambat, tidak sampai, dipotong)"
    )
    citizen.select_option("#id_desa", DESA_A)
    citizen.fill("#id_description", "Beras bantuan bulan ini dipotong dua kilo oleh pengurus RT.")
    citizen.check("#id_anonymous")
    citizen.click("button[type=submit]")
    citizen.wait_for_url(re.compile(r".*/layanan/lacak/.*"))
    code = Complaint.objects.get().tracking_code
    assert code in citizen.content() and "dipotong dua kilo" not in citizen.content()

    clerk = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(clerk, live_server.url, "pengaduan_uji")
    clerk.goto(f"{live_server.url}/layanan/pengaduan/daftar/")
    clerk.click(f"text={code}")
    clerk.fill("#reply", "Pengurus RT sudah kami panggil; kekurangan beras diantar besok pagi.")
    clerk.click("button:has-text('Kirim jawaban')")
    clerk.wait_for_load_state()
    assert Complaint.objects.get().status == "answered"

    citizen.goto(f"{live_server.url}/layanan/lacak/?kode={code}")
    assert "diantar besok pagi" in citizen.content()
    citizen.click("label[for=rating5]")
    citizen.click("button:has-text('Kirim penilaian')")
    citizen.wait_for_load_state()
    assert Complaint.objects.get().rating == 5
    assert "Terima kasih atas penilaian Anda." in citizen.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    citizen.screenshot(path=str(SHOTS / "complaint-rated.png"), full_page=True)
