"""Reference data of the services app: the 13 services of Tabel 2.4.1, the letter types
of data/services/surat.yaml and the complaint categories of data/services/pengaduan.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from sejahtera.accounts.models import Unit
from sejahtera.services.models import ComplaintCategory, LetterType, Output, Service


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "services"


def output_of(name: str) -> str:
    """What a service produces, read from its name (the seed has no such column): a letter
    for "surat", aid for "penyaluran", a referral for "memfasilitasi", otherwise a case."""
    lowered = name.casefold()
    if "surat" in lowered:
        return Output.LETTER
    if lowered.startswith("penyaluran"):
        return Output.AID
    if lowered.startswith("memfasilitasi") or "calon klien pelatihan" in lowered:
        return Output.REFERRAL
    return Output.CASE


def _lines(row: dict[str, Any]) -> str:
    lines = row.get("lines") or []
    return f"{lines[0]}-{lines[1]}" if len(lines) == 2 else ""


@transaction.atomic
def load(*, stdout: TextIO) -> None:
    table = yaml.safe_load((data_dir() / "t241-layanan.yaml").read_text(encoding="utf-8"))
    services: dict[int, Service] = {}
    for row in table["rows"]:
        number = int(row["number"])
        slug = slugify(re.sub(r"^(pengurusan|pelayanan)\s+", "", row["name"], flags=re.I))
        code = slug if len(slug) <= 40 else slug[:40].rsplit("-", 1)[0]
        service, _created = Service.objects.update_or_create(
            number=number,
            defaults={
                "code": code,
                "name": row["name"],
                "target_groups": row.get("target_groups") or [],
                "output": output_of(row["name"]),
                "seed_lines": _lines(row),
                "seed_note": row.get("seed_note") or "",
            },
        )
        services[number] = service
    letters = yaml.safe_load((data_dir() / "surat.yaml").read_text(encoding="utf-8"))
    signer = letters["signer"]
    for spec in letters["letters"]:
        LetterType.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "service": services.get(spec["service"]),
                "pattern": spec["pattern"],
                "requires": spec.get("requires") or [],
                "body": spec["body"],
                "signer_name": signer["name"],
                "signer_title": signer["title"],
                "signer_nip": signer.get("nip") or "",
            },
        )
    categories = yaml.safe_load((data_dir() / "pengaduan.yaml").read_text(encoding="utf-8"))
    units = {u.code: u for u in Unit.objects.all()}
    for order, spec in enumerate(categories["categories"], start=1):
        # Created once: the deadline and division are the office's to change afterwards.
        ComplaintCategory.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "order": order,
                "response_working_days": int(spec["response_working_days"]),
                "unit": units.get(spec.get("unit") or ""),
                "registry": spec.get("registry") or "",
            },
        )
    stdout.write(
        f"Layanan: {len(services)}, jenis surat: {len(letters['letters'])}, "
        f"kategori pengaduan: {len(categories['categories'])}\n"
    )
