"""Retention: for every kind of record, one record older than its period and one younger. The
report counts only the old one; apply removes or anonymises only it (its file too, after the
commit), writes one audit event with the count and the rule, and a second apply finds
nothing. The command without --yes removes nothing. The registry and the audit trail are
never touched. The configuration file is checked against the code."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from sejahtera.accounts.roles import Role
from sejahtera.audit.chain import seal, verify
from sejahtera.audit.models import AuditEvent
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.linkage.models import OutsideList, OutsideRow
from sejahtera.programs.models import PublicCheck
from sejahtera.registry.models import Person, Proposal, ProposalPhoto, ProposalStatus
from sejahtera.retention import services
from sejahtera.retention.kinds import KINDS
from sejahtera.retention.management.commands import retention as command
from sejahtera.retention.rules import Period, RetentionConfigError, load_rules
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    RequestDocument,
    RequestStatus,
    Service,
    ServiceRequest,
)
from sejahtera.services.reference import load as load_services
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, MOJOKERTO
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2030, 6, 1)
RULES = {rule.key: rule for rule in load_rules()}


@pytest.fixture(autouse=True)
def places(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_DIR = tmp_path / "imports"
    load_services(stdout=io.StringIO())


def _cutoff(key: str) -> dt.datetime:
    return services.cutoff(RULES[key], AS_OF)


def _ages(key: str) -> tuple[dt.datetime, dt.datetime]:
    """A moment a day before the kind's cutoff (old) and a day after it (young)."""
    limit = _cutoff(key)
    return limit - dt.timedelta(days=1), limit + dt.timedelta(days=1)


