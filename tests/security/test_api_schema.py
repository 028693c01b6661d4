"""Schemathesis against the OpenAPI schema of every API operation.

The schema is loaded from the app itself (/api/openapi.json through its WSGI handler), a small
dataset is seeded (the URL walk's desa with a record of every kind, plus a plan, programmes, a
cemetery, a disaster event, a partner, a duplicate pair and a job), and every operation,
reading and writing, is called with an API token of an office user (an Operator Dinas; an
Administrator for the operations an Operator Dinas may not use):

- with generated parameters and bodies, valid ones and invalid ones;
- with the seeded records' identifiers (path, required query and body fields; for proposals a
  payload of the right keys with generated values of any JSON type) and generated values
  elsewhere;
- with odd text (empty, NUL, a 40-digit number, an impossible date, long text outside the BMP)
  in every text value, where the text reaches the view.

Every response must not be a server error, must have a status code the operation documents
(the errors 400/401/403/404/422 share one schema with an Indonesian `detail`), and must have
the documented content type and match the documented schema.

Runs are bounded and reproducible: a few examples per operation, derandomized, no deadline,
no example database, no shrinking; every failure of every operation is listed together (with
the server's traceback for a 500). `API_SCHEMA_ONLY=/api/registri` runs only the operations
whose path contains that text."""

from __future__ import annotations

import contextlib
import io
import os
import time
import traceback
from collections.abc import Iterator
from typing import Any, NamedTuple

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sejahtera.accounts.roles import ROLE_CAPS, Cap, Role
from sejahtera.accounts.services import issue_api_token
from sejahtera.jobs.models import Job
from sejahtera.linkage import spec
from sejahtera.linkage.models import CandidatePair, Decision, LinkageModel
from sejahtera.partners.reference import load as load_partner_kinds
from sejahtera.programs.models import Programme
from sejahtera.programs.reference import load as load_programmes
from sejahtera.registry.models import ProposalKind
from tests.accounts.factories import UserFactory
from tests.cemeteries.factories import CemeteryFactory, CeremonyFactory, WorkFactory
from tests.conftest import DESA_A, DESA_B, MOJOKERTO
from tests.disasters.factories import make_event
from tests.partners.factories import days, make_certificate, make_partner
from tests.planning.factories import small_plan
from tests.registry.factories import PersonFactory
from tests.security.test_url_walk import _outside

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation: generated values, invalid values, and each variant naming the
# seeded records.
EXAMPLES = {"positive": 6, "negative": 4, "records": 8}
# Text that has ended in server errors elsewhere: empty, NUL (PostgreSQL refuses it), a
# number too big for any column, an impossible date, long text outside the BMP, padding.
ODD_TEXT = ("", "\x00", "9" * 40, "2025-02-30", "\U0001f600" * 300, " -1 ")


class Run(NamedTuple):
    name: str
    mode: GenerationMode
    fixed: dict[str, Any]  # path, query and body values naming the seeded records
    odd: str | None  # put in every generated text value
    examples: int


# The roles whose tokens call the operations, broadest first that an operation allows.
ROLES = (Role.OPERATOR_DINAS, Role.ADMIN, Role.KEPALA_DINAS)


@contextlib.contextmanager
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection (and its transaction) across the WSGI requests,
    as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@contextlib.contextmanager
def _server_errors(into: list[str]) -> Iterator[None]:
    """The traceback of every exception the app let through (the 500 alone says little)."""

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        into.append(traceback.format_exc())

    signals.got_request_exception.connect(record)
    try:
        yield
    finally:
        signals.got_request_exception.disconnect(record)


def _linkage_model() -> LinkageModel:
    """A stored model compatible with the comparisons (invented weights), so that the
    one-record check really scores candidates."""
    comparisons = []
    for comparison in spec.COMPARISONS:
        levels = []
        count = len(comparison.levels)
        for index, level in enumerate(comparison.levels):
            entry: dict[str, Any] = {"label_for_charts": level.key}
            if level.null:
                entry["is_null_level"] = True
            else:
                entry["m_probability"] = (count - index) / (count * 2)
                entry["u_probability"] = (index + 1) / (count * 2)
            levels.append(entry)
        comparisons.append({"output_column_name": comparison.key, "comparison_levels": levels})
    model = {"probability_two_random_records_match": 0.001, "comparisons": comparisons}
    assert spec.compatible(model)
    return LinkageModel.objects.create(version=1, area_code=MOJOKERTO, model=model, persons=2)


