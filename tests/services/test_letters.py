"""Numbered letters: the number pattern and its yearly restart, registry facts checked at
issue time, no gaps or repeats under concurrent issuing, and QR verification of a genuine,
altered, revoked and unknown letter; the working-day clock."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sejahtera.accounts.roles import Role
from sejahtera.services import calendar, letters
from sejahtera.services.models import Holiday, Letter, LetterCounter, LetterType
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import MOJOKERTO
from tests.programs.people import Profile, build


@pytest.fixture
def reference(db: None) -> None:
    load(stdout=io.StringIO())


def _dtks() -> LetterType:
    return LetterType.objects.get(code="surat-keterangan-dtks")


@pytest.mark.django_db
def test_numbers_follow_the_pattern_and_restart_each_year(
    reference: None, monkeypatch: Any
) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    person = build(Profile(in_dtks=True))
    first = letters.issue_letter(
        actor=clerk, letter_type=_dtks(), person=person, purpose="Beasiswa"
    )
    second = letters.issue_letter(
        actor=clerk, letter_type=_dtks(), person=person, purpose="Berobat"
    )
    year = timezone.localtime().year
    assert (first.number, second.number) == (f"400.9/1/416-303/{year}", f"400.9/2/416-303/{year}")
    later = timezone.localtime().replace(year=year + 1, month=1, day=2)
    monkeypatch.setattr(letters.timezone, "localtime", lambda *a: later)
    third = letters.issue_letter(actor=clerk, letter_type=_dtks(), person=person)
    assert third.number == f"400.9/1/416-303/{year + 1}"


@pytest.mark.django_db
def test_registry_facts_are_checked_at_issue_time(reference: None) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    outsider = build(Profile(in_dtks=False))
    with pytest.raises(ValidationError, match="tidak terdaftar di DTKS"):
        letters.issue_letter(actor=clerk, letter_type=_dtks(), person=outsider)
    assert not Letter.objects.exists()
    assert not LetterCounter.objects.filter(last__gt=0).exists()  # no number was used up
    # The recommendation letter has no DTKS requirement.
    ok = letters.issue_letter(
        actor=clerk,
        letter_type=LetterType.objects.get(code="rekomendasi-biakesmaskin"),
        person=outsider,
    )
    assert ok.seq == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_skips_or_repeats(reference: None) -> None:
    clerks = [UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]) for _ in range(4)]
    person = build(Profile(in_dtks=True))
    letter_type = _dtks()
    barrier = threading.Barrier(len(clerks))
    errors: list[str] = []

    def issue(clerk: Any) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                letters.issue_letter(actor=clerk, letter_type=letter_type, person=person)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the concurrency test runs on PostgreSQL")
    threads = [threading.Thread(target=issue, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(Letter.objects.values_list("seq", flat=True)) == list(range(1, 21))


@pytest.mark.django_db
def test_verification_of_genuine_altered_revoked_and_unknown(
    reference: None, client: Client
) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    head = UserFactory(role=Role.KEPALA_BIDANG, area_codes=[MOJOKERTO])
    person = build(Profile(in_dtks=True))
    letter = letters.issue_letter(actor=clerk, letter_type=_dtks(), person=person)
    url = letters.verification_url(letter).split("8000", 1)[1]
    page = client.get(url).content.decode()
    assert "Surat asli dan tidak berubah" in page and letter.number in page
    assert person.nik not in page and person.name not in page  # only the masked name
    assert letters.masked_name(person.name) in page
    # The printed QR carries the first 16 hex of the hash: a forged hash fails.
    assert "telah diubah" in client.get(url.replace("?h=", "?h=0")).content.decode()
    # Someone changes the stored content: the hash no longer matches.
    Letter.objects.filter(pk=letter.pk).update(content={**letter.content, "name": "ORANG LAIN"})
    assert "telah diubah" in client.get(url).content.decode()
    Letter.objects.filter(pk=letter.pk).update(content=letter.content)
    with pytest.raises(ValidationError):
        letters.revoke_letter(actor=head, letter=letter, reason="salah")
    letters.revoke_letter(actor=head, letter=letter, reason="Diterbitkan untuk orang yang salah")
    assert "DICABUT" in client.get(url).content.decode()
    unknown = client.get("/verifikasi/tidak-ada/")
    assert unknown.status_code == 404 and "Surat tidak dikenal" in unknown.content.decode()


@pytest.mark.django_db
def test_pages_and_pdf_with_qr(reference: None, client: Client) -> None:
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    person = build(Profile(in_dtks=True))
    client.force_login(clerk)
    refused = client.post(
        "/layanan/surat/",
        {"letter_type": _dtks().pk, "nik": build(Profile(in_dtks=False)).nik, "purpose": "x"},
    )
    assert "tidak terdaftar di DTKS" in refused.content.decode()
    done = client.post(
        "/layanan/surat/", {"letter_type": _dtks().pk, "nik": person.nik, "purpose": "Beasiswa"}
    )
    letter = Letter.objects.get()
    assert done.status_code == 302
    pdf = client.get(f"/layanan/surat/{letter.pk}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert letter.number in text and person.nik in text and "Periksa keaslian" in text
    assert "<svg" not in text
    public = Client()
    services_page = public.get("/layanan/").content.decode()
    assert (
        "PENGURUSAN SURAT KETERANGAN DTKS" in services_page and "belum ditetapkan" in services_page
    )


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = dt.date(2026, 8, 14)
    independence = {dt.date(2026, 8, 17)}  # a Monday
    assert calendar.add_working_days(friday, 1, off=set()) == dt.date(2026, 8, 17)
    assert calendar.add_working_days(friday, 1, off=independence) == dt.date(2026, 8, 18)
    assert calendar.add_working_days(friday, 5, off=independence) == dt.date(2026, 8, 24)
    assert calendar.working_days_between(friday, dt.date(2026, 8, 24), off=independence) == 5
    assert calendar.working_days_between(friday, friday, off=set()) == 0


@pytest.mark.django_db
def test_holidays_come_from_the_table() -> None:
    Holiday.objects.create(date=dt.date(2026, 8, 17), name="Hari Kemerdekaan")
    assert calendar.add_working_days(dt.date(2026, 8, 14), 1) == dt.date(2026, 8, 18)


@pytest.mark.django_db
def test_letter_issued_for_a_request_completes_it(reference: None, client: Client) -> None:
    from sejahtera.services import requests as service_requests
    from sejahtera.services.models import RequestStatus

    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    person = build(Profile(in_dtks=True))
    service = _dtks().service
    assert service is not None
    request = service_requests.submit_request(
        actor=None,
        service=service,
        channel="online",
        applicant_name=person.name,
        applicant_nik=person.nik,
        desa_code=person.desa_id,
        description="Surat keterangan DTKS untuk beasiswa",
    )
    assert request.person == person
    with pytest.raises(ValidationError, match="setelah dokumen lengkap"):
        letters.issue_letter(actor=clerk, letter_type=_dtks(), person=person, request=request)
    other_type = LetterType.objects.get(code="rekomendasi-biakesmaskin")
    service_requests.move_request(actor=clerk, request=request, to=RequestStatus.CHECKED)
    with pytest.raises(ValidationError, match="bukan hasil layanan"):
        letters.issue_letter(actor=clerk, letter_type=other_type, person=person, request=request)
    stranger = build(Profile(in_dtks=True))
    with pytest.raises(ValidationError, match="atas nama pemohon"):
        letters.issue_letter(actor=clerk, letter_type=_dtks(), person=stranger, request=request)
    assert not Letter.objects.exists()
    client.force_login(clerk)
    page = client.get(f"/layanan/permohonan/{request.pk}/").content.decode()
    assert "Terbitkan surat" in page and person.name in page
    response = client.post(
        f"/layanan/permohonan/{request.pk}/",
        {"action": "letter", "letter_type": _dtks().pk, "purpose": "Beasiswa"},
    )
    letter = Letter.objects.get()
    assert response.status_code == 302 and response.url == f"/layanan/surat/{letter.pk}/"
    assert letter.request == request and letter.person == person
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert [s.status for s in request.steps.all()][-2:] == ["in_process", "done"]
    assert letter.number in request.steps.last().note  # type: ignore[union-attr]
    assert letter.number in client.get(f"/layanan/permohonan/{request.pk}/").content.decode()


@pytest.mark.django_db
def test_household_page_lists_members_services(reference: None, client: Client) -> None:
    from sejahtera.registry.selectors import household_of
    from sejahtera.services import requests as service_requests
    from sejahtera.services.models import Service

    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    person = build(Profile(in_dtks=True))
    household = household_of(person)
    assert household is not None
    client.force_login(clerk)
    empty = client.get(f"/registri/keluarga/{household.pk}/").content.decode()
    assert "Belum ada permohonan, surat, kasus atau pengaduan" in empty
    request = service_requests.submit_request(
        actor=clerk,
        service=Service.objects.get(number=1),
        channel="counter",
        applicant_name=person.name,
        applicant_nik=person.nik,
        desa_code=person.desa_id,
        description="Surat keterangan DTKS untuk beasiswa",
    )
    letter = letters.issue_letter(actor=clerk, letter_type=_dtks(), person=person)
    other = build(Profile(in_dtks=True))
    neighbours = letters.issue_letter(actor=clerk, letter_type=_dtks(), person=other)
    page = client.get(f"/registri/keluarga/{household.pk}/").content.decode()
    assert request.tracking_code in page and letter.number in page
    assert neighbours.number not in page


@pytest.mark.django_db
def test_public_verification_and_tracking_are_rate_limited(
    reference: None, client: Client, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_RATE_LIMITS = {"verify": (5, 600), "track": (5, 600)}
    for _ in range(5):
        assert client.get("/verifikasi/TIDAK-ADA/").status_code == 404
    limited = client.get("/verifikasi/TIDAK-ADA/")
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.content.decode()
    assert limited["Retry-After"] == "600"
    # Another client is not affected; tracking has its own counter.
    assert client.get("/verifikasi/TIDAK-ADA/", REMOTE_ADDR="10.9.9.9").status_code == 404
    for _ in range(5):
        client.get("/layanan/lacak/?kode=LYN-TIDAKADA")
    assert client.get("/layanan/lacak/?kode=LYN-TIDAKADA").status_code == 429
    cache.clear()