def _set(obj: models.Model, **values: Any) -> None:
    """Set fields the model fills itself (auto_now_add) to the test's moments."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()


_serial = iter(range(1, 10_000))


@dataclass
class Case:
    """The old and the young record of one kind, and how to tell whether one was removed."""

    old: Any
    young: Any
    gone: Callable[[Any], bool]
    files: list[str]  # stored files of the old record that must be deleted


def _row_gone(obj: Any) -> bool:
    return not type(obj)._default_manager.filter(pk=obj.pk).exists()


def _file(name: str) -> str:
    return default_storage.save(name, ContentFile(b"isi berkas uji"))


def _public_checks() -> Case:
    old, young = _ages("public_checks")
    rows = [PublicCheck.objects.create(client="klien", desa_code=DESA_A) for _ in range(2)]
    _set(rows[0], at=old)
    _set(rows[1], at=young)
    return Case(rows[0], rows[1], _row_gone, [])


def _axes(model: type[models.Model], key: str, **extra: Any) -> Case:
    old, young = _ages(key)
    common = {
        "ip_address": "10.0.0.1",
        "username": "pengguna",
        "http_accept": "*/*",
        "path_info": "/akun/masuk/",
    }
    rows = [model._default_manager.create(user_agent=f"uji{n}", **common, **extra) for n in (1, 2)]
    _set(rows[0], attempt_time=old)
    _set(rows[1], attempt_time=young)
    return Case(rows[0], rows[1], _row_gone, [])


def _login_attempts() -> Case:
    return _axes(AccessAttempt, "login_attempts", get_data="", post_data="", failures_since_start=1)


def _login_failures() -> Case:
    return _axes(AccessFailureLog, "login_failures", locked_out=False)


def _access_logs() -> Case:
    return _axes(AccessLog, "access_logs")


def _sessions() -> Case:
    old, young = _ages("sessions")
    rows = [
        Session.objects.create(session_key=f"sesi{n}" + "x" * 28, session_data="", expire_date=when)
        for n, when in ((1, old), (2, young))
    ]
    return Case(rows[0], rows[1], _row_gone, [])


def _unconfirmed_otp() -> Case:
    old, young = _ages("unconfirmed_otp")
    user = UserFactory()
    rows = [TOTPDevice.objects.create(user=user, name="uji", confirmed=False) for _ in range(2)]
    confirmed = TOTPDevice.objects.create(user=UserFactory(), name="uji", confirmed=True)
    _set(rows[0], created_at=old)
    _set(rows[1], created_at=young)
    _set(confirmed, created_at=old - dt.timedelta(days=400))  # in use: never due
    return Case(rows[0], rows[1], _row_gone, [])


def _job(finished: dt.datetime, *, errors: bool = True) -> Job:
    job = Job.objects.create(kind="registry.import", title="Impor uji", status=JobStatus.FAILED)
    if errors:
        job.errors_file.save(f"{job.pk}.csv", ContentFile(b"baris,kesalahan\n"), save=True)
    _set(job, finished_at=finished)
    return job


def _job_error_files() -> Case:
    old, young = _ages("job_error_files")
    jobs = [_job(old), _job(young)]
    # A job still running is never due, however old.
    running = Job.objects.create(kind="x", title="Berjalan", status=JobStatus.RUNNING)
    running.errors_file.save("berjalan.csv", ContentFile(b"x"), save=True)
    _set(running, finished_at=old)
    names = [jobs[0].errors_file.name]

    def gone(job: Job) -> bool:
        job.refresh_from_db()
        return not job.errors_file

    return Case(jobs[0], jobs[1], gone, names)


def _finished_jobs() -> Case:
    old, young = _ages("finished_jobs")
    jobs = [_job(old), _job(young, errors=False)]
    return Case(jobs[0], jobs[1], _row_gone, [jobs[0].errors_file.name])


def _task_results() -> Case:
    old, young = _ages("task_results")
    rows = [
        DBTaskResult.objects.create(
            status="SUCCESSFUL",
            args_kwargs={"args": [], "kwargs": {"job_id": "x"}},
            task_path="sejahtera.registry.tasks.import_registry_task",
            backend_name="default",
            run_after=old,
            finished_at=when,
        )
        for when in (old, young)
    ]
    return Case(rows[0], rows[1], _row_gone, [])


def _import_uploads() -> Case:
    from django.conf import settings

    old, young = _ages("import_uploads")
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, when in (("lamaabc", old), ("baruabc", young), ("dipakaiabc", old)):
        path = directory / name
        path.write_bytes(b"nik,nama\n")
        os.utime(path, (when.timestamp(), when.timestamp()))
        paths.append(path)
    # The file of a queued import is kept whatever its age.
    Job.objects.create(kind="registry.import", title="Antre", params={"token": "dipakaiabc"})
    return Case(paths[0], paths[1], lambda path: not path.exists(), [])


def _outside_lists() -> Case:
    old, young = _ages("outside_lists")
    user = UserFactory()
    lists = []
    for when in (old, young):
        outside = OutsideList.objects.create(name="PKH.xlsx", uploaded_by=user, rows=1)
        OutsideRow.objects.create(outside_list=outside, line=2, values={"name": "Siti"})
        _set(outside, uploaded_at=when)
        lists.append(outside)

    def gone(outside: OutsideList) -> bool:
        return _row_gone(outside) and not OutsideRow.objects.filter(outside_list=outside).exists()

    return Case(lists[0], lists[1], gone, [])


def _rejected_proposal_photos() -> Case:
    old, young = _ages("rejected_proposal_photos")
    user = UserFactory()
    photos = []
    for when, status in ((old, ProposalStatus.REJECTED), (young, ProposalStatus.REJECTED)):
        proposal = Proposal.objects.create(
            kind="perubahan", desa_id=DESA_A, proposed_by=user, status=status, decided_at=when
        )
        photos.append(
            ProposalPhoto.objects.create(
                proposal=proposal, uploaded_by=user, image=_file("registry/verval/rumah.jpg")
            )
        )
    # An approved proposal's photos are evidence of the registry change: kept.
    approved = Proposal.objects.create(
        kind="perubahan",
        desa_id=DESA_A,
        proposed_by=user,
        status=ProposalStatus.APPROVED,
        decided_at=old,
    )
    ProposalPhoto.objects.create(
        proposal=approved, uploaded_by=user, image=_file("registry/verval/disetujui.jpg")
    )
    return Case(photos[0], photos[1], _row_gone, [photos[0].image.name])


def _request(closed: dt.date | None, status: str = RequestStatus.DONE, **extra: Any) -> Any:
    return ServiceRequest.objects.create(
        service=Service.objects.get(number=1),
        tracking_code=f"L-UJI-{next(_serial)}",
        channel="online",
        applicant_name="Siti Aminah",
        phone="081234567890",
        desa_id=DESA_A,
        description="Surat keterangan",
        status=status,
        received_on=dt.date(2020, 1, 2),
        closed_on=closed,
        **extra,
    )


def _service_request_documents() -> Case:
    old, young = (d.date() for d in _ages("service_request_documents"))
    docs = [
        RequestDocument.objects.create(
            request=_request(when), name="KTP", file=_file("layanan/dokumen/ktp.pdf")
        )
        for when in (old, young)
    ]
    # A request still in process keeps its documents.
    RequestDocument.objects.create(
        request=_request(None, RequestStatus.IN_PROCESS),
        name="KK",
        file=_file("layanan/dokumen/kk.pdf"),
    )
    return Case(docs[0], docs[1], _row_gone, [docs[0].file.name])


def _service_request_contacts() -> Case:
    old, young = (d.date() for d in _ages("service_request_contacts"))
    rows = [_request(old, RequestStatus.REFUSED), _request(young)]

    def gone(request: ServiceRequest) -> bool:
        request.refresh_from_db()
        return request.phone == "" and request.applicant_name == "Siti Aminah"

    return Case(rows[0], rows[1], gone, [])


def _complaint(status: str, answered: dt.date | None, closed: dt.date | None) -> Complaint:
    return Complaint.objects.create(
        tracking_code=f"P-UJI-{next(_serial)}",
        channel=ComplaintChannel.WEB,
        category=ComplaintCategory.objects.get(code="penyaluran"),
        complainant_name="Sri Wahyuni",
        contact="081299998888",
        desa_id=DESA_A,
        description="Bantuan belum sampai",
        status=status,
        received_on=dt.date(2020, 1, 2),
        due_on=dt.date(2020, 1, 9),
        answered_on=answered,
        closed_on=closed,
        rating=4,
    )


def _complaint_contacts() -> Case:
    old, young = (d.date() for d in _ages("complaint_contacts"))
    rows = [
        _complaint(ComplaintStatus.CLOSED, old - dt.timedelta(days=3), old),
        _complaint(ComplaintStatus.CLOSED, old, young),  # answered long ago, closed recently
    ]
    # Answered but never closed: the answer's date counts.
    answered = _complaint(ComplaintStatus.ANSWERED, old, None)
    # Still open: kept whatever its age.
    _complaint(ComplaintStatus.RECEIVED, None, None)

    def gone(complaint: Complaint) -> bool:
        complaint.refresh_from_db()
        return (
            complaint.complainant_name == ""
            and complaint.contact == ""
            and complaint.rating == 4
            and complaint.description == "Bantuan belum sampai"
        )

    case = Case(rows[0], rows[1], gone, [])
    case.also_gone = answered  # type: ignore[attr-defined]
    return case


BUILDERS: dict[str, Callable[[], Case]] = {
    "public_checks": _public_checks,
    "login_attempts": _login_attempts,
    "login_failures": _login_failures,
    "access_logs": _access_logs,
    "sessions": _sessions,
    "unconfirmed_otp": _unconfirmed_otp,
    "job_error_files": _job_error_files,
    "finished_jobs": _finished_jobs,
    "task_results": _task_results,
    "import_uploads": _import_uploads,
    "outside_lists": _outside_lists,
    "rejected_proposal_photos": _rejected_proposal_photos,
    "service_request_documents": _service_request_documents,
    "service_request_contacts": _service_request_contacts,
    "complaint_contacts": _complaint_contacts,
}


def test_every_kind_has_a_test() -> None:
    assert set(BUILDERS) == {kind.key for kind in KINDS} == set(RULES)


def _counts() -> dict[str, int]:
    return {line.rule.key: line.count for line in services.report(as_of=AS_OF)}


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_report_and_apply_touch_only_what_has_passed(
    key: str, django_capture_on_commit_callbacks: Any
) -> None:
    case = BUILDERS[key]()
    expected = 2 if key == "complaint_contacts" else 1
    assert _counts()[key] == expected
    assert len(services.due(key, AS_OF)) == expected
    for name in case.files:
        assert default_storage.exists(name)

    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.apply(actor=None, as_of=AS_OF, keys=[key])
    assert [(o.rule.key, o.count) for o in outcomes] == [(key, expected)]

    assert case.gone(case.old)
    assert not case.gone(case.young)
    if key == "complaint_contacts":
        assert case.gone(case.also_gone)  # type: ignore[attr-defined]
    for name in case.files:
        assert not default_storage.exists(name), name
    if key == "job_error_files":
        assert default_storage.exists(case.young.errors_file.name)
        assert Job.objects.get(status=JobStatus.RUNNING).errors_file  # running: untouched

    events = AuditEvent.objects.exclude(pk__in=before)
    assert events.count() == 1
    event = events.get()
    assert (event.object_type, event.object_id, event.actor_username) == (
        "retention",
        key,
        "sistem",
    )
    assert event.extra["count"] == expected
    assert event.extra["rule"] == RULES[key].as_dict()
    assert event.extra["files"] == (1 if key == "import_uploads" else len(case.files))

    # A second run finds nothing, changes nothing and writes no event.
    assert _counts()[key] == 0
    with django_capture_on_commit_callbacks(execute=True):
        again = services.apply(actor=None, as_of=AS_OF, keys=[key])
    assert [(o.rule.key, o.count, o.files) for o in again] == [(key, 0, 0)]
    assert AuditEvent.objects.exclude(pk__in=before).count() == 1
    assert not case.gone(case.young)


def test_a_failed_kind_keeps_its_rows_and_files(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Files are deleted only after the kind's transaction commits: when it fails (here the
    audit event cannot be written), its rows and their files stay, and nothing is recorded."""
    case = _rejected_proposal_photos()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("jejak audit tidak dapat ditulis")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        services.apply(actor=None, as_of=AS_OF, keys=["rejected_proposal_photos"])
    assert not _row_gone(case.old)
    assert default_storage.exists(case.files[0])