def _values(generated: Any) -> list[Any]:
    """The values of a generated payload (of any JSON type), to put where a payload of the
    right shape has its fields."""
    return list(generated.values()) if isinstance(generated, dict) else [generated]


def _first(generated: Any) -> Any:
    return (_values(generated) or [None])[0]


def _person_like(generated: Any) -> dict[str, Any]:
    """A person's fields, each given one of the generated values (of any JSON type)."""
    values = _values(generated) or [None]
    names = ("name", "nik", "birth_date", "sex", "relation", "mother_name", "no_nik")
    return {name: values[i % len(values)] for i, name in enumerate(names)}


# A proposal's payload with the keys its kind reads and generated values in them (a payload
# of generated keys is refused before anything looks inside it).
PERSON_PAYLOADS: dict[str, Any] = {
    ProposalKind.CHANGE: lambda g: {"changes": g},
    ProposalKind.PPKS: lambda g: {
        "category": "GELANDANGAN",
        "criteria": _values(g),
        "assessed_on": _first(g),
    },
    ProposalKind.REMOVAL: lambda g: {"reason": _first(g), "date": g},
}
HOUSEHOLD_PAYLOADS: dict[str, Any] = {
    ProposalKind.NEW_HOUSEHOLD: lambda g: {"household": g, "members": [_person_like(g), g]},
    ProposalKind.NEW_PERSON: lambda g: {"member": _person_like(g)},
    ProposalKind.CHANGE: lambda g: {"changes": g},
    ProposalKind.COMPOSITION: lambda g: {
        "members": [g, {"person": 1, "relation": g, "to": "join"}],
        "join_kk": g,
        "new_household": g,
    },
}


def _dataset(office: Any) -> dict[str, list[dict[str, Any]]]:
    """A record of every kind the API shows, and per operation path the variants of fixed
    values that name them: path and query parameters, and body fields (the rest of the body
    is generated)."""
    household, person, proposal, _request, complaint, _letter, _case = _outside()
    load_programmes(stdout=io.StringIO())
    load_partner_kinds(stdout=io.StringIO())
    programme = Programme.objects.order_by("number").first()
    assert programme is not None
    plan = small_plan()
    cemetery = CemeteryFactory(desa_id=DESA_A)
    WorkFactory(cemetery=cemetery)
    CeremonyFactory(cemetery=cemetery)
    event = make_event()
    partner = make_partner("lks", area=DESA_A)
    make_certificate(partner, expires_on=days(300))
    twin = PersonFactory(name=person.name, desa_id=DESA_B, birth_date=person.birth_date)
    low, high = sorted([person, twin], key=lambda p: p.pk)
    pair = CandidatePair.objects.create(
        linkage_model=_linkage_model(),
        person_a=low,
        person_b=high,
        desa_a=low.desa_id,
        desa_b=high.desa_id,
        match_weight=12.5,
        match_probability=0.98,
    )
    job = Job.objects.create(kind="uji", title="Uji", owner=office, wilayah_code=DESA_B)
    year = plan["plan"].period_start + 1  # type: ignore[attr-defined]
    indicator, sub = plan["indicator"], plan["sub"]
    return {
        "/api/pengguna/": [{"body": {"role": Role.OPERATOR_DESA, "areas": [DESA_B]}}],
        "/api/pengguna/{user_id}": [{"path": {"user_id": office.pk}}],
        "/api/wilayah/{code}": [{"path": {"code": DESA_B}}],
        "/api/pekerjaan/{job_id}": [{"path": {"job_id": str(job.pk)}}],
        "/api/registri/penduduk/{person_id}": [{"path": {"person_id": person.pk}}],
        "/api/registri/usulan": [
            {"body": {**proposal_of, "person_id": person.pk}, "payload": shape}
            for kind, shape in PERSON_PAYLOADS.items()
            for proposal_of in [{"kind": kind, "desa": DESA_B, "household_id": None}]
        ]
        + [
            {"body": {**proposal_of, "household_id": household.pk}, "payload": shape}
            for kind, shape in HOUSEHOLD_PAYLOADS.items()
            for proposal_of in [{"kind": kind, "desa": DESA_B, "person_id": None}]
        ],
        "/api/registri/usulan/{proposal_id}": [{"path": {"proposal_id": proposal.pk}}],
        "/api/data/pasangan/{pair_id}/keputusan": [
            {"path": {"pair_id": pair.pk}, "body": {"decision": Decision.DIFFERENT}}
        ],
        "/api/data/periksa": [{"body": {"desa_code": DESA_B}}],
        "/api/renstra/capaian": [{"query": {"tahun": year}}],
        "/api/renstra/evaluasi/{form}": [
            {"path": {"form": form}, "query": {"tahun": year}} for form in ("e80", "e81", "tc29")
        ],
        "/api/renstra/realisasi": [
            {"body": {"indicator_id": indicator.pk, "node_id": None, "year": year}},  # type: ignore[attr-defined]
            {"body": {"node_id": sub.pk, "indicator_id": None, "year": year}},  # type: ignore[attr-defined]
        ],
        "/api/program/{code}/layak": [{"path": {"code": programme.code}}],
        "/api/program/{code}/penjelasan": [
            {"path": {"code": programme.code}, "query": {"nik": person.nik}}
        ],
        "/api/layanan/pengaduan/{complaint_id}/jawab": [{"path": {"complaint_id": complaint.pk}}],
        "/api/mitra/{partner_id}": [{"path": {"partner_id": partner.pk}}],
        "/api/bencana/kejadian/{event_id}": [{"path": {"event_id": event.pk}}],
        "/api/makam-pahlawan/taman-makam/{cemetery_id}": [
            {"path": {"cemetery_id": cemetery.pk}, "query": {"tahun": 2026}}
        ],
    }


