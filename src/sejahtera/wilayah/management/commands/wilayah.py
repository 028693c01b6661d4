from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.wilayah import selectors
from sejahtera.wilayah.models import Level
from sejahtera.wilayah.services import WilayahDataError, load_wilayah


class Command(BaseCommand):
    help = "Memuat dan memeriksa data wilayah resmi (Kemendagri)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Muat data wilayah dari paket data (idempoten).")
        load.add_argument(
            "--source", type=Path, default=None, help="Folder berisi CSV dan SOURCE.json"
        )
        stats = sub.add_parser("stats", help="Jumlah wilayah di bawah satu kode.")
        stats.add_argument("code", nargs="?", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                report = load_wilayah(
                    actor=None,
                    source_dir=options["source"],
                    progress=lambda d, t, m: self.stdout.write(f"  [{d}/{t}] {m}"),
                )
            except WilayahDataError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"wilayah {report.version}: ditambah {sum(report.added.values())}, "
                f"berubah {sum(report.changed.values())}, "
                f"tidak tercantum lagi {len(report.unlisted)}; jumlah {report.counts}"
            )
        else:
            from django.conf import settings

            from sejahtera.wilayah.models import Wilayah

            code = options["code"] or settings.OFFICE_WILAYAH_CODE
            qs = Wilayah.objects.filter(code__startswith=code + ".")
            for level in Level:
                n = qs.filter(level=level).count()
                if n:
                    self.stdout.write(f"{level.label}: {n}")
            source = selectors.current_source()
            if source:
                self.stdout.write(
                    f"sumber: {source.package} {source.version} ({source.regulation})"
                )
