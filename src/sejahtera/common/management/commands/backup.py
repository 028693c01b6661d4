"""`sejahtera backup [--output FILE]`: a consistent copy of the whole database with a
manifest of row counts and the audit chain's head (see common/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.backup import backup


class Command(BaseCommand):
    help = "Cadangkan seluruh basis data (dengan manifes jumlah baris dan kepala rantai audit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="berkas tujuan (bawaan: var/backups/…)")

    def handle(self, *args: Any, **options: Any) -> None:
        suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
        path = Path(
            options.get("output")
            or Path(settings.VAR_DIR)
            / "backups"
            / f"sejahtera-{timezone.localtime():%Y%m%d-%H%M%S}.{suffix}"
        )
        audit.record(
            actor=None,
            action=Action.EXPORT,
            object_type="system.backup",
            object_repr=str(path)[:200],
        )
        manifest = backup(path)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Cadangan: {path} ({len(manifest['tables'])} tabel, {rows} baris); "
            f"manifes: {path}.json"
        )
