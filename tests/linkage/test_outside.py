"""Outside lists: upload, map, match, download; bad files refused whole."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.jobs.models import Job
from sejahtera.linkage.models import MatchStatus, OutsideList, OutsideRow
from tests.conftest import DESA_A, DESA_A2, DESA_B
from tests.linkage.conftest import store_model
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db

HEADER = "NAMA;NIK;TGL LAHIR;JK;KODE DESA;NAMA IBU\n"


def _csv(text: str, name: str = "pkh.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def registry(trained: dict[str, Any]) -> dict[str, Any]:
    store_model(trained)
    parman = PersonFactory(
        name="PARMAN", birth_date=dt.date(1985, 8, 12), sex="L", serial=72, mother_name="SUMINAH"
    )
    add_member(parman, HouseholdFactory())
    # Two persons who both fit "SITI ROMLAH, 1970-01-05" in desa A: the list cannot tell.
    twins = [
        PersonFactory(name="SITI ROMLAH", birth_date=dt.date(1970, 1, 5), sex="P", serial=s)
        for s in (11, 12)
    ]
    far = PersonFactory(
        name="JOKO", birth_date=dt.date(1960, 2, 2), sex="L", serial=5, desa_id=DESA_B
    )
    return {"parman": parman, "twins": twins, "far": far}


def _upload(client: Client, text: str, **mapping: str) -> Any:
    response = client.post("/data/daftar-luar/", {"file": _csv(text), "source": "PKH 2026"})
    assert response.status_code == 302, response.content.decode()[-1500:]
    page = client.get("/data/daftar-luar/kolom/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(mapping)
    return client.post("/data/daftar-luar/kolom/", data)


def test_a_list_is_matched_and_downloaded(
    client: Client,
    make_user: Any,
    registry: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A, DESA_A2]))
    text = HEADER + (
        f"Parman;3516011208850071;12-08-1985;L;{DESA_A};Suminah\n"
        f"Siti Romlah;;05/01/1970;P;{DESA_A};\n"
        f"Bambang Sutejo;3516010404900001;1990-04-04;L;{DESA_A2};\n"
        f"Joko;;1960-02-02;L;;\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, text)
    assert response.status_code == 302, response.content.decode()[-2000:]
    outside = OutsideList.objects.get()
    assert outside.rows == 4 and outside.source == "PKH 2026"
    assert outside.mapping["birth_date"] == "TGL LAHIR"
    rows = {r.line: r for r in OutsideRow.objects.filter(outside_list=outside)}
    assert rows[2].status == MatchStatus.MATCHED and rows[2].person == registry["parman"]
    assert "nama" in rows[2].reason
    assert rows[3].status == MatchStatus.AMBIGUOUS and "2 calon" in rows[3].reason
    assert rows[4].status == MatchStatus.UNMATCHED
    # Joko lives outside the uploader's areas: never a candidate
    assert rows[5].status == MatchStatus.UNMATCHED and rows[5].person is None
    outside.refresh_from_db()
    assert (outside.matched, outside.ambiguous, outside.unmatched) == (1, 1, 2)
    page = client.get(f"/data/daftar-luar/{outside.pk}/")
    assert page.status_code == 200 and "PARMAN" in page.content.decode()

    download = client.get(
        f"/data/daftar-luar/{outside.pk}/", {"format": "xlsx", "keperluan": "Cek daftar PKH"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = " ".join(str(v) for row in values for v in row)
    assert "Cocok" in flat and "Ragu" in flat and "Tidak ditemukan" in flat and "PARMAN" in flat
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="linkage.outsidelist")
    # another user does not see it
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    assert client.get(f"/data/daftar-luar/{outside.pk}/").status_code == 404


def test_a_list_with_bad_rows_is_refused_whole(
    client: Client, make_user: Any, registry: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    text = HEADER + (
        f"Parman;3516011208850071;12-08-1985;L;{DESA_A};\n"
        f"Siti;12345;31-02-1970;X;{DESA_A};\n"
        f";;;;99.99.99.9999;\n"
    )
    response = _upload(client, text)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Baris 3" in html and "NIK 12345 bukan 16 angka" in html
    assert "tanggal lahir 31-02-1970 tidak terbaca" in html and "Baris 4: nama kosong" in html
    assert "Kode desa 99.99.99.9999 tidak dikenal" in html
    assert not OutsideList.objects.exists() and not OutsideRow.objects.exists()
    assert not Job.objects.exists()


def test_a_desa_outside_the_area_is_refused(
    client: Client, make_user: Any, registry: dict[str, Any]
) -> None:
    client.force_login(make_user(Role.OPERATOR_DESA, [DESA_A]))
    response = _upload(client, HEADER + f"Joko;;1960-02-02;L;{DESA_B};\n")
    assert response.status_code == 200
    assert "di luar wilayah kerja Anda" in response.content.decode()
    assert not OutsideList.objects.exists()


def test_a_file_that_is_not_a_list_is_refused(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    garbage = SimpleUploadedFile(
        "daftar.xlsx", b"PK\x03\x04 not really a zip", content_type="application/octet-stream"
    )
    response = client.post("/data/daftar-luar/", {"file": garbage})
    assert response.status_code == 200
    assert "tidak dapat dibaca" in response.content.decode()
    binary = SimpleUploadedFile("x.csv", b"\x00\x01\x02", content_type="text/csv")
    response = client.post("/data/daftar-luar/", {"file": binary})
    assert "bukan CSV atau XLSX" in response.content.decode()
    assert not OutsideList.objects.exists()


def test_mapping_without_an_upload_sends_back(client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/data/daftar-luar/kolom/")
    assert response.status_code == 302 and response["Location"] == "/data/daftar-luar/"


def test_without_a_model_the_job_says_so(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(make_user(Role.OPERATOR_DINAS))
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, HEADER + f"Parman;;;L;{DESA_A};\n")
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "failed" and "Belum ada model" in job.message