def test_registry_and_audit_trail_are_never_touched(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        people = PersonFactory.create_batch(3)
        Person.objects.filter(pk__in=[p.pk for p in people]).update(
            created_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
        )
        for build in BUILDERS.values():
            build()
    # An event of 2001 is older than any period; it must stay anyway, sealed and unchanged.
    AuditEvent.objects.create(
        at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC), action="create", object_type="uji"
    )
    seal()
    events = dict(AuditEvent.objects.values_list("pk", "hash"))
    assert all(events.values())
    people_before = Person.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.apply(actor=None, as_of=AS_OF)
    assert {o.rule.key for o in outcomes if o.count} == set(BUILDERS)

    assert Person.objects.count() == people_before
    kept = dict(AuditEvent.objects.filter(pk__in=events).values_list("pk", "hash"))
    assert kept == events
    new = AuditEvent.objects.exclude(pk__in=events)
    assert sorted(new.values_list("object_id", flat=True)) == sorted(BUILDERS)
    assert verify().ok


def test_apply_by_a_user_needs_an_administrator() -> None:
    clerk = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    with pytest.raises(PermissionDenied):
        services.apply(actor=clerk, as_of=AS_OF)
    admin = UserFactory(role=Role.ADMIN, area_codes=[MOJOKERTO])
    _public_checks()
    outcomes = services.apply(actor=admin, as_of=AS_OF, keys=["public_checks"])
    assert outcomes[0].count == 1
    event = AuditEvent.objects.get(object_type="retention")
    assert event.actor_username == admin.username


