"""Walk every URL pattern and every API operation as a user of each role whose area does not
include desa B, where a record of every kind exists whose text carries a marker. Nothing of
desa B may be shown, counted into a page, exported, or changed; no request may end in a
server error. New URLs and API operations are picked up automatically: a new page that
forgets its area check fails here.

Each URL argument is filled with the primary keys and codes of desa B's records (the walk
does not know which model a pattern shows, so it tries them all)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import issue_api_token
from sejahtera.registry.models import PpksCategory, Proposal, ProposalKind
from sejahtera.services import cases, complaints, letters
from sejahtera.services import requests as service_requests
from sejahtera.services.models import ComplaintCategory, LetterType, Service
from sejahtera.services.reference import load as load_services
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, DESA_B, KEC_A, MOJOKERTO
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db
MARK = "RAHASIAB"
SKIP = ("/static/", "/media/", "/i18n/", "/jsi18n/", "/akun/keluar/", "/api/")
# The two ways a list asks for its file, with a purpose so that an export of personal data
# gives the file itself (without one it gives the purpose form: tests/common/test_export_purpose.py).
EXPORT_SUFFIXES = (
    "?format=xlsx&keperluan=uji+jalan+semua+halaman",
    "?export=xlsx&keperluan=uji+jalan+semua+halaman",
)
# The area each role is given here: never desa B (office roles get one kecamatan).
AREA = {Role.OPERATOR_DESA: DESA_A, Role.PENDAMPING: DESA_A}


def _outside() -> list[models.Model]:
    """One record of each kind in desa B, each carrying the marker."""
    office = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    load_services(stdout=io.StringIO())
    household = HouseholdFactory(desa_id=DESA_B, street=f"Jalan {MARK}", in_dtks=True)
    person = PersonFactory(name=f"{MARK} WARGA", desa_id=DESA_B)
    add_member(person, household)
    proposal = Proposal.objects.create(
        kind=ProposalKind.CHANGE,
        desa_id=DESA_B,
        person=person,
        payload={"changes": {"occupation": MARK}},
        reason=f"{MARK} alasan",
        proposed_by=office,
    )
    request = service_requests.submit_request(
        actor=None,
        service=Service.objects.get(number=1),
        channel="online",
        applicant_name=f"{MARK} PEMOHON",
        desa_code=DESA_B,
        description=f"{MARK} keperluan surat",
    )
    complaint = complaints.submit_complaint(
        actor=None,
        channel="web",
        category=ComplaintCategory.objects.get(code="penyaluran"),
        desa_code=DESA_B,
        description=f"{MARK} bantuan belum sampai ke rumah",
        complainant_name=f"{MARK} PENGADU",
    )
    letter = letters.issue_letter(
        actor=office,
        letter_type=LetterType.objects.get(code="surat-keterangan-dtks"),
        person=person,
        purpose=f"{MARK} keperluan",
    )
    case = cases.open_case(
        actor=office,
        service=Service.objects.get(number=5),
        category=PpksCategory.objects.get(code="GELANDANGAN"),
        desa_code=DESA_B,
        subject_name=f"{MARK} KLIEN",
        intake=f"{MARK} ditemukan di pasar",
    )
    return [household, person, proposal, request, complaint, letter, case]


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name or ""


def _urls(route: str, ints: list[int], words: list[str]) -> list[str]:
    if route.startswith("^") or "(?P" in route:
        return []  # regex routes (none of ours)
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    if any(kind == "path" for kind, _name in params):
        return []
    urls: list[str] = []
    # One value for every argument at a time: the B records' keys, or their codes.
    if any(kind == "int" for kind, _name in params):
        for value in ints:
            urls.append(
                "/" + re.sub(r"<int:\w+>", str(value), re.sub(r"<(?:slug|str):\w+>", "x", route))
            )
    if any(kind in ("slug", "str", "") for kind, _name in params):
        for word in words:
            urls.append(
                "/" + re.sub(r"<(?:slug|str)?:?\w+>", word, re.sub(r"<int:\w+>", "1", route))
            )
    return list(dict.fromkeys(urls))


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "ignore")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", "ignore")


def _snapshot(objects: list[models.Model]) -> list[dict[str, Any]]:
    return [
        model_to_dict(type(obj)._default_manager.get(pk=obj.pk), exclude=["file", "minutes"])
        for obj in objects
    ]


def _report(what: str, errors: list[str], leaks: list[str]) -> None:
    """Everything found, for the person fixing it (pytest shows only the first lines)."""
    import os

    target = os.environ.get("SEJAHTERA_WALK_REPORT")
    if target:
        with open(f"{target}-{what}.txt", "w", encoding="utf-8") as handle:
            handle.write("\n".join(["ERRORS", *errors, "LEAKS", *leaks]))


def _users(*roles: Role) -> list[Any]:
    return [
        UserFactory(role=role, area_codes=[AREA.get(role, KEC_A)], username=f"jalan_{role}")
        for role in roles or tuple(Role)
    ]


# One test per role, so that the walk (the longest test of the suite) is shared out among
# the test workers.
@pytest.mark.parametrize("role", list(Role))
def test_no_page_shows_or_changes_another_areas_records(role: Role) -> None:
    outside = _outside()
    before = _snapshot(outside)
    ints = sorted({obj.pk for obj in outside})
    words = [DESA_B, "35.16.02", MARK] + [
        str(getattr(obj, "tracking_code", "")) for obj in outside if hasattr(obj, "tracking_code")
    ]
    leaks: list[str] = []
    errors: list[str] = []
    downloaded: set[str] = set()
    routes = [(r, n) for r, n in _patterns() if not ("/" + r).startswith(SKIP)]
    assert len(routes) > 60  # the walk really covers the site
    # Every role walks the pages without arguments (lists, dashboards, exports); the pages of
    # one record are walked by a desa, a kecamatan and an office user.
    record_walkers = {Role.OPERATOR_DESA, Role.TKSK, Role.KEPALA_BIDANG}
    for user in _users(role):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route, _name in routes:
            has_args = "<" in route
            if has_args and user.role not in record_walkers:
                continue
            for url in _urls(route, ints, words):
                for suffix in ("",) if has_args else ("", *EXPORT_SUFFIXES):
                    response = client.get(url + suffix)
                    if suffix and response.has_header("Content-Disposition"):
                        downloaded.add(url)
                    if response.status_code >= 500:
                        errors.append(f"{user.role} GET {url}{suffix}: {response.status_code}")
                    elif response.status_code == 200 and MARK in _text(response):
                        leaks.append(f"{user.role} GET {url}{suffix}")
                    if suffix == "" and response.status_code in (404, 405):
                        break
                response = client.post(url, {})
                if response.status_code >= 500:
                    errors.append(f"{user.role} POST {url}: {response.status_code}")
                elif response.status_code == 200 and MARK in _text(response):
                    leaks.append(f"{user.role} POST {url}")
    _report(f"pages-{role}", errors, leaks)
    assert not errors, errors[:20]
    assert not leaks, leaks[:20]
    assert _snapshot(outside) == before
    if role == Role.OPERATOR_DINAS:
        # The export suffixes reached the files themselves (not only the purpose form).
        personal = {"/registri/penduduk/", "/registri/usulan/", "/layanan/permohonan/", "/mitra/"}
        assert personal <= downloaded, personal - downloaded


def test_no_api_operation_shows_another_areas_records() -> None:
    from sejahtera.config.api import api

    outside = _outside()
    ints = sorted({obj.pk for obj in outside})
    schema = api.get_openapi_schema()
    leaks: list[str] = []
    errors: list[str] = []
    for user in _users():
        _token, secret = issue_api_token(actor=user, user=user, name="jalan")
        client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
        for path, operations in schema["paths"].items():
            if "get" not in operations:
                continue
            params = re.findall(r"{(\w+)}", path)
            candidates = [path] if not params else []
            for value in ints if params else []:
                candidates.append(re.sub(r"{\w+}", str(value), path))
            for url in candidates:
                response = client.get(url)
                if response.status_code >= 500:
                    errors.append(f"{user.role} GET {url}: {response.status_code}")
                elif response.status_code == 200 and MARK in response.content.decode():
                    leaks.append(f"{user.role} GET {url}")
    _report("api", errors, leaks)
    assert not errors, errors[:20]
    assert not leaks, leaks[:20]