def _capabilities() -> dict[str, set[Cap]]:
    """The capabilities each operation (by its OpenAPI operationId) asks of its caller."""
    from sejahtera.config.api import api

    needed: dict[str, set[Cap]] = {}
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                callbacks = operation.auth_callbacks or router.auth or []
                caps = {c.cap for c in callbacks if isinstance(getattr(c, "cap", None), Cap)}
                needed[api.get_openapi_operation_id(operation)] = caps
    return needed


def _runs(operation: Any, records: dict[str, list[dict[str, Any]]]) -> Iterator[Run]:
    """Generated values, invalid values, the seeded records' identifiers (with generated
    values elsewhere), and each odd text in every text input that reaches the view (with the
    records' identifiers, or generated values where the operation names no record)."""
    variants = records.get(operation.path, [])
    yield Run("positive", GenerationMode.POSITIVE, {}, None, EXAMPLES["positive"])
    yield Run("negative", GenerationMode.NEGATIVE, {}, None, EXAMPLES["negative"])
    for fixed in variants:
        yield Run("records", GenerationMode.POSITIVE, fixed, None, EXAMPLES["records"])
    for fixed in variants or ([] if "{" in operation.path else [{}]):
        for odd in ODD_TEXT:
            yield Run(f"odd text {odd[:8]!r}", GenerationMode.POSITIVE, fixed, odd, 1)


def _oddify(case: Any, fixed: dict[str, Any], odd: str) -> None:
    """Put `odd` in every text value of the query, the body's top level and the path (but
    not in the fixed values naming the seeded records)."""
    for container, kept in (
        (case.query, fixed.get("query", {})),
        (case.path_parameters, fixed.get("path", {})),
        (case.body if isinstance(case.body, dict) else None, fixed.get("body", {})),
    ):
        for key, value in list((container or {}).items()):
            if isinstance(value, str) and key not in kept:
                container[key] = odd


