"""`sejahtera audit seal|verify`: seal the events written since the last seal; verify the
whole chain and name the first broken link (exit status 1 when broken)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.audit.chain import seal, verify


class Command(BaseCommand):
    help = "Jejak audit: segel kejadian baru dan periksa rantai sidiknya."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seal", help="segel kejadian yang belum disegel")
        sub.add_parser("verify", help="periksa seluruh rantai")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"Disegel: {seal()} kejadian")
            return
        result = verify()
        if not result.ok:
            raise CommandError(
                f"Rantai audit RUSAK pada mata rantai {result.broken_seq}"
                + (f" (kejadian id {result.broken_id})" if result.broken_id else "")
                + f": {result.reason}. {result.checked} mata rantai sebelumnya utuh."
            )
        self.stdout.write(f"Rantai audit utuh: {result.checked} kejadian diperiksa.")
