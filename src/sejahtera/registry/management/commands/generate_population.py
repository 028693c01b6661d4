from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.db import refresh_statistics
from sejahtera.registry.synthetic import (
    DUPLICATE_RATE,
    generate,
    save,
    write_csv,
    write_truth,
)
from sejahtera.wilayah.models import Level, Wilayah


class Command(BaseCommand):
    help = "Bangkitkan populasi sintetis (nama Faker id_ID, NIK konsisten) di desa-desa kabupaten kantor dan simpan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--area", default=None, help="Kode wilayah (default: kabupaten kantor)")
        parser.add_argument(
            "--duplicates",
            type=float,
            default=DUPLICATE_RATE,
            help="Bagian penduduk yang didaftarkan ganda dengan salah ketik (bawaan 0,005).",
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="Tulis ke CSV dalam tata letak impor (plus FILE.kebenaran.csv berisi data ganda) alih-alih menyimpan.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["persons"] < 1:
            raise CommandError("--persons harus lebih dari 0.")
        area = options["area"] or settings.OFFICE_WILAYAH_CODE
        desa = list(
            Wilayah.objects.filter(level=Level.DESA)
            .filter(code__startswith=area + ".")
            .values_list("code", flat=True)
        )
        if not desa:
            raise CommandError(f"Tidak ada desa di bawah {area}; muat data wilayah dulu.")
        start = time.perf_counter()
        if not 0 <= options["duplicates"] < 0.5:
            raise CommandError("--duplicates harus antara 0 dan 0,5.")
        population = generate(
            persons=options["persons"],
            desa_codes=desa,
            seed=options["seed"],
            duplicates=options["duplicates"],
        )
        generated = time.perf_counter() - start
        out: Path | None = options["out"]
        if out is not None:
            truth = out.with_name(out.stem + ".kebenaran.csv")
            with out.open("w", encoding="utf-8", newline="") as handle:
                rows = write_csv(population, handle)
            with truth.open("w", encoding="utf-8", newline="") as handle:
                duplicates = write_truth(population, handle)
            self.stdout.write(
                f"{rows} baris ({len(population.households)} keluarga) ditulis ke {out}; "
                f"{duplicates} data ganda sisipan di {truth} (dibangkitkan {generated:.1f} s)"
            )
            return
        with transaction.atomic():
            save(population)
            audit.record(
                actor=None,
                action=Action.IMPORT,
                object_type="registry.person",
                object_repr="populasi sintetis",
                wilayah_code=area,
                extra={
                    "persons": len(population.persons),
                    "households": len(population.households),
                    "seed": options["seed"],
                    "duplicates": len(population.duplicates),
                },
            )
        refresh_statistics()
        self.stdout.write(
            f"{len(population.persons)} penduduk, {len(population.households)} keluarga di {len(desa)} desa "
            f"(dibangkitkan {generated:.1f} s, disimpan {time.perf_counter() - start - generated:.1f} s)"
        )
