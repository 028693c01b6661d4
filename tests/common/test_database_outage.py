"""The database going away: a clear 503 page in Bahasa Indonesia (JSON under /api/), never a
500 or a traceback, and the app serves again as soon as the database is back.

The first test provokes the errors inside the test client. The second stops a REAL
PostgreSQL server: a private cluster made for the test (initdb, pg_ctl on its own port and
socket directory), never the shared server on 5432, with the app served by gunicorn in a
child process. The cluster is removed even when the test fails."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from sejahtera.accounts.roles import Role

MESSAGE = "Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi"
JOB_API = "/api/pekerjaan/00000000-0000-0000-0000-000000000000"
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_errors_answer_503_in_indonesian(
    error: type[Exception], monkeypatch: pytest.MonkeyPatch, make_user: Any
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.OPERATOR_DINAS))

    def down(*args: Any, **kwargs: Any) -> Any:
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("sejahtera.jobs.views.jobs_for", down)
    monkeypatch.setattr("sejahtera.jobs.api.jobs_for", down)
    page = client.get("/pekerjaan/")
    assert page.status_code == 503
    text = page.content.decode()
    assert MESSAGE in text and "Traceback" not in text and "127.0.0.1" not in text
    assert page["Retry-After"]
    api = client.get("/api/pekerjaan/00000000-0000-0000-0000-000000000000")
    assert api.status_code == 503
    assert api.json() == {"detail": MESSAGE + "."}


@pytest.mark.django_db
def test_other_errors_stay_500(monkeypatch: pytest.MonkeyPatch, make_user: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.OPERATOR_DINAS))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("bug")

    monkeypatch.setattr("sejahtera.jobs.views.jobs_for", broken)
    page = client.get("/pekerjaan/")
    assert page.status_code == 500 and MESSAGE not in page.content.decode()


def _free_port(start: int) -> int:
    for port in range(start, start + 400):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class Cluster:
    """A throw-away PostgreSQL cluster owned by the `postgres` user when run as root (initdb
    refuses to run as root)."""

    def __init__(self, root: Path, port: int) -> None:
        self.bin = PG_BIN[-1].parent
        self.root = root
        self.data = root / "data"
        self.port = port
        self.as_postgres = os.geteuid() == 0

    def run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            self.root / "log",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/sejahtera"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not PG_BIN:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: initdb cannot be run as postgres")
    root = Path(tempfile.mkdtemp(prefix="sejahtera-pg-", dir="/tmp"))
    os.chmod(root, 0o755)  # noqa: S103
    made = Cluster(root, _free_port(55400))
    try:
        made.init()
        made.start()
        yield made
    finally:
        with contextlib.suppress(Exception):
            made.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.django_db
def test_app_answers_503_while_postgresql_is_stopped_and_recovers(
    cluster: Cluster, tmp_path: Path
) -> None:
    """The cluster gets the test database's schema (pg_dump: seconds, where `migrate` takes
    minutes), so this runs in the PostgreSQL pass; the static files are copied as
    collectstatic would leave them (uncompressed)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "copies the PostgreSQL test database's schema into the private cluster; "
            "runs in the PostgreSQL pass (DATABASE_URL=postgres://...)"
        )
    var = tmp_path / "var"
    shutil.copytree(Path(settings.SRC_DIR) / "static", var / "static")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=cluster.url,
        SEJAHTERA_VAR_DIR=str(var),
        SEJAHTERA_DEBUG="0",
        SEJAHTERA_CONN_MAX_AGE="60",  # a kept connection must notice the restart too
    )
    subprocess.run(  # noqa: S603
        [
            str(cluster.bin / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-qc",
            "CREATE DATABASE sejahtera",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    s = connection.settings_dict
    dump = subprocess.run(  # noqa: S603
        [
            str(cluster.bin / "pg_dump"),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "-h",
            s["HOST"] or "127.0.0.1",
            "-p",
            str(s["PORT"] or 5432),
            "-U",
            s["USER"],
            s["NAME"],
        ],
        env={**os.environ, "PGPASSWORD": s["PASSWORD"] or ""},
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(  # noqa: S603
        [str(cluster.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url],
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port(55800)
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sejahtera.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    token = {"Authorization": "Bearer tidak-ada-token-seperti-ini"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _type, _body = _get(base + "/layanan/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
        assert status == 200
        assert _get(base + JOB_API, token)[0] == 401

        cluster.stop("fast")
        status, _type, body = _get(base + "/layanan/")
        assert status == 503, body[-2000:]
        assert MESSAGE in body and "Traceback" not in body
        status, content_type, body = _get(base + JOB_API, token)
        assert status == 503 and content_type.startswith("application/json")
        assert json.loads(body)["detail"].startswith(MESSAGE)

        cluster.start()
        status, _type, body = _get(base + "/layanan/")
        assert status == 200, body[-2000:]
        assert _get(base + JOB_API, token)[0] == 401
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 9)
        server.wait(timeout=10)
