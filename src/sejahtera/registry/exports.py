"""Approved proposals in the national upload layout, named after the columns of SIKS-NG's
DTKS export, one row per person the proposals added, changed or removed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from sejahtera.common.exports import safe_cell
from sejahtera.registry.models import Membership, Person, Proposal, ProposalStatus

SIKSNG_COLUMNS = [
    "iddtks",
    "kode_provinsi",
    "provinsi",
    "kode_kabupaten",
    "kabupaten",
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "no_kk",
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "hubungan_keluarga",
    "status_kawin",
    "pekerjaan",
    "jenis_usulan",
    "no_usulan",
    "tanggal_disetujui",
    "keterangan",
]


def _person_ids(proposal: Proposal) -> list[int]:
    ids = list((proposal.result or {}).get("persons") or [])
    if proposal.person_id:
        ids.append(proposal.person_id)
    return ids


def siksng_rows(proposals: QuerySet[Proposal]) -> tuple[list[str], list[list[Any]]]:
    approved = list(proposals.filter(status=ProposalStatus.APPROVED).order_by("decided_at", "pk"))
    wanted = {pid: p for p in approved for pid in _person_ids(p)}
    persons = (
        Person.objects.filter(pk__in=wanted)
        .select_related(
            "desa", "desa__parent", "desa__parent__parent", "desa__parent__parent__parent"
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("household").order_by("-start_date"),
                to_attr="membership_list",
            )
        )
    )
    rows = []
    for person in sorted(persons, key=lambda p: (wanted[p.pk].decided_at, p.pk)):
        proposal = wanted[person.pk]
        membership = person.membership_list[0] if person.membership_list else None
        household = membership.household if membership else None
        desa = person.desa
        kec = desa.parent
        kab = kec.parent if kec else None
        prov = kab.parent if kab else None
        rows.append(
            [
                "",
                prov.code if prov else "",
                prov.name if prov else "",
                kab.code if kab else "",
                kab.name if kab else "",
                kec.code if kec else "",
                kec.name if kec else "",
                desa.code,
                desa.name,
                household.street if household else "",
                household.dusun if household else "",
                household.rt if household else "",
                household.rw if household else "",
                household.kk_number if household else "",
                person.nik or "",
                person.name,
                person.birth_place,
                person.birth_date.isoformat() if person.birth_date else "",
                person.sex,
                person.mother_name,
                membership.get_relation_display() if membership else "",
                person.get_marital_status_display(),
                person.occupation,
                proposal.get_kind_display(),
                proposal.pk,
                proposal.decided_at.date().isoformat() if proposal.decided_at else "",
                (membership.end_reason if membership and membership.end_date else "")
                or ("meninggal" if person.is_deceased else ""),
            ]
        )
    return SIKSNG_COLUMNS, rows


def to_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
