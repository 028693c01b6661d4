"""`sejahtera retention [--apply [--yes]] [--as-of TTTT-BB-HH] [--only KEY ...]`: report, per
kind of record, its retention rule and how many records have passed it; with --apply remove
them (after a typed confirmation, or --yes). Run monthly from cron with --apply --yes."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sejahtera.retention import services
from sejahtera.retention.rules import RetentionConfigError, rules_file


def _when(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


class Command(BaseCommand):
    help = (
        "Retensi data: laporkan catatan yang sudah lewat masa simpannya; dengan --apply "
        "hapus atau anonimkan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="hapus/anonimkan yang lewat masa simpan"
        )
        parser.add_argument(
            "--yes", action="store_true", help="tanpa pertanyaan konfirmasi (untuk cron)"
        )
        parser.add_argument(
            "--as-of", dest="as_of", help="tanggal acuan (TTTT-BB-HH), bawaan sekarang"
        )
        parser.add_argument(
            "--only", nargs="+", metavar="KEY", help="hanya jenis ini (kode dari berkas retensi)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: dt.date | None = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(
                    f"Tanggal {options['as_of']} tidak sah; tulis TTTT-BB-HH."
                ) from exc
        try:
            lines = services.report(as_of=as_of)
        except RetentionConfigError as exc:
            raise CommandError(str(exc)) from exc
        only = options.get("only")
        if only:
            unknown = sorted(set(only) - {line.rule.key for line in lines})
            if unknown:
                raise CommandError(f"Jenis tidak dikenal: {', '.join(unknown)}.")
            lines = [line for line in lines if line.rule.key in only]

        self.stdout.write(f"Aturan retensi dari {rules_file()}")
        self.stdout.write(f"Acuan: {_when(services.moment(as_of))}")
        for line in lines:
            rule = line.rule
            state = "" if rule.active else " [NONAKTIF]"
            self.stdout.write(
                f"- {rule.key}{state}: {rule.kind.label} ({rule.kind.what}, "
                f"{rule.kind.age_field}); simpan {rule.period}, lalu {rule.kind.action.label}"
            )
            self.stdout.write(
                f"    lewat masa simpan (sebelum {_when(line.cutoff)}): {line.count}; "
                f"tertua: {_when(line.oldest)}"
            )
        total = sum(line.count for line in lines if line.rule.active)
        self.stdout.write(f"Jumlah yang lewat masa simpan: {total}")
        if not options["apply"]:
            if total:
                self.stdout.write("Tidak ada yang diubah. Jalankan dengan --apply untuk menghapus.")
            return
        if total == 0:
            self.stdout.write("Tidak ada yang perlu dihapus.")
            return
        if not options["yes"]:
            if not interactive():
                raise CommandError(
                    "Penghapusan tidak dapat dibatalkan. Tanpa terminal, ulangi dengan "
                    "--apply --yes bila memang itu yang dimaksud. Tidak ada yang dihapus."
                )
            answer = input(f"Hapus/anonimkan {total} catatan di atas? Ketik 'ya' untuk lanjut: ")
            if answer.strip().lower() != "ya":
                self.stdout.write("Dibatalkan; tidak ada yang dihapus.")
                return
        try:
            outcomes = services.apply(
                actor=None,
                as_of=as_of,
                keys=[line.rule.key for line in lines],
            )
        except RetentionConfigError as exc:
            raise CommandError(str(exc)) from exc
        for outcome in outcomes:
            if outcome.count or outcome.files:
                files = f" ({outcome.files} berkas dihapus)" if outcome.files else ""
                self.stdout.write(
                    f"  {outcome.rule.key}: {outcome.count} catatan "
                    f"{outcome.rule.kind.action.done}{files}"
                )
        done = sum(outcome.count for outcome in outcomes)
        self.stdout.write(f"Selesai: {done} catatan; satu kejadian audit per jenis.")