def test_inactive_rule_is_reported_but_not_applied(settings: Any, tmp_path: Path) -> None:
    text = (Path(settings.DATA_DIR) / "retention.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    what: programs.PublicCheck\n", "    what: programs.PublicCheck\n    active: false\n"
    )
    (tmp_path / "retensi.yaml").write_text(text, encoding="utf-8")
    settings.RETENTION_FILE = tmp_path / "retensi.yaml"
    case = _public_checks()
    assert _counts()["public_checks"] == 1
    outcomes = services.apply(actor=None, as_of=AS_OF)
    assert "public_checks" not in {o.rule.key for o in outcomes}
    assert not _row_gone(case.old)


# --- the command -----------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_command_reports_without_removing() -> None:
    case = _public_checks()
    out = _run("--as-of", AS_OF.isoformat())
    assert "public_checks" in out and "lewat masa simpan" in out
    assert "Jumlah yang lewat masa simpan: 1" in out
    assert not _row_gone(case.old)


def test_command_apply_without_yes_refuses_when_not_interactive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(command, "interactive", lambda: False)
    case = _public_checks()
    with pytest.raises(CommandError, match="--yes"):
        _run("--apply", "--as-of", AS_OF.isoformat())
    assert not _row_gone(case.old)
    assert not AuditEvent.objects.filter(object_type="retention").exists()


