"""Backup and verified restore of the whole database.

A backup is two files: the data (PostgreSQL: `pg_dump --format=custom`; SQLite: a copy made
with SQLite's online backup API, consistent while the app runs) and a manifest
(`<file>.json`) with the row count of every table and the audit chain's head. A restore puts
the data back, then checks that every table has the manifest's row count and that the audit
chain verifies; it says what does not match."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection


@dataclass
class RestoreReport:
    tables: int
    rows: int
    mismatches: list[str] = field(default_factory=list)
    audit_ok: bool = True
    audit_reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.audit_ok


def row_counts() -> dict[str, int]:
    """The number of rows of every table of an installed model, by table name."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    existing = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table in existing:
                # The table names come from the models, quoted by the backend.
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
    return counts


def _manifest(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} tidak ditemukan; pasang klien PostgreSQL (postgresql-client).")
    return found


def backup(path: Path) -> dict[str, Any]:
    """Write the backup and its manifest; returns the manifest."""
    from sejahtera.audit.chain import seal
    from sejahtera.audit.models import ChainHead

    seal()
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = row_counts()
    head = ChainHead.objects.filter(pk=1).first()
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 - arguments from the settings and the operator's path
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args],
            check=True,
            env=env,
            capture_output=True,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"Basis data {connection.vendor} tidak didukung.")
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": connection.vendor,
        "tables": counts,
        "audit_head": {"seq": head.last_seq, "hash": head.last_hash} if head else None,
    }
    _manifest(path).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def restore(path: Path) -> RestoreReport:
    """Replace the database's content with the backup's, then verify it."""
    from sejahtera.audit.chain import verify

    manifest_path = _manifest(path)
    if not path.exists() or not manifest_path.exists():
        raise FileNotFoundError(f"Cadangan {path} atau manifesnya {manifest_path} tidak ada.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("vendor") != connection.vendor:
        raise ValueError(
            f"Cadangan ini dari {manifest.get('vendor')}, basis data ini {connection.vendor}."
        )
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        result = subprocess.run(  # noqa: S603 - arguments from the settings and the operator's path
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_restore gagal: {result.stderr.strip()[-2000:]}")
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    counts = row_counts()
    mismatches = [
        f"{table}: cadangan {expected} baris, dipulihkan {counts.get(table)}"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    check = verify()
    return RestoreReport(
        tables=len(counts),
        rows=sum(counts.values()),
        mismatches=mismatches,
        audit_ok=check.ok,
        audit_reason=check.reason,
    )
