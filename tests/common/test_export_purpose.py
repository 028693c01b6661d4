"""Every bulk export of personal data asks for a purpose, logs it and is watermarked with who
exported it, when and why (`sejahtera.common.exports`).

`PERSONAL` and `NOT_PERSONAL` list every export endpoint of the site with the parameters that
produce its file. `test_every_export_is_listed` fails when a view starts an export that is
not listed here (it counts the `start_export(` calls of each module and walks the URLconf for
list views), and when a module writes a file without going through `start_export`.

Every text value that an export shows holds a formula (`=HYPERLINK(...)`), and the purpose
given is itself formula-like: no exported cell may be a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.common import exports
from sejahtera.common.exports import Watermark, purpose_error, write_xlsx
from sejahtera.common.views import ScopedListView
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, MOJOKERTO

pytestmark = pytest.mark.django_db

SRC = Path(exports.__file__).resolve().parents[1]
FORMULA = '=HYPERLINK("http://x")'
NEUTRALISED = "'" + FORMULA
PURPOSE = "=cmd|' /C calc'!A0"


@dataclass(frozen=True)
class Endpoint:
    url_name: str
    params: dict[str, str]
    kind: str = "xlsx"  # xlsx, pdf, csv, json
    args: tuple[str, ...] = ()  # keys of the `world` fixture that fill the URL's arguments
    shows_formula: bool = True  # the export shows a text value the world filled with FORMULA
    note_row: bool = True  # False: a machine-read layout (header in row 1)
    fixtures: tuple[str, ...] = field(default=())
    role: str = ""  # a role other than the world's user (Kepala Dinas) when the page needs it

    @property
    def id(self) -> str:
        extra = "-".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.url_name}?{extra}"


PERSONAL = [
    Endpoint("registry:person_list", {"export": "xlsx"}),
    Endpoint("registry:household_list", {"export": "xlsx"}),
    Endpoint("registry:proposal_list", {"export": "xlsx"}),
    Endpoint("registry:proposal_list", {"export": "siksng", "format": "xlsx"}, note_row=False),
    Endpoint("registry:proposal_list", {"export": "siksng", "format": "csv"}, kind="csv"),
    Endpoint("registry:subject_export", {}, kind="json", args=("person",)),
    Endpoint("services:requests", {"format": "xlsx"}),
    Endpoint("services:cases", {"format": "xlsx"}),
    # One row per citizen's complaint with its tracking code, no free text: no formula shown.
    Endpoint("services:complaints", {"format": "xlsx"}, shows_formula=False),
    Endpoint("partners:list", {"format": "xlsx"}),
    Endpoint("partners:grants", {"format": "xlsx"}),
    Endpoint("cemeteries:veterans", {"format": "xlsx"}),
    Endpoint("linkage:queue", {"format": "xlsx"}),
    Endpoint("linkage:quality_list", {"format": "xlsx"}, args=("check",)),
    Endpoint("linkage:outside_result", {"format": "xlsx"}, args=("outside",)),
    Endpoint("programs:bnba", {"desa": DESA_A}, args=("cycle",)),
    Endpoint("programs:bnba", {"desa": DESA_A, "format": "pdf"}, kind="pdf", args=("cycle",)),
    Endpoint("audit:list", {"export": "xlsx"}),
    Endpoint("accounts:user_list", {"export": "xlsx"}),
]

# Aggregates, reference data and the plan: no purpose asked, still audited and stamped.
NOT_PERSONAL = [
    Endpoint("wilayah:list", {"export": "xlsx"}),
    Endpoint("disasters:list", {"export": "xlsx"}),
    Endpoint("disasters:report", {"format": "xlsx"}),
    Endpoint("disasters:event_report", {"format": "xlsx"}, args=("event",)),
    Endpoint("disasters:stock", {"format": "xlsx"}),
    Endpoint("disasters:ledger", {"format": "xlsx"}, args=("item",)),
    Endpoint("partners:counts", {"format": "xlsx"}),
    Endpoint("cemeteries:list", {"format": "xlsx"}),
    Endpoint("linkage:quality", {"format": "xlsx"}),
    Endpoint("services:report", {"format": "xlsx"}),
    Endpoint("planning:plan", {"format": "xlsx"}, fixtures=("seed_plan",)),
    Endpoint("planning:plan", {"format": "pdf"}, kind="pdf", fixtures=("seed_plan",)),
    Endpoint("planning:plan", {"format": "csv"}, kind="csv", fixtures=("seed_plan",)),
    Endpoint(
        "planning:realisation_import",
        {"formulir": "1"},
        note_row=False,
        fixtures=("seed_plan",),
        role=Role.OPERATOR_DINAS,  # a unit that reports realisation
    ),
]

# Modules that send files without `start_export`, and why that is right.
NOT_EXPORTS = {
    "services/views.py": "one letter's PDF for its holder (audited as an export of that letter)",
    "jobs/views.py": "an import's rejected rows, back to the person who uploaded them",
    "cemeteries/views.py": "an uploaded maintenance photo (the list export is listed above)",
    "disasters/views.py": "an uploaded situation report file",
    "planning/realisation_views.py": "an uploaded evidence file (the form export is listed)",
    "planning/render.py": "draws the Renstra sheets for planning.views.export_sheet",
    "planning/imports.py": "draws the realisation form for the listed formulir export",
    "services/report_views.py": "draws the services report for its listed export",
    "common/backup.py": "the server operator's backup command",
}
FILE_WRITING = re.compile(
    r"Content-Disposition|FileResponse\(|xlsx_response\(|file_response\(|write_pdf\(|"
    r"write_xlsx\(|text/csv|application/pdf|Workbook\("
)


# --- The world: one record behind every export, each text holding a formula -----------------


@pytest.fixture
def seed_plan(db: Any) -> Any:
    """The seed's Renstra (as tests/planning/conftest.py loads it)."""
    from sejahtera.planning.loader import load_plan
    from sejahtera.planning.reference import load as load_grades

    load_grades(stdout=io.StringIO())
    return load_plan(actor=None).plan


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from sejahtera.cemeteries.models import Veteran
    from sejahtera.disasters import warehouse
    from sejahtera.linkage.models import CandidatePair, LinkageModel, OutsideList, OutsideRow
    from sejahtera.partners.models import Partner, PartnerKind, UepGrant
    from sejahtera.partners.reference import load as load_partner_kinds
    from sejahtera.programs.models import Beneficiary, Cycle, Programme
    from sejahtera.programs.reference import load as load_programmes
    from sejahtera.registry.models import (
        Person,
        PpksCategory,
        Proposal,
        ProposalKind,
        ProposalStatus,
    )
    from sejahtera.services import cases, complaints
    from sejahtera.services import requests as service_requests
    from sejahtera.services.models import Case, ComplaintCategory, Service, ServiceRequest
    from sejahtera.services.reference import load as load_services
    from tests.disasters.factories import make_event
    from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

    quiet = io.StringIO()
    load_services(stdout=quiet)
    load_partner_kinds(stdout=quiet)
    load_programmes(stdout=quiet)
    user = UserFactory(
        role=Role.KEPALA_DINAS, area_codes=[MOJOKERTO], username="pengekspor", full_name=FORMULA
    )
    household = HouseholdFactory(street=FORMULA)
    person = PersonFactory(name=FORMULA)
    add_member(person, household)
    twin = PersonFactory(name=FORMULA + " KEMBAR")
    add_member(twin, HouseholdFactory())
    PersonFactory(name=FORMULA + " NIK", nik="3516.01120580001")  # a finding of nik-tidak-sah
    Proposal.objects.create(
        kind=ProposalKind.CHANGE,
        desa_id=DESA_A,
        person=person,
        payload={"changes": {"occupation": "PETANI"}},
        reason="Pindah pekerjaan",
        proposed_by=user,
        status=ProposalStatus.APPROVED,
        decided_by=user,
        decided_at=timezone.now(),
    )
    request = service_requests.submit_request(
        actor=None,
        service=Service.objects.get(number=1),
        channel="online",
        applicant_name="Pemohon Uji",
        desa_code=DESA_A,
        description="Surat keterangan",
    )
    ServiceRequest.objects.filter(pk=request.pk).update(applicant_name=FORMULA)
    complaints.submit_complaint(
        actor=None,
        channel="web",
        category=ComplaintCategory.objects.get(code="penyaluran"),
        desa_code=DESA_A,
        description="Bantuan belum sampai",
        complainant_name=FORMULA,
    )
    case = cases.open_case(
        actor=user,
        service=Service.objects.get(number=5),
        category=PpksCategory.objects.get(code="GELANDANGAN"),
        desa_code=DESA_A,
        subject_name="Klien Uji",
        intake="Ditemukan di pasar",
    )
    Case.objects.filter(pk=case.pk).update(subject_name=FORMULA)
    karang_taruna = Partner.objects.create(
        kind=PartnerKind.objects.get(code="karang-taruna"), name=FORMULA, area_id=DESA_A
    )
    UepGrant.objects.create(
        partner=karang_taruna,
        granted_on=dt.date(2025, 3, 1),
        amount=5_000_000,
        business=FORMULA,
    )
    Veteran.objects.create(name=FORMULA, category="pembela", desa_id=DESA_A)
    model = LinkageModel.objects.create(version=1, area_code=MOJOKERTO, model={})
    low, high = sorted([person, twin], key=lambda p: p.pk)
    CandidatePair.objects.create(
        linkage_model=model,
        person_a=low,
        person_b=high,
        desa_a=DESA_A,
        desa_b=DESA_A,
        match_weight=10.0,
        match_probability=0.97,
    )
    outside = OutsideList.objects.create(
        name="daftar-luar.csv", mapping={"name": "NAMA"}, rows=1, uploaded_by=user
    )
    OutsideRow.objects.create(outside_list=outside, line=2, values={"name": FORMULA})
    programme = Programme.objects.order_by("number").first()
    assert programme is not None
    cycle = Cycle.objects.create(
        programme=programme,
        name="Tahap Uji",
        as_of=dt.date(2025, 1, 1),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        area_id=MOJOKERTO,
        amount=200_000,
    )
    # Enough recipients for a PDF of several pages: the watermark must be on each.
    recipients = [person] + [PersonFactory(name=f"PENERIMA {i:02d}") for i in range(40)]
    Beneficiary.objects.bulk_create(
        Beneficiary(cycle=cycle, person=p, household=household, desa_id=DESA_A, rank=i)
        for i, p in enumerate(recipients, start=1)
    )
    AuditEvent.objects.create(action=Action.VIEW, object_repr=FORMULA, actor_username="saksi")
    event = make_event()
    item = warehouse.create_item(actor=None, name="Beras", unit="kg")
    assert Person.objects.filter(name=FORMULA).exists()
    return {
        "user": user,
        "person": person.pk,
        "check": "nik-tidak-sah",
        "outside": outside.pk,
        "cycle": cycle.pk,
        "event": event.pk,
        "item": item.pk,
    }


