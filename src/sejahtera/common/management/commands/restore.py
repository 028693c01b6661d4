"""`sejahtera restore FILE --yes`: replace the database's content with a backup, then check
every table's row count against the manifest and verify the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.backup import restore


class Command(BaseCommand):
    help = "Pulihkan basis data dari cadangan, lalu periksa hasilnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="ya, ganti seluruh isi basis data ini"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not options["yes"]:
            raise CommandError(
                "Pemulihan mengganti SELURUH isi basis data ini dengan isi cadangan. "
                "Ulangi dengan --yes bila memang itu yang dimaksud."
            )
        try:
            report = restore(path)
        except (FileNotFoundError, ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.mismatches:
            self.stdout.write(f"  TIDAK COCOK {line}")
        if not report.audit_ok:
            self.stdout.write(f"  RANTAI AUDIT RUSAK: {report.audit_reason}")
        if not report.ok:
            raise CommandError("Pemulihan selesai tetapi hasilnya tidak cocok dengan manifes.")
        audit.record(
            actor=None,
            action=Action.IMPORT,
            object_type="system.backup",
            object_repr=str(path)[:200],
            extra={"tables": report.tables, "rows": report.rows},
        )
        self.stdout.write(
            f"Dipulihkan dan diperiksa: {report.tables} tabel, {report.rows} baris, rantai audit utuh."
        )
