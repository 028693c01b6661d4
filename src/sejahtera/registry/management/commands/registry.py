from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.accounts.models import User
from sejahtera.jobs.models import JobStatus
from sejahtera.registry.services.imports import UploadRefused, import_file_now


class Command(BaseCommand):
    help = "Registri: impor daftar keluarga/penduduk (CSV/XLSX) dengan tugas yang sama seperti halaman impor."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Impor satu berkas, semua atau tidak sama sekali.")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Pemetaan kolom (bawaan: dikenali dari judul kolom).",
        )
        imp.add_argument("--user", default=None, help="Pengguna yang mengimpor (bawaan: sistem).")
        imp.add_argument(
            "--period", default="", help="Periode data TTTT-BB bila berkas tidak memuatnya."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"Berkas {source} tidak ada.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['user']} tidak ada.")
        mapping = None
        if options["map"]:
            from sejahtera.registry.imports.layout import (
                FileFormatError,
                TableFile,
                suggest_mapping,
            )

            try:
                mapping = suggest_mapping(TableFile(source).headers())
            except FileFormatError as exc:
                raise CommandError(str(exc)) from exc
            for item in options["map"]:
                key, sep, header = item.partition("=")
                if not sep:
                    raise CommandError(f"--map harus berbentuk FIELD=HEADER, bukan {item}.")
                mapping[key.strip()] = header.strip()
        try:
            job = import_file_now(
                actor=actor, source=source, mapping=mapping, default_period=options["period"]
            )
        except UploadRefused as exc:
            raise CommandError(str(exc)) from exc
        if job.status != JobStatus.DONE:
            errors = f" Daftar kesalahan: {job.errors_file.path}" if job.errors_file else ""
            raise CommandError(f"{job.message}{errors}")
        timing = ", ".join(f"{k} {v} s" for k, v in (job.result.get("seconds") or {}).items())
        self.stdout.write(f"{job.message} ({timing})" if timing else job.message)
