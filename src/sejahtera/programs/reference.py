"""Reference data of the programmes app: the 24 programmes of Tabel 2.4.2, the recipient
rows of Tabel 2.4.3 and the first version of each rule (data/programs/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings
from django.db import transaction

from sejahtera.programs.criteria import parse
from sejahtera.programs.models import Funding, Programme, RecipientRow, RuleVersion

FUNDING = {
    "APBN": Funding.APBN,
    "APBD PROVINSI": Funding.APBD_PROVINSI,
    "APBD KABUPATEN": Funding.APBD_KABUPATEN,
    "DBHCHT": Funding.DBHCHT,
}


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "programs"


def _lines(row: dict[str, Any]) -> str:
    lines = row.get("lines") or []
    return f"{lines[0]}-{lines[1]}" if len(lines) == 2 else ""


@transaction.atomic
def load(*, stdout: TextIO) -> None:
    folder = data_dir()
    table = yaml.safe_load((folder / "t242-bantuan.yaml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    by_number = {r["number"]: r for r in rules["programmes"]}
    programmes: dict[int, Programme] = {}
    for row in table["rows"]:
        number = int(row["number"])
        spec = by_number[number]
        programme, _created = Programme.objects.update_or_create(
            number=number,
            defaults={
                "code": spec["code"],
                "name": row["name"],
                "funding": FUNDING.get(str(row["funding"]).upper(), Funding.OTHER),
                "funding_written": row["funding"] or "",
                "target_groups": row.get("target_groups") or [],
                "criteria_written": row.get("criteria") or [],
                "subject": spec["subject"],
                "seed_lines": _lines(row),
                "seed_note": row.get("seed_note") or "",
            },
        )
        programmes[number] = programme
        if spec.get("rule") and not programme.rules.exists():
            RuleVersion.objects.create(
                programme=programme,
                version=1,
                valid_from_year=rules["valid_from_year"],
                rule=parse(spec["rule"]).to_json(),
                note="Aturan awal dari data/programs/rules.yaml (Tabel 2.4.2)",
            )
    history = yaml.safe_load((folder / "t243-penerima.yaml").read_text(encoding="utf-8"))
    RecipientRow.objects.all().delete()
    RecipientRow.objects.bulk_create(
        RecipientRow(
            number=str(row["number"]),
            name=row["name"],
            target_group=row.get("target_group") or "",
            counts=row.get("counts") or {},
            funding_written=row.get("funding") or "",
            unit=row.get("unit") or "",
            programme=programmes.get(row.get("programme_number") or 0),
            seed_lines=_lines(row),
            seed_note=row.get("seed_note") or "",
        )
        for row in history["rows"]
    )
    with_rule = sum(1 for p in programmes.values() if p.rules.exists())
    stdout.write(
        f"Program bantuan: {len(programmes)} ({with_rule} dengan aturan), "
        f"riwayat penerima: {len(history['rows'])} baris\n"
    )
