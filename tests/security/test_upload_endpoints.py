"""Every page and command that takes a file, against every case of the upload attack corpus
(tests/security/upload_corpus.py), sent as a browser sends it (multipart, streamed from
disk, through the upload handlers). For each pair:

- a refusal is a page (200, never a 500) or a command error with a clear Indonesian
  message naming the file, and NOTHING is kept: no row, no file in media, no list waiting
  in IMPORT_DIR, no job;
- what is accepted (a PDF named .jpg where a PDF may come, a PNG named .pdf) is stored
  under the extension of what it really is;
- formula-like cells in a list are refused row by row (the registry import's job fails with
  them listed, neutralised, in its error file; the outside-list and realisation imports name
  them on the page) and nothing is imported.

The list imports' size limit (500 MB) is lowered to 150 MB here so the 200 MB case is refused
for its size; the 200 MB request is timed and its memory measured."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from sejahtera.accounts.roles import Role
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.planning.imports import COLUMNS
from sejahtera.registry.imports.layout import suggest_mapping
from sejahtera.registry.synthetic import generate, write_csv
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, KEC_A, MOJOKERTO
from tests.security.test_upload_checks import DOCUMENT, LIST
from tests.security.upload_corpus import CORPUS, MB, Case, Table, post_streaming

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@dataclass
class Endpoint:
    id: str
    ext: str  # what the page asks for: the corpus names its files so
    kinds: str  # "documents" (PDF/JPEG/PNG), "photos" (JPEG/PNG), "lists", "realisation"
    setup: Callable[[Client], dict[str, Any]]
    send: Callable[[Client, dict[str, Any], Path], Any]
    counts: Callable[[dict[str, Any]], dict[str, int]]
    stored: Callable[[dict[str, Any]], str] = lambda ctx: ""
    table: Callable[[], Table] | None = None
    command: bool = False


# --- The pages and commands -------------------------------------------------------------------


def _office(**kwargs: Any) -> Any:
    return UserFactory(
        role=kwargs.pop("role", Role.OPERATOR_DINAS), area_codes=[MOJOKERTO], **kwargs
    )


def _population_table() -> Table:
    population = generate(persons=6, desa_codes=[DESA_A], seed=11, today=TODAY, duplicates=0)
    buffer = io.StringIO()
    write_csv(population, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    header = rows[0]
    return Table(
        header,
        rows[1:],
        tuple(header.index(k) for k in ("nama", "alamat", "nama_ibu_kandung")),
    )


def _realisation_table() -> Table:
    header = [str(label) for _key, label in COLUMNS]
    row = [
        2025,
        1,
        "1.06.04.2.01.0001",
        "Sub kegiatan uji",
        "Jumlah lansia yang dilayani",
        "Orang",
        "100",
        "3",
        1_000_000,
        250_000,
        "Anggaran cair tepat waktu",
        "Hujan deras",
    ]
    return Table(header, [row, list(row)], (10, 11))


def _login(client: Client, user: Any) -> Any:
    client.force_login(user)
    return user


def _registry_setup(client: Client) -> dict[str, Any]:
    return {"user": _login(client, _office())}


def _registry_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.registry.models import Household, Person

    return {
        "persons": Person.objects.count(),
        "households": Household.objects.count(),
        "jobs": Job.objects.count(),
    }


def _linkage_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.linkage.models import OutsideList, OutsideRow

    return {
        "lists": OutsideList.objects.count(),
        "rows": OutsideRow.objects.count(),
        "jobs": Job.objects.count(),
    }


def _plan_setup(client: Client) -> dict[str, Any]:
    from tests.planning.factories import small_plan

    objs = small_plan(unit_code="REHSOS")
    plan = objs["plan"]
    plan.is_current = True
    plan.save()
    indicator = objs["indicator"]
    indicator.name = "Jumlah lansia yang dilayani"
    indicator.save()
    from sejahtera.accounts.models import Unit

    user = _login(client, _office(unit=Unit.objects.get(code="REHSOS")))
    return {"user": user, **objs}


def _realisation_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.planning.models import Evidence, Realisation

    return {"realisations": Realisation.objects.count(), "evidence": Evidence.objects.count()}


def _evidence_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.planning.models import Evidence

    return str(Evidence.objects.get().file.name)


def _service_setup(client: Client) -> dict[str, Any]:
    from sejahtera.services.models import Service
    from sejahtera.services.reference import load

    load(stdout=io.StringIO())
    cache.clear()
    return {"service": Service.objects.get(number=1)}


def _service_send(client: Client, ctx: dict[str, Any], path: Path) -> Any:
    fields = {
        "desa": DESA_A,
        "applicant_name": "Siti Aminah",
        "applicant_nik": "",
        "phone": "081234567890",
        "description": "Surat keterangan DTKS untuk pendaftaran sekolah anak",
    }
    return post_streaming(
        client, f"/layanan/{ctx['service'].code}/ajukan/", fields, {"documents": [path]}
    )


def _service_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.services.models import RequestDocument, ServiceRequest

    return {
        "requests": ServiceRequest.objects.count(),
        "documents": RequestDocument.objects.count(),
    }


def _service_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.services.models import RequestDocument

    return str(RequestDocument.objects.get().file.name)


def _proposal(status: str) -> Any:
    from sejahtera.registry.models import Proposal, ProposalKind
    from tests.registry.factories import HouseholdFactory

    operator = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A])
    proposal = Proposal.objects.create(
        kind=ProposalKind.NEW_PERSON,
        desa_id=DESA_A,
        household=HouseholdFactory(),
        payload={"member": {"name": "A"}},
        proposed_by=operator,
        status=status,
    )
    return operator, proposal


def _verify_setup(client: Client) -> dict[str, Any]:
    from sejahtera.registry.models import ProposalStatus

    _operator, proposal = _proposal(ProposalStatus.SUBMITTED)
    _login(client, UserFactory(role=Role.TKSK, area_codes=[KEC_A]))
    return {"proposal": proposal}


def _verify_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.registry.models import Proposal, ProposalPhoto, ProposalStatus

    return {
        "photos": ProposalPhoto.objects.count(),
        "verified": Proposal.objects.filter(status=ProposalStatus.VERIFIED).count(),
    }


def _verify_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.registry.models import ProposalPhoto

    return str(ProposalPhoto.objects.get().image.name)


def _musdes_setup(client: Client) -> dict[str, Any]:
    from sejahtera.registry.models import ProposalStatus

    operator, proposal = _proposal(ProposalStatus.VERIFIED)
    _login(client, operator)
    return {"proposal": proposal}


def _musdes_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.registry.models import MusdesBatch, Proposal, ProposalStatus

    return {
        "batches": MusdesBatch.objects.count(),
        "endorsed": Proposal.objects.filter(status=ProposalStatus.ENDORSED).count(),
    }


def _musdes_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.registry.models import MusdesBatch

    return str(MusdesBatch.objects.get().minutes.name)


def _distribution_setup(client: Client) -> dict[str, Any]:
    from sejahtera.programs.models import Beneficiary, Cycle, CycleStatus, Programme
    from sejahtera.programs.reference import load
    from tests.programs.people import Profile, build

    load(stdout=io.StringIO())
    person = build(Profile(age=80, desil=1, in_dtks=True, size=1))
    cycle = Cycle.objects.create(
        programme=Programme.objects.get(code="permakanan-pokmas"),
        name="Tahap uji",
        as_of=YESTERDAY,
        period_start=dt.date(TODAY.year, 1, 1) if TODAY.month > 1 else YESTERDAY,
        period_end=dt.date(TODAY.year, 12, 31),
        area_id=MOJOKERTO,
        status=CycleStatus.APPROVED,
    )
    beneficiary = Beneficiary.objects.create(
        cycle=cycle, person=person, desa_id=DESA_A, rank=1, selected=True
    )
    _login(client, UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]))
    return {"beneficiary": beneficiary}


def _distribution_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.programs.models import Distribution

    return {"distributions": Distribution.objects.count()}


def _distribution_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.programs.models import Distribution

    return str(Distribution.objects.get().proof.name)


def _disaster_setup(client: Client) -> dict[str, Any]:
    from tests.disasters.factories import make_event, office

    event = make_event()
    _login(client, office())
    return {"event": event}


def _disaster_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.disasters.models import SituationReport

    return {"reports": SituationReport.objects.count()}


def _disaster_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.disasters.models import SituationReport

    return str(SituationReport.objects.get().file.name)


def _cemetery_setup(client: Client) -> dict[str, Any]:
    from tests.cemeteries.factories import CemeteryFactory, WorkFactory

    cemetery = CemeteryFactory()
    work = WorkFactory(cemetery=cemetery, finished_on=None)
    _login(client, _office())
    return {"cemetery": cemetery, "work": work}


def _cemetery_counts(ctx: dict[str, Any]) -> dict[str, int]:
    from sejahtera.cemeteries.models import MaintenancePhoto, MaintenanceWork

    return {
        "works": MaintenanceWork.objects.count(),
        "photos": MaintenancePhoto.objects.count(),
    }


def _cemetery_stored(ctx: dict[str, Any]) -> str:
    from sejahtera.cemeteries.models import MaintenancePhoto

    return str(MaintenancePhoto.objects.get().file.name)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "impor-registri",
        "csv",
        "lists",
        _registry_setup,
        lambda client, ctx, path: post_streaming(client, "/registri/impor/", {}, {"file": [path]}),
        _registry_counts,
        table=_population_table,
    ),
    Endpoint(
        "perintah-impor-registri",
        "csv",
        "lists",
        lambda client: {},
        lambda client, ctx, path: call_command(
            "registry", "import", str(path), stdout=io.StringIO()
        ),
        _registry_counts,
        table=_population_table,
        command=True,
    ),
    Endpoint(
        "daftar-luar",
        "csv",
        "lists",
        lambda client: {"user": _login(client, _office())},
        lambda client, ctx, path: post_streaming(
            client, "/data/daftar-luar/", {"source": "Daftar uji"}, {"file": [path]}
        ),
        _linkage_counts,
        table=_population_table,
    ),
    Endpoint(
        "impor-realisasi",
        "xlsx",
        "realisation",
        _plan_setup,
        lambda client, ctx, path: post_streaming(
            client, "/renstra/realisasi/impor/", {}, {"file": [path]}
        ),
        _realisation_counts,
        table=_realisation_table,
    ),
    Endpoint(
        "perintah-impor-realisasi",
        "xlsx",
        "realisation",
        lambda client: _plan_setup(Client()),
        lambda client, ctx, path: call_command(
            "renstra", "import-realisation", str(path), stdout=io.StringIO(), stderr=io.StringIO()
        ),
        _realisation_counts,
        table=_realisation_table,
        command=True,
    ),
    Endpoint(
        "bukti-realisasi",
        "pdf",
        "documents",
        _plan_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/renstra/realisasi/indikator/{ctx['indicator'].pk}/",
            {"tahun": "2025", "tw": "1", "written": "3", "helped": "", "hindered": ""},
            {"evidence": [path]},
        ),
        _realisation_counts,
        _evidence_stored,
    ),
    Endpoint(
        "dokumen-permohonan",
        "pdf",
        "documents",
        _service_setup,
        _service_send,
        _service_counts,
        _service_stored,
    ),
    Endpoint(
        "foto-verifikasi",
        "jpg",
        "photos",
        _verify_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/registri/usulan/{ctx['proposal'].pk}/",
            {"verify": "1", "v-result": "ok", "v-notes": "Sesuai di lapangan"},
            {"v-photos": [path]},
        ),
        _verify_counts,
        _verify_stored,
    ),
    Endpoint(
        "berita-acara-musdes",
        "pdf",
        "documents",
        _musdes_setup,
        lambda client, ctx, path: post_streaming(
            client,
            "/registri/usulan/musdes/",
            {"desa": DESA_A, "held_on": YESTERDAY.isoformat(), "proposals": ctx["proposal"].pk},
            {"minutes": [path]},
        ),
        _musdes_counts,
        _musdes_stored,
    ),
    Endpoint(
        "bukti-penyaluran",
        "pdf",
        "documents",
        _distribution_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/program/penerima/{ctx['beneficiary'].pk}/penyaluran/",
            {"given_on": YESTERDAY.isoformat(), "given": "Rp 200.000", "not_given_reason": ""},
            {"proof": [path]},
        ),
        _distribution_counts,
        _distribution_stored,
    ),
    Endpoint(
        "laporan-bencana",
        "pdf",
        "documents",
        _disaster_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/bencana/{ctx['event'].pk}/",
            {"action": "report", "on": "2026-03-11", "text": "Air setinggi 80 cm di dusun utara."},
            {"file": [path]},
        ),
        _disaster_counts,
        _disaster_stored,
    ),
    Endpoint(
        "pekerjaan-makam",
        "jpg",
        "photos",
        _cemetery_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/makam-pahlawan/{ctx['cemetery'].pk}/",
            {
                "action": "work",
                "work-kind": "pertamanan",
                "work-description": "Penanaman pohon kamboja",
                "work-started_on": "2026-01-05",
                "work-cost": "300000",
            },
            {"work-photos": [path]},
        ),
        _cemetery_counts,
        _cemetery_stored,
    ),
    Endpoint(
        "foto-makam",
        "jpg",
        "photos",
        _cemetery_setup,
        lambda client, ctx, path: post_streaming(
            client,
            f"/makam-pahlawan/{ctx['cemetery'].pk}/",
            {"action": "photos", "work": ctx["work"].pk},
            {f"photos-{ctx['work'].pk}-photos": [path]},
        ),
        _cemetery_counts,
        _cemetery_stored,
    ),
)


# --- What each page must say ------------------------------------------------------------------


def expected(endpoint: Endpoint, case: Case) -> tuple[str, str]:
    """("refused", words on the page), ("accepted", extension kept) or ("rows", words)."""
    if endpoint.kinds in ("documents", "photos"):
        if case.id == "pdf-sbg-jpg":
            if endpoint.kinds == "photos":
                return "refused", "bukan JPEG/PNG (diperiksa dari isinya, bukan namanya)"
            return "accepted", ".pdf"
        if case.id == "png-sbg-pdf":
            return "accepted", ".png"
        words = DOCUMENT[case.id]
        assert words is not None
        if endpoint.kinds == "photos" and case.id == "besar-200mb":
            words = "terlalu besar (200,0 MB); paling besar 5 MB"
        return "refused", words
    if endpoint.kinds == "lists":
        special = {
            "besar-200mb": "terlalu besar (200,0 MB); paling besar 150 MB",
            "sel-panjang": "lebih dari 131.072 karakter",
            "nul": "karakter NUL (data biner)",
            "judul-saja": "hanya berisi judul kolom",
        }
        if case.id in ("rumus", "rumus-xlsx"):
            return "rows", "Diawali =, +, -, @ atau tab"
        words = special.get(case.id) or LIST[case.id]
        assert words is not None
        return "refused", words
    # The realisation form: an .xlsx only.
    special = {
        "besar-200mb": "terlalu besar (200,0 MB); paling besar 20 MB",
        "sel-panjang": "lebih dari 32.767 karakter",
        "nul": "rusak di baris",
        "judul-saja": "Tidak ada baris berisi realisasi",
        "kosong": "kosong",
        "xlsm": "berisi makro (VBA)",
        "docx": "Isinya: dokumen Word",
    }
    if case.id in ("rumus", "rumus-xlsx"):
        return "rows", "Diawali =, +, -, @ atau tab"
    if case.id in special:
        return "refused", special[case.id]
    words = LIST[case.id]
    if words is None or case.id in ("csv-utf16", "csv-utf16-tanpa-bom", "csv-1252"):
        return "refused", "bukan XLSX (diperiksa dari isinya, bukan namanya)"
    if "bukan CSV atau XLSX" in words or words.startswith("Isinya"):
        return "refused", "bukan XLSX (diperiksa dari isinya, bukan namanya)"
    return "refused", words


# --- The test ---------------------------------------------------------------------------------

_BUILT: dict[tuple[str, str, str], Path] = {}


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("korpus")


def _build(corpus_dir: Path, endpoint: Endpoint, case: Case) -> Path:
    table = endpoint.table() if endpoint.table else _population_table()
    key = (case.id, endpoint.ext, endpoint.kinds)
    if key not in _BUILT:
        directory = corpus_dir / "-".join(key)
        directory.mkdir(parents=True)
        _BUILT[key] = case.build(directory, table, endpoint.ext)
    return _BUILT[key]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def places(settings: Any, tmp_path: Path) -> dict[str, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_MAX_BYTES = 150 * MB
    return {"media": tmp_path / "media", "imports": tmp_path / "imports"}


def _follow_mapping(client: Client, endpoint: Endpoint, response: Any, capture: Any) -> Any:
    """The list was readable: map its columns as suggested and go on to where its rows are
    checked."""
    assert response.status_code == 302, response.content.decode()[-2000:]
    page = client.get(response["Location"])
    assert page.status_code == 200
    table = endpoint.table() if endpoint.table else _population_table()
    if endpoint.id == "impor-registri":
        form = {f"map_{k}": v for k, v in suggest_mapping(table.header).items()}
        form["default_period"] = ""
    else:
        from sejahtera.linkage.outside import suggest_mapping as outside_mapping

        form = {f"map_{k}": v for k, v in outside_mapping(table.header).items()}
    with capture(execute=True):
        mapped = client.post(response["Location"], form)
    if endpoint.id == "impor-registri":
        # The import runs as a job: its page tells the outcome.
        assert mapped.status_code == 302, mapped.content.decode()[-2000:]
        return client.get(mapped["Location"])
    return mapped


# The 200 MB case costs seconds per endpoint (the whole body is parsed) and meets the same
# upload handler everywhere: it runs on one page of each kind and on the command.
BIG_ON = {"impor-registri", "perintah-impor-registri", "dokumen-permohonan", "foto-verifikasi"}
PAIRS = [
    pytest.param(endpoint, case, id=f"{endpoint.id}-{case.id}")
    for endpoint in ENDPOINTS
    for case in CORPUS
    if case.id != "besar-200mb" or endpoint.id in BIG_ON
]


@pytest.mark.parametrize(("endpoint", "case"), PAIRS)
def test_upload_attack(
    endpoint: Endpoint,
    case: Case,
    client: Client,
    places: dict[str, Path],
    corpus_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    path = _build(corpus_dir, endpoint, case)
    ctx = endpoint.setup(client)
    before = endpoint.counts(ctx)
    outcome, words = expected(endpoint, case)
    big = case.id == "besar-200mb"
    if big and not endpoint.command:
        tracemalloc.start()
    started = time.perf_counter()

    if endpoint.command:
        if outcome == "accepted":
            endpoint.send(client, ctx, path)
        else:
            with pytest.raises(CommandError) as refused:
                endpoint.send(client, ctx, path)
            message = str(refused.value)
            if outcome == "rows":
                words = "kesalahan pada" if endpoint.kinds == "lists" else "Tidak ada yang disimpan"
            assert words in message, message
        response = None
    else:
        with django_capture_on_commit_callbacks(execute=True):
            response = endpoint.send(client, ctx, path)
        assert response.status_code != 500
        if outcome == "rows" and endpoint.kinds == "lists":
            response = _follow_mapping(
                client, endpoint, response, django_capture_on_commit_callbacks
            )
            if endpoint.id == "impor-registri":
                words = "tidak ada data yang disimpan"

    seconds = time.perf_counter() - started
    if big and not endpoint.command:
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # 200 MB went through the upload handler in 64 KB chunks; at most the cap (20 MB, or
        # 150 MB on the list pages) was written to a temporary file, none of it kept.
        assert peak < 40 * MB, peak
        assert seconds < 120, seconds

    after = endpoint.counts(ctx)
    media = _files(places["media"])
    imports = _files(places["imports"])
    if outcome == "accepted":
        assert response is not None and response.status_code == 302, response.content.decode()[
            -3000:
        ]
        grown = {k: after[k] - before[k] for k in after}
        assert any(v == 1 for v in grown.values()) and all(v in (0, 1) for v in grown.values())
        stored = endpoint.stored(ctx)
        assert stored.endswith(words), stored
        assert [p.suffix for p in media] == [words]
        return

    if response is not None:
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        page = response.content.decode()
        assert words in page, page[-4000:]
    if outcome == "rows" and endpoint.id == "impor-registri":
        # The job ran, refused every row and kept nothing but its list of failing rows, in
        # which the formulas from the file are neutralised.
        job = Job.objects.get()
        assert job.status == JobStatus.FAILED and "tidak ada data yang disimpan" in job.message
        errors = job.errors_file.read().decode()
        assert "Diawali =, +, -, @" in errors
        for row in csv.reader(io.StringIO(errors), delimiter=";"):
            assert not row[2].startswith(("=", "+", "@", "\t", "\r")), row
            assert not (row[2].startswith("-") and not row[2][1:2].isdigit()), row
        assert [p.parent.name for p in media] == ["errors"]
        after["jobs"] -= 1
    elif outcome == "rows" and endpoint.id == "perintah-impor-registri":
        assert Job.objects.get().status == JobStatus.FAILED
        assert [p.parent.name for p in media] == ["errors"]
        after["jobs"] -= 1
    elif outcome == "rows" and endpoint.id == "daftar-luar":
        # Refused at the mapping step; the list waits for a corrected upload (retention
        # sweeps what is left behind), nothing else is kept.
        assert len(imports) == 1 and not media
        imports = []
    else:
        assert not media, media
    assert after == before, (after, before)
    assert not imports, imports
