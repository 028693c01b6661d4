"""`sejahtera renstra load|check|export|import-realisation`: the plan for scripts and
schedulers, through the same services and sheets as the pages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.accounts.models import User
from sejahtera.common.uploads import check_path
from sejahtera.planning import checks, imports, render, sheets
from sejahtera.planning.loader import load_plan
from sejahtera.planning.models import IndicatorKind, Plan
from sejahtera.planning.selectors import PlanData

TABLES = ("4.3.2", "iku", "ikk", "e80", "e81", "tc29")


class Command(BaseCommand):
    help = "Renstra: muat rencana, periksa konsistensi, ekspor tabel dan formulir, impor realisasi."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Muat data Renstra (bawaan: data/renstra/2025-2029).")
        load.add_argument("directory", nargs="?", type=Path, default=None)
        load.add_argument("--note", default="", help="Catatan perubahan Renstra.")
        sub.add_parser("check", help="Cetak setiap ketidaksesuaian angka dokumen, satu per baris.")
        export = sub.add_parser("export", help="Ekspor tabel rencana atau formulir evaluasi.")
        export.add_argument("--table", required=True, choices=TABLES)
        export.add_argument("--format", default="csv", choices=("csv", "xlsx", "pdf"))
        export.add_argument("--year", type=int, default=None)
        export.add_argument("--quarter", type=int, default=4, choices=(1, 2, 3, 4))
        export.add_argument(
            "--output", type=Path, default=None, help="Berkas tujuan (bawaan: stdout)."
        )
        imp = sub.add_parser("import-realisation", help="Impor realisasi dari formulir .xlsx.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", default=None, help="Pengguna pelapor (bawaan: sistem).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            try:
                result = load_plan(actor=None, directory=options["directory"], note=options["note"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            state = (
                f"dimuat sebagai perubahan ke-{result.plan.revision}"
                if result.created
                else "tidak berubah"
            )
            self.stdout.write(f"{result.plan}: {state}")
            for what, count in result.counts.items():
                self.stdout.write(f"  {what}: {count}")
            return
        plan = Plan.objects.filter(is_current=True).order_by("-period_start").first()
        if plan is None:
            raise CommandError("Belum ada Renstra. Jalankan dulu: sejahtera renstra load")
        if action == "check":
            found = checks.findings(plan)
            for finding in found:
                self.stdout.write(finding.line())
            self.stderr.write(f"{len(found)} ketidaksesuaian")
            return
        if action == "export":
            self._export(plan, options)
            return
        self._import(plan, options)

    def _export(self, plan: Plan, options: dict[str, Any]) -> None:
        data = PlanData(plan)
        year = options["year"] or plan.period_start
        if year not in plan.years:
            raise CommandError(f"Tahun {year} di luar Renstra ({plan.years[0]}–{plan.years[-1]}).")
        table, fmt = options["table"], options["format"]
        sheet = {
            "4.3.2": lambda: sheets.plan_table(data),
            "iku": lambda: sheets.indicator_table(data, IndicatorKind.IKU, "4.1 (4.5)"),
            "ikk": lambda: sheets.indicator_table(data, IndicatorKind.IKK, "4.6"),
            "e80": lambda: sheets.e80(data, year),
            "e81": lambda: sheets.e81(data, year, options["quarter"]),
            "tc29": lambda: sheets.tc29(data, year),
        }[table]()
        if fmt == "xlsx":
            content = render.to_xlsx(sheet)
        elif fmt == "pdf":
            content = render.to_pdf(sheet)
        elif table == "4.3.2":
            content = render.to_csv(*sheets.plan_csv_rows(data))
        else:
            content = render.sheet_csv(sheet)
        output: Path | None = options["output"]
        if output is None:
            if fmt != "csv":
                raise CommandError("Format xlsx dan pdf perlu --output BERKAS.")
            sys.stdout.write(content.decode("utf-8"))
            return
        output.write_bytes(content)
        self.stdout.write(f"{sheet.title}: {len(sheet.rows)} baris → {output}")

    def _import(self, plan: Plan, options: dict[str, Any]) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"Berkas {source} tidak ada.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['user']} tidak ada.")
        try:
            check_path(source, kinds=("xlsx",), max_bytes=imports.MAX_BYTES)
            saved = imports.import_realisations(
                actor=actor, plan=plan, content=source.read_bytes(), name=source.name
            )
        except imports.RealisationImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tidak ada yang disimpan: {len(exc.errors)} baris bermasalah."
            ) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"{saved} isian realisasi disimpan.")
