"""`sejahtera services escalate [--date YYYY-MM-DD]`: report requests past their target and
complaints past their response deadline to the heads of division (run daily from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.services.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Layanan: laporkan permohonan dan pengaduan yang lewat batas waktu ke kepala bidang."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        escalate = sub.add_parser("escalate", help="eskalasi yang lewat batas waktu")
        escalate.add_argument("--date", help="tanggal acuan (TTTT-BB-HH), bawaan hari ini")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"Tanggal {options['date']} tidak sah; tulis TTTT-BB-HH."
                ) from exc
        result = escalate_overdue(today=today)
        self.stdout.write(
            f"Permohonan lewat batas: {len(result.requests)}, pengaduan lewat batas: "
            f"{len(result.complaints)}, surel terkirim: {result.mails}"
        )
        for code in result.requests + result.complaints:
            self.stdout.write(f"  {code}")
