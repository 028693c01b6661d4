"""Bulk import: column mapping, row errors, all-or-nothing, idempotent re-import, updates
and moves, area scoping, the page flow, the command, and the generator's --out layout."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import AuditEvent
from sejahtera.jobs.models import Job, JobStatus
from sejahtera.registry.imports.layout import FIELD_KEYS, TableFile, suggest_mapping
from sejahtera.registry.imports.loader import ImportFailed, check_mapping, import_registry_file
from sejahtera.registry.models import Household, Membership, Participation, Person
from sejahtera.registry.synthetic import generate, write_csv, write_truth
from tests.conftest import DESA_A, DESA_B, KEC_A

TODAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def _population_file(tmp_path: Path, persons: int = 120, seed: int = 3) -> tuple[Path, Any]:
    population = generate(
        persons=persons, desa_codes=[DESA_A, DESA_B], seed=seed, today=TODAY, duplicates=0.02
    )
    path = tmp_path / "populasi.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(population, handle)
    return path, population


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(FIELD_KEYS), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(path: Path, actor: Any = None) -> Any:
    mapping = suggest_mapping(TableFile(path).headers())
    return import_registry_file(path=path, mapping=mapping, actor=actor, today=TODAY)


def test_generated_file_imports_completely_and_reimport_changes_nothing(tmp_path: Path) -> None:
    path, population = _population_file(tmp_path)
    report = _import(path)
    assert report.rows == len(population.links)
    assert report.persons_created == Person.objects.count() == len(population.persons)
    assert report.households_created == Household.objects.count() == len(population.households)
    assert Membership.objects.filter(end_date__isnull=True).count() == len(population.persons)
    expected_participations = len(population.pkh) + len(population.sembako) + len(population.pbi_jk)
    assert report.participations_created == Participation.objects.count() == expected_participations
    # Every field survives the round trip.
    source = population.persons[0]
    stored = Person.objects.get(nik=source.nik)
    assert (stored.name, stored.birth_date, stored.sex, stored.mother_name, stored.desa_id) == (
        source.name,
        source.birth_date,
        source.sex,
        source.mother_name,
        source.desa_id,
    )
    assert stored.name_key and stored.education == source.education
    events = AuditEvent.objects.filter(action="import").count()

    again = _import(path)
    assert not again.changed
    assert Person.objects.count() == len(population.persons)
    assert Membership.objects.count() == len(population.persons)
    assert Participation.objects.count() == expected_participations
    assert AuditEvent.objects.filter(action="import").count() == events + 1


def test_bad_rows_come_back_with_reasons_and_nothing_is_saved(tmp_path: Path) -> None:
    path, _population = _population_file(tmp_path, persons=40)
    rows = _rows(path)
    rows[0]["nik"] = "12345"  # row 2
    rows[1]["tanggal_lahir"] = "31-02-1980"  # row 3
    rows[2]["kode_desa"] = "35.16.99.9999"  # row 4
    rows[3]["jenis_kelamin"] = "X"  # row 5
    rows[4]["desil"] = "11"  # row 6
    rows[5]["hubungan_keluarga"] = "tetangga"  # row 7
    rows.append(dict(rows[10]))  # a NIK twice: the copy (last row) fails
    bad = _write(tmp_path / "salah.csv", rows)
    with pytest.raises(ImportFailed) as caught:
        _import(bad)
    errors = list(csv.DictReader(io.StringIO(caught.value.errors_csv or ""), delimiter=";"))
    by_row = {int(e["baris"]): e for e in errors}
    assert by_row[2]["kolom"] == "nik" and "16 angka" in by_row[2]["alasan"]
    assert by_row[3]["kolom"] == "tanggal_lahir"
    assert by_row[4]["kolom"] == "kode_desa" and "tidak ada" in by_row[4]["alasan"]
    assert by_row[5]["kolom"] == "jenis_kelamin"
    assert by_row[6]["kolom"] == "desil"
    assert by_row[7]["kolom"] == "hubungan_keluarga"
    last = len(rows) + 1
    assert by_row[last]["kolom"] == "nik" and "baris 12" in by_row[last]["alasan"]
    assert "tidak ada data yang disimpan" in str(caught.value)
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_two_heads_or_two_desa_in_one_kk_are_refused(tmp_path: Path) -> None:
    path, _population = _population_file(tmp_path, persons=60)
    rows = _rows(path)
    kk = next(r["no_kk"] for r in rows if r["hubungan_keluarga"] == "pasangan")
    for row in rows:
        if row["no_kk"] == kk and row["hubungan_keluarga"] == "pasangan":
            row["hubungan_keluarga"] = "kepala"
    with pytest.raises(ImportFailed) as caught:
        _import(_write(tmp_path / "dua-kepala.csv", rows))
    assert "lebih dari satu kepala" in (caught.value.errors_csv or "")
    rows = _rows(path)
    member = next(r for r in rows if r["hubungan_keluarga"] == "anak")
    member["kode_desa"] = DESA_B if member["kode_desa"] == DESA_A else DESA_A
    with pytest.raises(ImportFailed) as caught:
        _import(_write(tmp_path / "dua-desa.csv", rows))
    assert "lebih dari satu desa" in (caught.value.errors_csv or "")
    assert Person.objects.count() == 0


def test_reimport_with_changes_updates_and_moves_keep_history(tmp_path: Path) -> None:
    path, _population = _population_file(tmp_path, persons=80)
    _import(path)
    rows = _rows(path)
    rows[0]["nama"] = "NAMA BARU SEKALI"
    rows[0]["desil"] = "2" if rows[0]["desil"] != "2" else "3"
    # The first child moves to the KK of another household as its child.
    mover = next(r for r in rows if r["hubungan_keluarga"] == "anak")
    target_kk = next(
        r["no_kk"]
        for r in rows
        if r["no_kk"] != mover["no_kk"] and r["kode_desa"] == mover["kode_desa"]
    )
    old_kk = mover["no_kk"]
    mover["no_kk"] = target_kk
    report = _import(_write(tmp_path / "berubah.csv", rows))
    assert report.persons_updated == 1
    assert report.households_updated == 1
    assert report.memberships_ended == 1 and report.memberships_started == 1
    assert Person.objects.get(nik=rows[0]["nik"]).name == "NAMA BARU SEKALI"
    person = Person.objects.get(nik=mover["nik"])
    history = list(
        person.memberships.order_by("start_date", "id").values_list(
            "household__kk_number", "end_date"
        )
    )
    assert history == [(old_kk, TODAY), (target_kk, None)]


def test_desa_outside_the_users_area_is_refused(tmp_path: Path, make_user: Any) -> None:
    path, _population = _population_file(tmp_path, persons=50)
    operator = make_user(Role.OPERATOR_DINAS, areas=[KEC_A])
    with pytest.raises(ImportFailed) as caught:
        _import(path, actor=operator)
    assert "di luar wilayah kerja" in (caught.value.errors_csv or "")
    assert Person.objects.count() == 0


def test_records_registered_outside_the_users_area_are_not_touched(
    tmp_path: Path, make_user: Any
) -> None:
    population = generate(persons=40, desa_codes=[DESA_B], seed=9, today=TODAY, duplicates=0)
    path = tmp_path / "gondang.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(population, handle)
    _import(path)  # the system loads kecamatan B
    rows = _rows(path)
    for row in rows:  # the same people and KK, now claimed for a desa of kecamatan A
        row["kode_desa"] = DESA_A
    operator = make_user(Role.OPERATOR_DINAS, areas=[KEC_A])
    with pytest.raises(ImportFailed) as caught:
        _import(_write(tmp_path / "pindah.csv", rows), actor=operator)
    errors = caught.value.errors_csv or ""
    assert f"terdaftar di desa {DESA_B}, di luar wilayah kerja Anda" in errors
    assert "Nomor KK ini terdaftar" in errors
    assert not Person.objects.filter(desa_id=DESA_A).exists()


def test_siksng_like_headers_are_recognised_and_xlsx_is_read(tmp_path: Path) -> None:
    path, population = _population_file(tmp_path, persons=30)
    rows = _rows(path)
    headers = ["NOKK", "KODE_DESA", "NIK", "NAMA", "TGL_LAHIR", "JK", "SHDK", "NAMA_IBU", "DESIL"]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for r in rows:
        sheet.append(
            [
                r["no_kk"],
                r["kode_desa"].replace(".", ""),  # 10 digits, as in SIKS-NG
                r["nik"],
                r["nama"],
                dt.datetime.fromisoformat(r["tanggal_lahir"]),  # a real date cell
                "LAKI-LAKI" if r["jenis_kelamin"] == "L" else "PEREMPUAN",
                {"kepala": "1", "pasangan": "2", "anak": "3"}.get(r["hubungan_keluarga"], "5"),
                r["nama_ibu_kandung"],
                r["desil"],
            ]
        )
    xlsx = tmp_path / "siksng.xlsx"
    workbook.save(xlsx)
    mapping = suggest_mapping(TableFile(xlsx).headers())
    assert mapping == {
        "no_kk": "NOKK",
        "kode_desa": "KODE_DESA",
        "nik": "NIK",
        "nama": "NAMA",
        "tanggal_lahir": "TGL_LAHIR",
        "jenis_kelamin": "JK",
        "hubungan_keluarga": "SHDK",
        "nama_ibu_kandung": "NAMA_IBU",
        "desil": "DESIL",
    }
    report = import_registry_file(path=xlsx, mapping=mapping, actor=None, today=TODAY)
    assert report.persons_created == len(population.persons)
    assert Household.objects.exclude(desil=None).count() == len(population.households)


def test_a_file_broken_midway_fails_cleanly(tmp_path: Path) -> None:
    path, _population = _population_file(tmp_path, persons=30)
    broken = tmp_path / "rusak.csv"
    # A cell larger than the csv module accepts (131,072 characters) in the last row.
    broken.write_bytes(path.read_bytes() + b'3516010101200001;"' + b"x" * 200_000 + b'"\n')
    with pytest.raises(ImportFailed, match="Berkas CSV rusak di baris"):
        _import(broken)
    assert Person.objects.count() == 0


def test_mapping_problems_are_named() -> None:
    headers = ["A", "B"]
    problems = check_mapping({"nik": "A", "nama": "A", "no_kk": "Z"}, headers)
    text = " ".join(problems)
    assert "kode_desa wajib dipilih" in text
    assert "Kolom Z tidak ada" in text
    assert "dipakai untuk nik dan nama" in text


def test_import_pages_flow_and_permissions(
    tmp_path: Path, make_user: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path, population = _population_file(tmp_path, persons=40)
    client = login(make_user(Role.OPERATOR_DINAS))
    page = client.get("/registri/impor/")
    assert page.status_code == 200 and "Impor daftar" in page.text
    refused = client.post(
        "/registri/impor/", {"file": SimpleUploadedFile("x.csv", b"%PDF-1.4\x00\x00")}
    )
    assert refused.status_code == 200 and "bukan CSV atau XLSX" in refused.text
    upload = SimpleUploadedFile("populasi.csv", path.read_bytes(), content_type="text/csv")
    response = client.post("/registri/impor/", {"file": upload})
    assert response.status_code == 302 and response["Location"].endswith("/registri/impor/kolom/")
    mapping_page = client.get("/registri/impor/kolom/")
    assert mapping_page.status_code == 200
    assert 'value="NIK"' not in mapping_page.text and "•" in mapping_page.text  # NIKs masked
    form = {f"map_{k}": k for k in FIELD_KEYS}
    form["map_nama"] = "nik"  # one header for two fields
    again = client.post("/registri/impor/kolom/", form)
    assert again.status_code == 200 and "sudah dipakai" in again.text
    form["map_nama"] = "nama"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/registri/impor/kolom/", form)
    assert started.status_code == 302
    job = Job.objects.get(kind="registry.import")
    assert job.status == JobStatus.DONE, job.message
    assert Person.objects.count() == len(population.persons)
    assert not any((tmp_path / "imports").iterdir())  # the uploaded list is not kept

    desa_operator = login(make_user(Role.OPERATOR_DESA, areas=[DESA_A]))
    assert desa_operator.get("/registri/impor/").status_code == 403


def test_command_imports_and_reports_errors(tmp_path: Path) -> None:
    path, population = _population_file(tmp_path, persons=30)
    out = io.StringIO()
    call_command("registry", "import", str(path), stdout=out)
    assert f"{len(population.persons)} penduduk baru" in out.getvalue()
    rows = _rows(path)
    rows[0]["nik"] = "abc"
    with pytest.raises(CommandError, match="1 kesalahan"):
        call_command("registry", "import", str(_write(tmp_path / "salah.csv", rows)))


def test_generator_out_writes_importer_layout_and_ground_truth(tmp_path: Path) -> None:
    population = generate(persons=2000, desa_codes=[DESA_A, DESA_B], seed=5, today=TODAY)
    truth = io.StringIO()
    write_truth(population, truth)
    lines = list(csv.DictReader(io.StringIO(truth.getvalue()), delimiter=";"))
    assert len(lines) == len(population.duplicates) == 10
    by_nik = {p.nik: p for p in population.persons}
    for line in lines:
        duplicate, original = by_nik[line["nik_duplikat"]], by_nik[line["nik_asli"]]
        assert duplicate.nik[:12] == original.nik[:12] and duplicate.nik != original.nik
        assert duplicate.desa_id == original.desa_id and duplicate.sex == original.sex
        assert line["perubahan"].startswith("nama:")
    # Programme participation at the scale of Tabel 2.4.3 (per 1.1 million: 30,000 PKH and
    # 69,000 Sembako families, 393,000 PBI-JK persons), within sampling noise.
    households, persons = len(population.households), len(population.persons)
    assert 0.04 < len(population.pkh) / households < 0.14
    assert 0.13 < len(population.sembako) / households < 0.27
    assert 0.27 < len(population.pbi_jk) / persons < 0.45
