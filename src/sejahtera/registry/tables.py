from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from sejahtera.common.formatting import mask_nik
from sejahtera.registry.models import Household, Person, Proposal


class PersonTable(tables.Table):
    """NIKs are masked in every list and export; the full NIK is only on the (audited) record page."""

    nik = tables.Column(verbose_name=_("NIK"), orderable=False)
    name = tables.Column(
        verbose_name=_("Nama"), linkify=("registry:person_detail", {"pk": tables.A("pk")})
    )
    sex = tables.Column(verbose_name=_("L/P"))
    birth_date = tables.DateColumn(verbose_name=_("Tanggal lahir"), format="d-m-Y")
    desa = tables.Column(verbose_name=_("Desa/Kelurahan"), accessor="desa__name")
    kecamatan = tables.Column(
        verbose_name=_("Kecamatan"), accessor="desa__parent__name", orderable=False
    )

    class Meta:
        model = Person
        fields = ["nik", "name", "sex", "birth_date", "desa", "kecamatan"]
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_nik(self, record: Person) -> str:
        return mask_nik(record.nik) if record.nik else str(_("tanpa NIK"))

    def value_nik(self, record: Person) -> Any:
        return self.render_nik(record)


class HouseholdTable(tables.Table):
    kk_number = tables.Column(verbose_name=_("Nomor KK"), orderable=False)
    address = tables.Column(
        verbose_name=_("Alamat"),
        empty_values=(),
        orderable=False,
        linkify=("registry:household_detail", {"pk": tables.A("pk")}),
    )
    desa = tables.Column(verbose_name=_("Desa/Kelurahan"), accessor="desa__name")
    in_dtks = tables.BooleanColumn(verbose_name=_("DTKS/DTSEN"))
    desil = tables.Column(verbose_name=_("Desil"))

    class Meta:
        model = Household
        fields = ["kk_number", "address", "desa", "in_dtks", "desil"]
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_kk_number(self, record: Household) -> str:
        return mask_nik(record.kk_number) if record.kk_number else "-"

    def value_kk_number(self, record: Household) -> Any:
        return self.render_kk_number(record)

    def render_address(self, record: Household) -> str:
        parts = [record.street, f"RT {record.rt}/RW {record.rw}" if record.rt else "", record.dusun]
        return ", ".join(p for p in parts if p) or "-"

    def value_address(self, record: Household) -> Any:
        return self.render_address(record)


class ProposalTable(tables.Table):
    id = tables.Column(
        verbose_name=_("No."), linkify=("registry:proposal_detail", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    summary = tables.Column(verbose_name=_("Isi"), accessor="payload_summary", orderable=False)
    desa = tables.Column(verbose_name=_("Desa/Kelurahan"), accessor="desa__name")
    status = tables.Column(verbose_name=_("Status"))
    proposed_by = tables.Column(verbose_name=_("Pengusul"))
    proposed_at = tables.DateTimeColumn(verbose_name=_("Diajukan"), format="d-m-Y H:i")

    class Meta:
        model = Proposal
        fields = ["id", "kind", "summary", "desa", "status", "proposed_by", "proposed_at"]
        attrs = {"class": "table table-sm table-striped align-middle"}
