from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sejahtera.common.plugins import app_modules


class Command(BaseCommand):
    help = (
        "Memuat data rujukan semua modul (wilayah, unit kerja, ...) dari folder data/. Idempoten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for module in app_modules("reference"):
            module.load(stdout=self.stdout)