def _run(operation: Any, run: Run, headers: dict[str, str], failures: list[str]) -> int:
    fixed = run.fixed
    strategy = operation.as_strategy(
        generation_mode=run.mode,
        path_parameters=fixed.get("path"),
        query=fixed.get("query"),
    )
    calls = 0

    @hypothesis.settings(
        max_examples=run.examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def call(case: Any) -> None:
        nonlocal calls
        calls += 1
        if run.odd is not None:
            _oddify(case, fixed, run.odd)
        if isinstance(case.body, dict):
            case.body = {**case.body, **fixed.get("body", {})}
            if "payload" in fixed:
                case.body["payload"] = fixed["payload"](case.body.get("payload"))
        case.call_and_validate(headers=headers, checks=CHECKS)

    tracebacks: list[str] = []
    with _server_errors(tracebacks):
        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # all failures are reported together
            failures.append(f"{operation.label} [{run.name}]: {exc}\n{''.join(tracebacks[-1:])}")
    return calls


# In two halves, so the two test workers share the campaign (about 30–40 s in one piece).
@pytest.mark.parametrize("half", [0, 1])
def test_every_operation_conforms_to_its_schema(settings: Any, half: int) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Users are created with passwords (here and by POST /api/pengguna/): hash them quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = {role: UserFactory(role=role, area_codes=[MOJOKERTO]) for role in ROLES}
    tokens = {
        role: issue_api_token(actor=user, user=user, name="schemathesis")[1]
        for role, user in users.items()
    }
    records = _dataset(users[Role.OPERATOR_DINAS])
    needed = _capabilities()
    app = WSGIHandler()
    failures: list[str] = []
    calls = 0
    started, cpu = time.perf_counter(), time.process_time()
    with _one_connection():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 30  # every app's operations are there
        only = os.environ.get("API_SCHEMA_ONLY", "")
        for operation in operations[half::2]:
            if only not in operation.path:
                continue
            caps = needed[operation.definition.raw["operationId"]] | {Cap.USE_API}
            role = next(r for r in ROLES if caps <= ROLE_CAPS[r])
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            for run in _runs(operation, records):
                calls += _run(operation, run, headers, failures)
    print(
        f"{len(operations)} operations, {calls} requests, "
        f"{time.perf_counter() - started:.0f} s, {time.process_time() - cpu:.0f} s CPU"
    )
    assert not failures, "\n\n".join(failures)


def test_no_two_api_schemas_share_a_name() -> None:
    """OpenAPI names a component by its class name: a second class of the same name silently
    replaced the first (the eligibility count documented the wilayah count's schema)."""
    from ninja import Schema

    import sejahtera.config.api  # noqa: F401  (imports every app's api module)

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("sejahtera.") and cls.__module__.endswith(".api"):
            seen.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert len(seen) > 30
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_invalid_input_is_refused_in_indonesian(client: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    _token, secret = issue_api_token(actor=user, user=user, name="uji")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def detail(response: Any, status: int) -> Any:
        assert response.status_code == status, response.content
        return response.json()["detail"]

    wrong_type = detail(client.get("/api/renstra/capaian?tahun=tahun-ini", **auth), 422)
    assert wrong_type == [
        {"type": "int_parsing", "loc": ["query", "tahun"], "msg": "Harus bilangan bulat."}
    ]
    too_many = detail(client.get("/api/registri/penduduk?limit=1000000", **auth), 422)
    assert too_many[0]["msg"] == "Harus paling besar 500."
    too_far = detail(client.get(f"/api/registri/penduduk?offset={10**30}", **auth), 422)
    assert too_far[0]["loc"] == ["query", "offset"]
    nul = detail(client.get("/api/registri/penduduk?q=a%00b", **auth), 422)
    assert nul == [
        {
            "type": "nul_character",
            "loc": ["query", "q"],
            "msg": "Teks tidak boleh berisi karakter NUL (\\u0000).",
        }
    ]
    body = {"name": "A\x00", "desa_code": DESA_B}
    in_body = detail(client.post("/api/data/periksa", body, "application/json", **auth), 422)
    assert in_body[0]["loc"] == ["body", "name"]
    broken = client.post("/api/data/periksa", "{", "application/json", **auth)
    assert detail(broken, 400) == "Isi permintaan bukan JSON yang sah."
    assert detail(client.get("/api/wilayah/35.16%00", **auth), 422)[0]["loc"] == [
        "path",
        "code",
    ]
