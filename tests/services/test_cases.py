"""Cases: intake → assessment → plan → actions/referrals/notes → closed with an outcome; each
refusal (wrong order, closed case, referral without destination, dates, non-case service, out
of area, read-only auditor) saves nothing; numbers per year; the list and the page, scoped;
a view of a registered person's case is logged."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.common.formatting import mask_nik
from sejahtera.registry.models import PpksCategory
from sejahtera.services import cases
from sejahtera.services import requests as service_requests
from sejahtera.services.models import (
    Case,
    CaseEntry,
    CaseOutcome,
    CaseStatus,
    Channel,
    EntryKind,
    Service,
)
from sejahtera.services.reference import load
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def reference(db: None) -> None:
    load(stdout=io.StringIO())


@pytest.fixture
def clerk() -> Any:
    return UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])


@pytest.fixture
def outsider() -> Any:
    return UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])


@pytest.fixture
def auditor() -> Any:
    return UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO])


def _t4() -> Service:
    return Service.objects.get(number=5)  # Penanganan Orang dengan T4/OT


def _open(actor: Any, **extra: Any) -> Case:
    args: dict[str, Any] = {
        "service": _t4(),
        "category": PpksCategory.objects.get(code="GELANDANGAN"),
        "desa_code": DESA_A,
        "subject_name": "Mr. X, laki-laki ±40 tahun",
        "intake": "Ditemukan tidur di emper pasar, tanpa identitas, kondisi lemah.",
        "opened_on": TODAY - 3 * DAY,
    }
    args.update(extra)
    return cases.open_case(actor=actor, **args)


def _planned(actor: Any, **extra: Any) -> Case:
    case = _open(actor, **extra)
    cases.record_assessment(actor=actor, case=case, text="Butuh tempat tinggal dan makan.")
    return cases.record_plan(actor=actor, case=case, text="Tempatkan sementara di shelter.")


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_every_step_in_order_is_saved_and_audited(clerk: Any) -> None:
    case = _open(clerk, worker=clerk)
    assert (case.status, case.person, case.worker) == (CaseStatus.INTAKE, None, clerk)
    cases.record_assessment(actor=clerk, case=case, text="Butuh tempat tinggal dan makan.")
    assert _fresh(case).status == CaseStatus.ASSESSED
    cases.record_plan(actor=clerk, case=case, text="Tempatkan sementara di shelter.")
    assert _fresh(case).status == CaseStatus.PLANNED
    # A note does not start the intervention; the first action does.
    cases.add_entry(
        actor=clerk, case=case, kind=EntryKind.NOTE, on=TODAY - DAY, description="Ditelepon"
    )
    assert _fresh(case).status == CaseStatus.PLANNED
    cases.add_entry(
        actor=clerk,
        case=case,
        kind=EntryKind.ACTION,
        on=TODAY - DAY,
        description="Diantar ke shelter dinas",
    )
    assert _fresh(case).status == CaseStatus.ACTING
    cases.add_entry(
        actor=clerk,
        case=case,
        kind=EntryKind.REFERRAL,
        on=TODAY,
        description="Dirujuk untuk perawatan",
        referred_to="RSJ Menur",
    )
    closed = cases.close_case(
        actor=clerk, case=case, outcome=CaseOutcome.REFERRED, note="Diterima RSJ"
    )
    closed = _fresh(closed)
    assert (closed.status, closed.outcome, closed.closed_on) == (
        CaseStatus.CLOSED,
        CaseOutcome.REFERRED,
        TODAY,
    )
    assert [e.kind for e in closed.entries.all()] == ["note", "action", "referral"]
    assert closed.entries.get(kind=EntryKind.REFERRAL).referred_to == "RSJ Menur"
    events = AuditEvent.objects.filter(object_type="services.case", object_id=str(case.pk))
    assert [e.action for e in events.order_by("pk")] == ["create"] + ["update"] * 6
    statuses = [e.changes.get("status") for e in events.order_by("pk")[1:]]
    assert statuses == [
        ["intake", "assessed"],
        ["assessed", "planned"],
        None,
        ["planned", "acting"],
        None,
        ["acting", "closed"],
    ]
    assert all(e.wilayah_code == DESA_A for e in events)


def test_steps_out_of_order_are_refused(clerk: Any) -> None:
    case = _open(clerk)
    with pytest.raises(ValidationError, match="setelah asesmen"):
        cases.record_plan(actor=clerk, case=case, text="Rencana yang terlalu dini.")
    with pytest.raises(ValidationError, match="setelah rencana intervensi"):
        cases.add_entry(
            actor=clerk, case=case, kind=EntryKind.ACTION, on=TODAY, description="Terlalu dini"
        )
    with pytest.raises(ValidationError, match="Kasus ditutup setelah rencana"):
        cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.SERVED)
    cases.record_assessment(actor=clerk, case=case, text="Butuh tempat tinggal dan makan.")
    with pytest.raises(ValidationError, match="tahap Penerimaan"):
        cases.record_assessment(actor=clerk, case=case, text="Asesmen kedua kalinya.")
    with pytest.raises(ValidationError, match="minimal 10 huruf"):
        cases.record_plan(actor=clerk, case=case, text="singkat")
    fresh = _fresh(case)
    assert fresh.status == CaseStatus.ASSESSED and fresh.assessment.startswith("Butuh")
    assert fresh.plan == "" and not fresh.entries.exists() and fresh.outcome == ""


def test_a_closed_case_cannot_change(clerk: Any) -> None:
    case = _planned(clerk)
    cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.LEFT, note="Menolak")
    before = Case.objects.filter(pk=case.pk).values().get()
    calls = [
        lambda: cases.record_assessment(actor=clerk, case=case, text="Asesmen sesudah tutup."),
        lambda: cases.record_plan(actor=clerk, case=case, text="Rencana sesudah tutup."),
        lambda: cases.add_entry(
            actor=clerk, case=case, kind=EntryKind.NOTE, on=TODAY, description="Catatan baru"
        ),
        lambda: cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.SERVED),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="sudah ditutup"):
            call()
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert not CaseEntry.objects.exists()


def test_entry_and_closing_refusals_save_nothing(clerk: Any) -> None:
    case = _planned(clerk)
    opened = case.opened_on
    with pytest.raises(ValidationError) as refused:
        cases.add_entry(
            actor=clerk, case=case, kind=EntryKind.REFERRAL, on=TODAY, description="Dirujuk"
        )
    assert "referred_to" in refused.value.message_dict
    with pytest.raises(ValidationError, match="masa depan"):
        cases.add_entry(
            actor=clerk, case=case, kind=EntryKind.ACTION, on=TODAY + DAY, description="Besok"
        )
    with pytest.raises(ValidationError, match="sebelum"):
        cases.add_entry(
            actor=clerk,
            case=case,
            kind=EntryKind.ACTION,
            on=opened - DAY,
            description="Sebelum kasus dibuka",
        )
    with pytest.raises(ValidationError):
        cases.add_entry(actor=clerk, case=case, kind="visit", on=TODAY, description="Jenis salah")
    assert not CaseEntry.objects.exists() and _fresh(case).status == CaseStatus.PLANNED
    with pytest.raises(ValidationError) as no_outcome:
        cases.close_case(actor=clerk, case=case, outcome="")
    assert "outcome" in no_outcome.value.message_dict
    with pytest.raises(ValidationError, match="masa depan"):
        cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.SERVED, closed_on=TODAY + DAY)
    with pytest.raises(ValidationError, match="sebelum"):
        cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.SERVED, closed_on=opened - DAY)
    cases.add_entry(
        actor=clerk, case=case, kind=EntryKind.ACTION, on=TODAY, description="Aksi lapangan"
    )
    with pytest.raises(ValidationError, match="sebelum"):  # before the last action
        cases.close_case(actor=clerk, case=case, outcome=CaseOutcome.SERVED, closed_on=TODAY - DAY)
    fresh = _fresh(case)
    assert (fresh.status, fresh.outcome, fresh.closed_on) == (CaseStatus.ACTING, "", None)
    # Closing straight from the plan is allowed (e.g. the client left).
    other = _planned(clerk)
    assert cases.close_case(actor=clerk, case=other, outcome=CaseOutcome.LEFT).status == "closed"


def test_opening_refusals(clerk: Any) -> None:
    with pytest.raises(ValidationError, match="bukan layanan penanganan kasus"):
        _open(clerk, service=Service.objects.get(number=1))  # a letter
    with pytest.raises(ValidationError, match="masa depan"):
        _open(clerk, opened_on=TODAY + DAY)
    with pytest.raises(ValidationError) as short:
        _open(clerk, subject_name=" ", intake="lemah")
    assert "subject_name" in short.value.message_dict
    with pytest.raises(ValidationError):
        _open(clerk, desa_code="35.16.01")  # a kecamatan, not a desa
    outsider_worker = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    with pytest.raises(ValidationError) as worker:
        _open(clerk, worker=outsider_worker)
    assert "worker" in worker.value.message_dict
    with pytest.raises(PermissionDenied):
        _open(clerk, person=PersonFactory(desa_id=DESA_B))
    assert not Case.objects.exists()


def test_area_and_read_only_refusals(clerk: Any, outsider: Any, auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        _open(outsider)
    with pytest.raises(PermissionDenied):
        _open(auditor)
    case = _open(clerk)
    for actor in (outsider, auditor):
        with pytest.raises(PermissionDenied):
            cases.record_assessment(actor=actor, case=case, text="Asesmen dari luar wilayah.")
    planned = _planned(clerk)
    for actor in (outsider, auditor):
        with pytest.raises(PermissionDenied):
            cases.add_entry(
                actor=actor, case=planned, kind=EntryKind.NOTE, on=TODAY, description="Catatan"
            )
        with pytest.raises(PermissionDenied):
            cases.close_case(actor=actor, case=planned, outcome=CaseOutcome.SERVED)
    assert _fresh(case).status == CaseStatus.INTAKE
    assert _fresh(planned).status == CaseStatus.PLANNED and not CaseEntry.objects.exists()
    assert list(cases.cases_for(outsider)) == []
    assert set(cases.cases_for(auditor)) == {case, planned}


def test_numbers_run_per_year_and_survive_a_clash(
    clerk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = TODAY.year
    first = _open(clerk, opened_on=TODAY)
    second = _open(clerk, opened_on=TODAY)
    last_year = _open(clerk, opened_on=dt.date(year - 1, 12, 30))
    assert [first.number, second.number, last_year.number] == [
        f"KSS-{year}-0001",
        f"KSS-{year}-0002",
        f"KSS-{year - 1}-0001",
    ]
    # Another clerk took the number between reading the highest and inserting: retried.
    real = cases._next_number
    answers = iter([f"KSS-{year}-0002"])
    monkeypatch.setattr(cases, "_next_number", lambda y: next(answers, None) or real(y))
    assert _open(clerk, opened_on=TODAY).number == f"KSS-{year}-0003"
    monkeypatch.undo()
    # Past 9999 the order is by length first.
    Case.objects.filter(pk=first.pk).update(number=f"KSS-{year}-9999")
    assert _open(clerk, opened_on=TODAY).number == f"KSS-{year}-10000"
    assert _open(clerk, opened_on=TODAY).number == f"KSS-{year}-10001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_opening_never_repeats_a_number() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the concurrency test runs on PostgreSQL")
    clerks = [UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO]) for _ in range(4)]
    barrier = threading.Barrier(len(clerks))
    errors: list[str] = []

    def work(clerk: Any) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                _open(clerk, opened_on=TODAY)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [f"KSS-{TODAY.year}-{n:04d}" for n in range(1, 21)]


def test_request_and_person_links(clerk: Any, outsider: Any) -> None:
    person = PersonFactory(name="Sutrisno")
    request = service_requests.submit_request(
        actor=clerk,
        service=_t4(),
        channel=Channel.COUNTER,
        applicant_name="Kepala Desa",
        desa_code=DESA_A,
        description="Ada warga terlantar di balai desa",
        today=TODAY - DAY,
    )
    with pytest.raises(ValidationError, match="sebelum"):
        _open(clerk, request=request, opened_on=TODAY - 2 * DAY)
    case = _open(clerk, request=request, person=person, opened_on=TODAY)
    assert (case.request, case.person) == (request, person)
    elsewhere = service_requests.submit_request(
        actor=outsider,
        service=_t4(),
        channel=Channel.COUNTER,
        applicant_name="Warga",
        desa_code=DESA_B,
        description="Ada warga terlantar di pasar",
    )
    with pytest.raises(PermissionDenied):
        _open(clerk, request=elsewhere)


def test_list_page_is_scoped_filtered_and_hides_nik(
    clerk: Any, outsider: Any, client: Client
) -> None:
    person = PersonFactory(name="Sutrisno")
    mine = _open(clerk, person=person, subject_name="Sutrisno")
    closed = _planned(clerk)
    cases.close_case(actor=clerk, case=closed, outcome=CaseOutcome.SERVED)
    theirs = _open(outsider, desa_code=DESA_B, subject_name="Orang dari Gondang")
    client.force_login(clerk)
    page = client.get("/layanan/kasus/").content.decode()
    assert mine.number in page and closed.number in page and theirs.number not in page
    assert "Sutrisno" in page and person.nik not in page
    assert "Buka kasus baru" in page
    only_closed = client.get("/layanan/kasus/", {"status": "closed"}).content.decode()
    assert closed.number in only_closed and mine.number not in only_closed
    other_service = Service.objects.get(number=6)
    by_service = client.get("/layanan/kasus/", {"layanan": other_service.pk}).content.decode()
    assert mine.number not in by_service
    assert client.get(f"/layanan/kasus/{theirs.pk}/").status_code == 404


def test_pages_open_and_move_a_case(clerk: Any, client: Client) -> None:
    person = PersonFactory(name="Sutrisno")
    client.force_login(clerk)
    form = {
        "service": _t4().pk,
        "category": PpksCategory.objects.get(code="GELANDANGAN").pk,
        "desa": DESA_A,
        "subject_name": "Sutrisno",
        "nik": person.nik,
        "opened_on": TODAY.isoformat(),
        "intake": "Ditemukan tidur di emper pasar.",
        "worker": clerk.pk,
    }
    unknown = client.post("/layanan/kasus/", {**form, "nik": "3516011705800999"})
    assert unknown.status_code == 200 and "tidak terdaftar di wilayah Anda" in unknown.text
    future = client.post("/layanan/kasus/", {**form, "opened_on": (TODAY + DAY).isoformat()})
    assert future.status_code == 200 and "masa depan" in future.text
    assert not Case.objects.exists()
    created = client.post("/layanan/kasus/", form)
    case = Case.objects.get()
    assert created.status_code == 302 and created.url == f"/layanan/kasus/{case.pk}/"
    assert case.person == person and case.worker == clerk
    url = created.url
    short = client.post(url, {"step": "assessment", "assessment-text": "pendek"})
    assert short.status_code == 200 and "minimal 10 huruf" in short.text
    assert _fresh(case).status == CaseStatus.INTAKE
    wrong = client.post(url, {"step": "close", "close-outcome": "served"}, follow=True)
    assert "tidak tersedia" in wrong.text and _fresh(case).status == CaseStatus.INTAKE
    client.post(url, {"step": "assessment", "assessment-text": "Butuh tempat tinggal."})
    client.post(url, {"step": "plan", "plan-text": "Tempatkan di shelter dinas."})
    assert _fresh(case).status == CaseStatus.PLANNED
    referral = {
        "step": "entry",
        "entry-kind": "referral",
        "entry-on": TODAY.isoformat(),
        "entry-description": "Dirujuk untuk perawatan",
    }
    no_destination = client.post(url, referral)
    assert "tujuan rujukan" in no_destination.text and not CaseEntry.objects.exists()
    client.post(url, {**referral, "entry-referred_to": "RSJ Menur"})
    assert _fresh(case).status == CaseStatus.ACTING
    done = client.post(
        url,
        {"step": "close", "close-outcome": "referred", "close-closed_on": TODAY.isoformat()},
        follow=True,
    )
    assert "Kasus ditutup" in done.text and "RSJ Menur" in done.text
    assert "tidak dapat diubah lagi" in done.text and 'name="step"' not in done.text
    assert _fresh(case).outcome == CaseOutcome.REFERRED


def test_viewing_a_registered_persons_case_is_logged(clerk: Any, client: Client) -> None:
    person = PersonFactory(name="Sutrisno")
    registered = _open(clerk, person=person, subject_name="Sutrisno")
    unknown = _open(clerk)
    client.force_login(clerk)
    page = client.get(f"/layanan/kasus/{registered.pk}/")
    assert page.status_code == 200 and "Sutrisno" in page.text and person.nik not in page.text
    views = AuditEvent.objects.filter(action=Action.VIEW)
    event = views.get()
    assert (event.object_type, event.object_id, event.actor) == (
        "registry.person",
        str(person.pk),
        clerk,
    )
    assert event.extra == {"case": registered.number}
    assert client.get(f"/layanan/kasus/{unknown.pk}/").status_code == 200
    assert views.count() == 1  # Mr. X is no registered person


def test_auditor_reads_but_cannot_write(auditor: Any, clerk: Any, client: Client) -> None:
    case = _open(clerk)
    client.force_login(auditor)
    page = client.get(f"/layanan/kasus/{case.pk}/")
    assert page.status_code == 200 and 'name="step"' not in page.text
    listing = client.get("/layanan/kasus/")
    assert case.number in listing.text and "Buka kasus baru" not in listing.text
    posted = client.post(
        f"/layanan/kasus/{case.pk}/", {"step": "assessment", "assessment-text": "Dari auditor."}
    )
    assert posted.status_code == 403 and _fresh(case).status == CaseStatus.INTAKE


def test_request_page_offers_a_case_prefilled(clerk: Any, client: Client) -> None:
    person = PersonFactory(name="Sutrisno")
    case_request = service_requests.submit_request(
        actor=clerk,
        service=_t4(),
        channel=Channel.COUNTER,
        applicant_name="Sutrisno",
        applicant_nik=person.nik,
        desa_code=DESA_A,
        description="Ada warga terlantar di balai desa",
    )
    assert case_request.person == person
    letter_request = service_requests.submit_request(
        actor=clerk,
        service=Service.objects.get(number=1),
        channel=Channel.COUNTER,
        applicant_name="Budi",
        desa_code=DESA_A,
        description="Surat keterangan DTKS",
    )
    client.force_login(clerk)
    page = client.get(f"/layanan/permohonan/{case_request.pk}/").text
    assert f"/layanan/kasus/?permohonan={case_request.pk}" in page and "Buka kasus" in page
    assert "Buka kasus" not in client.get(f"/layanan/permohonan/{letter_request.pk}/").text
    form = client.get("/layanan/kasus/", {"permohonan": case_request.pk}).text
    assert "Sutrisno" in form and "Ada warga terlantar di balai desa" in form
    assert f'name="request" value="{case_request.pk}"' in form
    # The registered person is offered by name and masked NIK, never the full NIK.
    assert person.nik not in form and mask_nik(person.nik) in form
    assert re.search(r'<input[^>]*name="request_person"[^>]*checked', form)
    created = client.post(
        "/layanan/kasus/",
        {
            "request": case_request.pk,
            "request_person": "on",
            "service": _t4().pk,
            "category": PpksCategory.objects.get(code="GELANDANGAN").pk,
            "desa": DESA_A,
            "subject_name": "Sutrisno",
            "opened_on": TODAY.isoformat(),
            "intake": "Ada warga terlantar di balai desa",
        },
    )
    assert created.status_code == 302
    case = Case.objects.get()
    assert (case.request, case.person) == (case_request, person)
    assert case.number in client.get(f"/layanan/permohonan/{case_request.pk}/").text


def test_export_follows_the_filters_and_is_audited(
    clerk: Any, outsider: Any, client: Client
) -> None:
    from openpyxl import load_workbook

    closed = _planned(clerk, subject_name="Sumarni")
    cases.close_case(actor=clerk, case=closed, outcome=CaseOutcome.REUNIFIED)
    open_one = _open(clerk)
    _open(outsider, desa_code=DESA_B, subject_name="Orang dari Gondang")
    client.force_login(clerk)
    response = client.get(
        "/layanan/kasus/", {"status": "closed", "format": "xlsx", "keperluan": "Rekap kasus"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [closed.number]
    assert rows[0][4] == "Sumarni" and rows[0][8] == CaseOutcome.REUNIFIED.label
    assert open_one.number not in str(rows)
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="services.case").exists()
    by_number = client.get("/layanan/kasus/", {"q": closed.number.lower()}).content.decode()
    assert closed.number in by_number and open_one.number not in by_number
