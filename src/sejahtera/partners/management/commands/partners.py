"""`sejahtera partners reminders [--days N] [--date YYYY-MM-DD]`: report registration
certificates (STP) of LKS expiring within N days (90 by default) or expired to the head of
the Bidang Pemberdayaan Sosial, each once (run daily from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.partners.reminders import remind_expiring
from sejahtera.partners.selectors import REMINDER_DAYS


class Command(BaseCommand):
    help = "Mitra: ingatkan kepala bidang tentang STP LKS yang akan atau sudah habis."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reminders = sub.add_parser("reminders", help="pengingat perpanjangan STP")
        reminders.add_argument(
            "--days", type=int, default=REMINDER_DAYS, help="batas hari sebelum habis (bawaan 90)"
        )
        reminders.add_argument("--date", help="tanggal acuan (TTTT-BB-HH), bawaan hari ini")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days tidak boleh negatif.")
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"Tanggal {options['date']} tidak sah; tulis TTTT-BB-HH."
                ) from exc
        result = remind_expiring(days=options["days"], today=today)
        self.stdout.write(
            f"STP akan/sudah habis (baru diingatkan): {len(result.certificates)}, "
            f"surel terkirim: {result.mails}"
        )
        for number in result.certificates:
            self.stdout.write(f"  {number}")
