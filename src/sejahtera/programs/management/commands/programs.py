"""`sejahtera programs list|eligible|explain`: the programmes and their rules for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.formatting import mask_nik
from sejahtera.programs.criteria import Verdict
from sejahtera.programs.models import Programme
from sejahtera.programs.selectors import eligible, explain, rule_in_force, rule_tree
from sejahtera.registry.models import Person


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Tanggal {text} tidak sah; tulis TTTT-BB-HH.") from exc


def _programme(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        known = ", ".join(Programme.objects.values_list("code", flat=True))
        raise CommandError(f"Program {code} tidak dikenal. Yang ada: {known}")
    return programme


def _lines(verdict: Verdict, depth: int = 0) -> list[str]:
    mark = {True: "ya   ", False: "tidak", None: "cek  "}[verdict.holds]
    out = [
        f"{'  ' * depth}[{mark}] {verdict.words}"
        + (f": {verdict.reason}" if verdict.reason else "")
    ]
    for child in verdict.children:
        out += _lines(child, depth + 1)
    return out


class Command(BaseCommand):
    help = "Program bantuan: daftar, siapa yang memenuhi syarat, dan penjelasan per orang."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Kode, nama, sumber dana, kriteria dalam kata-kata.")
        el = sub.add_parser("eligible", help="Penduduk yang memenuhi aturan pada suatu tanggal.")
        el.add_argument("--program", required=True)
        el.add_argument("--as-of", default=dt.date.today().isoformat())
        el.add_argument("--count", action="store_true")
        el.add_argument("--output", type=Path)
        ex = sub.add_parser(
            "explain", help="Setiap kriteria untuk satu NIK: terpenuhi atau tidak, dan mengapa."
        )
        ex.add_argument("--program", required=True)
        ex.add_argument("--nik", required=True)
        ex.add_argument("--as-of", default=dt.date.today().isoformat())

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            today = dt.date.today()
            for p in Programme.objects.order_by("number"):
                tree = rule_tree(p, today)
                version = rule_in_force(p, today)
                words = tree.words() if tree else "(tanpa aturan perorangan)"
                self.stdout.write(
                    f"{p.code}\t{p.name}\t{p.funding_written}\t"
                    + (f"v{version.version}: " if version else "")
                    + words
                )
            return
        programme = _programme(options["program"])
        as_of = _date(options["as_of"])
        if action == "eligible":
            queryset = eligible(programme, as_of=as_of)
            if options["count"]:
                self.stdout.write(str(queryset.count()))
                return
            target = options["output"]
            handle = target.open("w", encoding="utf-8", newline="") if target else sys.stdout
            try:
                writer = csv.writer(handle)
                writer.writerow(["nik", "nama", "jenis_kelamin", "tanggal_lahir", "desa"])
                rows = 0
                for row in queryset.order_by("desa_id", "name").iterator(chunk_size=5000):
                    writer.writerow(
                        [
                            row.nik or "",
                            row.name,
                            row.sex,
                            row.birth_date or "",
                            row.desa_id,
                        ]
                    )
                    rows += 1
            finally:
                if target:
                    handle.close()
            audit.record(
                actor=None,
                action=Action.EXPORT,
                object_type="registry.person",
                object_repr=f"Daftar layak {programme.code} per {as_of}",
                extra={"rows": rows, "output": str(target) if target else "stdout"},
            )
            if target:
                self.stdout.write(f"{rows} orang → {target}")
            return
        person = Person.objects.filter(nik=options["nik"]).first()
        if person is None:
            raise CommandError(f"NIK {mask_nik(options['nik'])} tidak terdaftar.")
        verdict = explain(programme, person, as_of=as_of)
        result = {
            True: "MEMENUHI SYARAT",
            False: "TIDAK MEMENUHI SYARAT",
            None: "MEMENUHI SYARAT DATA; sisanya diperiksa petugas",
        }[verdict.holds]
        self.stdout.write(
            f"{programme.name} · {person.name} ({mask_nik(person.nik)}) · {as_of}: {result}"
        )
        for line in _lines(verdict):
            self.stdout.write(line)
