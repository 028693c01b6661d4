from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sejahtera.audit.models import AuditEvent
from sejahtera.wilayah.models import Level, Wilayah, WilayahSource
from sejahtera.wilayah.services import WilayahDataError, default_source_dir, load_wilayah

pytestmark = pytest.mark.django_db


def test_mojokerto_has_18_kecamatan_and_304_desa() -> None:
    assert Wilayah.objects.get(code="35.16").name == "Kabupaten Mojokerto"
    assert Wilayah.objects.filter(level=Level.KECAMATAN, parent_id="35.16").count() == 18
    assert Wilayah.objects.filter(level=Level.DESA, code__startswith="35.16.").count() == 304


def test_whole_country_loaded_with_source_recorded() -> None:
    assert Wilayah.objects.filter(level=Level.PROVINSI).count() == 38
    assert Wilayah.objects.filter(level=Level.KABUPATEN).count() == 514
    source = WilayahSource.objects.first()
    assert source is not None
    assert (source.package, source.version) == ("idn-area-data", "4.0.1")
    assert "300.2.2-2138 Tahun 2025" in source.regulation


def test_kelurahan_flag_follows_code() -> None:
    # Mojokerto's villages are desa (2xxx); Kota Mojokerto (35.76) has kelurahan (1xxx).
    assert not Wilayah.objects.get(code="35.16.01.2001").is_kelurahan
    kel = Wilayah.objects.filter(code__startswith="35.76.", level=Level.DESA).first()
    assert kel is not None and kel.is_kelurahan


def test_second_load_changes_nothing() -> None:
    before_rows = Wilayah.objects.count()
    before_sources = WilayahSource.objects.count()
    before_events = AuditEvent.objects.count()
    report = load_wilayah(actor=None)
    assert sum(report.added.values()) == 0
    assert sum(report.changed.values()) == 0
    assert report.unlisted == []
    assert Wilayah.objects.count() == before_rows
    assert WilayahSource.objects.count() == before_sources
    assert AuditEvent.objects.count() == before_events


def _copy_source(tmp_path: Path) -> Path:
    target = tmp_path / "wilayah"
    shutil.copytree(default_source_dir(), target)
    return target


def _rewrite(directory: Path, filename: str, edit: Any) -> None:
    path = directory / filename
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fieldnames = list(rows[0].keys())
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    manifest = json.loads((directory / "SOURCE.json").read_text())
    manifest["files"][filename] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["version"] = "test"
    (directory / "SOURCE.json").write_text(json.dumps(manifest))


def test_renamed_added_and_unlisted_areas_are_reported(tmp_path: Path) -> None:
    directory = _copy_source(tmp_path)

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows = [r for r in rows if r["code"] != "35.16.18.2013"]
        for r in rows:
            if r["code"] == "35.16.01.2001":
                r["name"] = "Tawangrejo Baru"
        rows.append({"code": "35.16.01.2999", "district_code": "35.16.01", "name": "Desa Uji"})
        return rows

    _rewrite(directory, "villages.csv", edit)
    assert Wilayah.objects.filter(code="35.16.18.2013").exists()
    report = load_wilayah(actor=None, source_dir=directory)
    assert report.added["desa"] == 1
    assert report.changed["desa"] == 1
    assert report.unlisted == ["35.16.18.2013"]
    assert Wilayah.objects.get(code="35.16.01.2001").name == "Tawangrejo Baru"
    assert Wilayah.objects.filter(code="35.16.18.2013").exists()  # reported, never deleted
    event = AuditEvent.objects.filter(object_type="wilayah.wilayah").order_by("-id").first()
    assert event is not None and event.changes["added"]["desa"] == 1


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    directory = _copy_source(tmp_path)
    with (directory / "provinces.csv").open("a", encoding="utf-8") as handle:
        handle.write("99,Provinsi Palsu\n")
    with pytest.raises(WilayahDataError, match="tidak cocok"):
        load_wilayah(actor=None, source_dir=directory)
    assert not Wilayah.objects.filter(code="99").exists()


def test_unknown_parent_is_refused_and_nothing_saved(tmp_path: Path) -> None:
    directory = _copy_source(tmp_path)
    _rewrite(
        directory,
        "villages.csv",
        lambda rows: [*rows, {"code": "35.16.99.2001", "district_code": "35.16.99", "name": "X"}],
    )
    count = Wilayah.objects.count()
    with pytest.raises(WilayahDataError, match=r"35\.16\.99"):
        load_wilayah(actor=None, source_dir=directory)
    assert Wilayah.objects.count() == count


def test_command_prints_counts(capsys: Any) -> None:
    from django.core.management import call_command

    call_command("wilayah", "stats", "35.16")
    out = capsys.readouterr().out
    assert "Kecamatan: 18" in out
    assert "Desa/Kelurahan: 304" in out