def _url(endpoint: Endpoint, world: dict[str, Any]) -> str:
    return reverse(endpoint.url_name, args=[world[a] for a in endpoint.args])


def _client(world: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(world["user"])
    return client


def _exports() -> Any:
    return AuditEvent.objects.filter(action=Action.EXPORT)


def _content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(book: Any) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


# --- Personal data: purpose form, then the watermarked, audited file -------------------------


@pytest.mark.parametrize("endpoint", PERSONAL, ids=lambda e: e.id)
def test_personal_export_asks_the_purpose_then_logs_and_stamps_it(
    endpoint: Endpoint, world: dict[str, Any]
) -> None:
    client = _client(world)
    url = _url(endpoint, world)
    before = _exports().count()

    form = client.get(url, {**endpoint.params, "tahun": "2025"})
    assert form.status_code == 200
    assert form["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in form
    assert form.templates[0].name == "common/export_purpose.html"
    html = form.content.decode()
    assert "Untuk keperluan apa data ini diekspor?" in html
    assert f'action="{url}"' in html
    for name, value in {**endpoint.params, "tahun": "2025"}.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in html, name
    too_short = client.get(url, {**endpoint.params, "keperluan": " ab "})
    assert too_short.status_code == 400 and "terlalu singkat" in too_short.content.decode()
    assert _exports().count() == before  # no file, nothing logged

    today = timezone.localdate().strftime("%d-%m-%Y")
    response = client.get(url, {**endpoint.params, "keperluan": PURPOSE})
    assert response.status_code == 200, response.content[:500]
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and "pengekspor" in disposition
    assert f".{endpoint.kind}" in disposition
    content = _content(response)
    event = _exports().get()
    assert event.actor == world["user"]
    assert event.extra["keperluan"] == PURPOSE
    assert event.extra["rows"] >= 1
    assert event.extra["filters"] == endpoint.params
    assert event.extra["file"] in disposition
    assert "keperluan" not in event.extra["filters"]

    if endpoint.kind == "xlsx":
        _assert_xlsx_stamped(content, endpoint, today, event.pk)
    elif endpoint.kind == "pdf":
        pages = PdfReader(io.BytesIO(content)).pages
        assert len(pages) >= 2
        for page in pages:
            text = " ".join(page.extract_text().split())
            assert "pengekspor" in text and today in text and PURPOSE in text
            assert f"jejak audit no. {event.pk}" in text
    elif endpoint.kind == "csv":
        # A machine-read layout: the header is the first line, the watermark is in the file
        # name and the audit event only.
        text = content.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
        from sejahtera.registry.exports import SIKSNG_COLUMNS

        assert lines[0] == SIKSNG_COLUMNS
        assert NEUTRALISED in [cell for line in lines for cell in line]
        assert FORMULA not in [cell for line in lines for cell in line]
        assert re.search(r"usulan-siksng-\d{8}-\d{4}-pengekspor\.csv", disposition)
    else:
        exported = json.loads(content)["exported"]
        assert exported["by"] == "pengekspor" and exported["purpose"] == PURPOSE
        assert exported["audit_event"] == event.pk


def _assert_xlsx_stamped(content: bytes, endpoint: Endpoint, today: str, number: int) -> None:
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    first = [c.value for c in sheet[1]]
    if endpoint.note_row:
        note = str(first[0])
        assert note.startswith("Diekspor oleh pengekspor pada " + today)
        assert PURPOSE in note and f"jejak audit no. {number}" in note
    else:
        assert "Diekspor" not in " ".join(str(v) for v in first)
    assert "pengekspor" in sheet.oddHeader.left.text and today in sheet.oddHeader.left.text
    assert PURPOSE in sheet.oddFooter.left.text
    assert book.properties.creator == "pengekspor"
    assert PURPOSE in (book.properties.description or "")
    cells = _cells(book)
    # Nothing is a formula: neither the purpose nor any stored value.
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells]
    assert FORMULA not in values
    if endpoint.shows_formula:
        assert any(isinstance(v, str) and v.startswith(NEUTRALISED) for v in values)


# --- Not personal: no purpose, but audited and stamped with who and when ---------------------


@pytest.mark.parametrize("endpoint", NOT_PERSONAL, ids=lambda e: e.id)
def test_export_without_personal_data_needs_no_purpose(
    endpoint: Endpoint, world: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    for name in endpoint.fixtures:
        request.getfixturevalue(name)
    client = _client(world)
    if endpoint.role:
        client.force_login(
            UserFactory(role=endpoint.role, area_codes=[MOJOKERTO], username="pengekspor-unit")
        )
    response = client.get(_url(endpoint, world), endpoint.params)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    event = _exports().get()
    assert "keperluan" not in event.extra and event.extra["personal"] is False
    if endpoint.kind == "xlsx" and endpoint.note_row:
        book = load_workbook(io.BytesIO(_content(response)))
        text = " ".join(str(c.value) for c in _cells(book) if c.value)
        assert "pengekspor" in text
        assert [c.coordinate for c in _cells(book) if c.data_type == "f"] == []


# --- Every export is in one of the lists -------------------------------------------------------


def _modules_writing_files() -> dict[str, str]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/management/" in relative or relative == "common/exports.py":
            continue
        text = path.read_text(encoding="utf-8")
        found[relative] = text
    return found


def _view_module(url: str) -> list[str]:
    """Where the export of a URL is started: the view's module, and common/views.py for the
    list views (ScopedListView.export)."""
    match = resolve(url.split("?")[0])
    view_class = getattr(match.func, "view_class", None)
    target = view_class or match.func
    modules = [target.__module__]
    if view_class is not None and issubclass(view_class, ScopedListView):
        modules.append("sejahtera.common.views")
    return [m.removeprefix("sejahtera.").replace(".", "/") + ".py" for m in modules]


def _all_routes() -> list[tuple[str, Any]]:
    out = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                out.append((namespace + entry.name, entry.callback))

    walk(get_resolver(), "")
    return out


def test_every_export_is_listed(world: dict[str, Any]) -> None:
    listed = PERSONAL + NOT_PERSONAL
    # 1. Every list view (its ?export=xlsx) is listed, as personal data or not.
    list_views = {
        name
        for name, callback in _all_routes()
        if issubclass(getattr(callback, "view_class", object), ScopedListView)
    }
    listed_lists = {e.url_name for e in listed if e.params.get("export") == "xlsx"}
    assert list_views - listed_lists == set(), "list views without an entry here"
    for endpoint in listed:
        cls = getattr(resolve(_url(endpoint, world)).func, "view_class", None)
        if (
            cls is not None
            and issubclass(cls, ScopedListView)
            and endpoint.params == {"export": "xlsx"}
        ):
            assert cls.personal_data == (endpoint in PERSONAL), endpoint.id
    # 2. Each start_export call has at least one listed endpoint in its module.
    covered: dict[str, int] = {}
    for endpoint in listed:
        for module in _view_module(_url(endpoint, world)):
            covered[module] = covered.get(module, 0) + 1
    sources = _modules_writing_files()
    for module, text in sources.items():
        calls = text.count("start_export(")
        assert covered.get(module, 0) >= calls, f"{module}: {calls} exports, not all listed here"
    # 3. A module that sends a file either starts an export or is known not to be one.
    for module, text in sources.items():
        if FILE_WRITING.search(text) and "start_export(" not in text:
            assert module in NOT_EXPORTS, f"{module} writes a file without start_export"
    # Personal data never goes out with personal=False.
    for module, text in sources.items():
        for match in re.finditer(r"start_export\((?:[^()]|\([^()]*\))*\)", text, re.S):
            if "personal=False" in match.group(0):
                assert any(module in _view_module(_url(e, world)) for e in NOT_PERSONAL), (
                    f"{module}: an export without purpose that is not listed as not personal"
                )


def test_no_api_operation_returns_a_file() -> None:
    """JSON pages are not exports; an API operation that returned a file would need the same
    purpose rule (`keperluan`, 400 without it: `exports.purpose_error`)."""
    from sejahtera.config.api import api

    schema = api.get_openapi_schema()
    kinds = {
        content_type
        for operations in schema["paths"].values()
        for operation in operations.values()
        for response in operation.get("responses", {}).values()
        for content_type in response.get("content", {})
    }
    assert kinds <= {"application/json"}, kinds


def test_the_audit_page_shows_the_purpose(world: dict[str, Any]) -> None:
    client = _client(world)
    purpose = "Verifikasi lapangan BPNT Tawangrejo"
    client.get(reverse("registry:person_list"), {"export": "xlsx", "keperluan": purpose})
    page = client.get(reverse("audit:list"), {"action": "export"}).content.decode()
    assert "Keperluan" in page and purpose in page


# --- The parts -----------------------------------------------------------------------------------


def test_purpose_rules_for_the_api() -> None:
    assert purpose_error("Verifikasi BPNT desa Tawangrejo") == ""
    assert "Tuliskan keperluan" in purpose_error(None)
    assert "terlalu singkat" in purpose_error("abc")
    assert "terlalu panjang" in purpose_error("x" * (exports.PURPOSE_MAX + 1))


def test_watermark_in_a_sheet_escapes_header_codes_and_formulas() -> None:
    mark = Watermark(
        username="budi",
        at=timezone.make_aware(dt.datetime(2025, 1, 31, 9, 5)),
        purpose="Rapat & verifikasi &P " + "&" * 178,  # 200 characters, 180 of them "&"
        reference=42,
    )
    content = write_xlsx(["Nama"], [["=1+1"], ["Siti"]], title="Uji", watermark=mark)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # "&" starts a code in a header/footer (&P is the page number): written twice it is text.
    assert "Keperluan: Rapat &amp;&amp; verifikasi &amp;&amp;P" in xml
    for part in ("oddHeader", "oddFooter"):
        found = re.search(rf"<{part}>(.*?)</{part}>", xml)
        assert found is not None and len(found.group(1).replace("&amp;", "&")) <= 255, part
    assert "&amp;P dari &amp;N" in xml  # the page codes themselves stay codes
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value.startswith("Diekspor oleh budi pada 31-01-2025 09:05")
    assert "jejak audit no. 42" in sheet["A1"].value
    assert sheet["A2"].value == "Nama" and sheet["A3"].value == "'=1+1"
    assert all(c.data_type != "f" for c in _cells(book))
    assert book.properties.creator == "budi" and "Rapat & verifikasi" in book.properties.subject