def test_command_asks_and_removes_only_after_ya(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command, "interactive", lambda: True)
    case = _public_checks()
    monkeypatch.setattr("builtins.input", lambda prompt: "tidak")
    assert "Dibatalkan" in _run("--apply", "--as-of", AS_OF.isoformat())
    assert not _row_gone(case.old)
    monkeypatch.setattr("builtins.input", lambda prompt: "ya")
    out = _run("--apply", "--as-of", AS_OF.isoformat())
    assert "public_checks: 1 catatan dihapus" in out
    assert _row_gone(case.old) and not _row_gone(case.young)


def test_command_apply_yes_and_only(django_capture_on_commit_callbacks: Any) -> None:
    checks = _public_checks()
    photos = _rejected_proposal_photos()
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("--apply", "--yes", "--as-of", AS_OF.isoformat(), "--only", "public_checks")
    assert "public_checks: 1 catatan" in out
    assert _row_gone(checks.old) and not _row_gone(photos.old)
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("--apply", "--yes", "--as-of", AS_OF.isoformat())
    assert "rejected_proposal_photos: 1 catatan dihapus (1 berkas dihapus)" in out
    assert _row_gone(photos.old) and not default_storage.exists(photos.files[0])
    assert verify().ok


def test_command_refuses_bad_input() -> None:
    with pytest.raises(CommandError, match="TTTT-BB-HH"):
        _run("--as-of", "1-6-2030")
    with pytest.raises(CommandError, match="tidak dikenal"):
        _run("--only", "penduduk")


# --- the configuration ---------------------------------------------------------------


def test_period_arithmetic() -> None:
    moment = dt.datetime(2030, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert Period.parse("1 month").before(moment) == dt.datetime(2030, 2, 28, 10, 0, tzinfo=dt.UTC)
    assert Period.parse("2 tahun").before(moment) == dt.datetime(2028, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert Period.parse("13 bulan").before(moment) == dt.datetime(2029, 2, 28, 10, 0, tzinfo=dt.UTC)
    assert Period.parse("30 days").before(moment) == dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert str(Period.parse("12 months")) == "12 bulan"
    for bad in ("", "twelve months", "12 weeks", "-1 days", None):
        with pytest.raises(ValueError):
            Period.parse(bad)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    action: anonymise\n", "    action: delete\n", "complaint_contacts`: action"),
        ("    period: 12 months\n", "    period: setahun\n", "tidak terbaca"),
        ("  - key: sessions\n", "  - key: sesi\n", "`sesi`"),
        ("    what: axes.AccessLog\n", "    what: axes.AccessAttempt\n", "access_logs`: what"),
    ],
)
def test_config_must_match_the_code(
    settings: Any, tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = (Path(settings.DATA_DIR) / "retention.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "retensi.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RetentionConfigError, match=message):
        load_rules(path)


def test_config_must_list_every_kind(settings: Any, tmp_path: Path) -> None:
    text = (Path(settings.DATA_DIR) / "retention.yaml").read_text(encoding="utf-8")
    start = text.index("  - key: task_results")
    end = text.index("  - key: import_uploads")
    path = tmp_path / "retensi.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(RetentionConfigError, match="task_results"):
        load_rules(path)
    settings.RETENTION_FILE = path
    with pytest.raises(CommandError, match="task_results"):
        _run()
    with pytest.raises(RetentionConfigError, match="tidak ditemukan"):
        load_rules(tmp_path / "tidak-ada.yaml")


# --- the page --------------------------------------------------------------------------


def test_page_lists_rules_for_auditors_only(client: Client, settings: Any, tmp_path: Path) -> None:
    _public_checks()
    client.force_login(UserFactory(role=Role.AUDITOR, area_codes=[MOJOKERTO]))
    response = client.get("/retensi/")
    assert response.status_code == 200
    page = response.content.decode()
    for rule in RULES.values():
        assert rule.key in page
    assert "Nama dan kontak pengadu" in page and "2 tahun" in page

    settings.RETENTION_FILE = tmp_path / "tidak-ada.yaml"
    response = client.get("/retensi/")
    assert response.status_code == 200
    assert "tidak ditemukan" in response.content.decode()

    client.force_login(UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_A]))
    assert client.get("/retensi/").status_code == 403
