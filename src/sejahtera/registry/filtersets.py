from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q
from sejahtera.common.names import name_key
from sejahtera.registry.choices import Sex
from sejahtera.registry.models import (
    Household,
    Person,
    PpksCategory,
    Proposal,
    ProposalKind,
    ProposalStatus,
)


def _in_area(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(area_q("desa__code", value))


class PersonFilterSet(django_filters.FilterSet):
    """The one filter definition of the persons list (page, API, export)."""

    q = django_filters.CharFilter(label=_("Nama atau NIK"), method="search")
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    sex = django_filters.ChoiceFilter(
        label=_("Jenis kelamin"), choices=Sex.choices, empty_label=_("Semua")
    )
    ppks = django_filters.ModelChoiceFilter(
        label=_("Kategori PPKS"),
        queryset=PpksCategory.objects.all(),
        method="in_category",
        empty_label=_("Semua kategori"),
    )
    no_nik = django_filters.BooleanFilter(label=_("Tanpa NIK"))

    class Meta:
        model = Person
        fields = ["q", "area", "sex", "ppks", "no_nik"]

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit() and len(value) == 16:
            return queryset.filter(nik=value)
        # Every word of the query, normalised like the stored key (M. = Muhammad, dj = j, ...).
        for word in name_key(value).split():
            queryset = queryset.filter(name_key__contains=word)
        return queryset

    def in_area(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return _in_area(queryset, value)

    def in_category(
        self, queryset: QuerySet[Person], name: str, value: PpksCategory | None
    ) -> QuerySet[Person]:
        if value is None:
            return queryset
        return queryset.filter(
            ppks_assessments__category=value, ppks_assessments__ended_on__isnull=True
        ).distinct()


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nomor KK atau alamat"), method="search")
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    in_dtks = django_filters.BooleanFilter(label=_("Terdaftar DTKS/DTSEN"))
    desil_max = django_filters.NumberFilter(
        label=_("Desil paling tinggi"), field_name="desil", lookup_expr="lte"
    )

    class Meta:
        model = Household
        fields = ["q", "area", "in_dtks", "desil_max"]

    def search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit() and len(value) == 16:
            return queryset.filter(kk_number=value)
        return queryset.filter(street__icontains=value)

    def in_area(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return _in_area(queryset, value)


class ProposalFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProposalStatus.choices, empty_label=_("Semua status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Jenis"), choices=ProposalKind.choices, empty_label=_("Semua jenis")
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")

    class Meta:
        model = Proposal
        fields = ["status", "kind", "area"]

    def in_area(self, queryset: QuerySet[Proposal], name: str, value: str) -> QuerySet[Proposal]:
        return _in_area(queryset, value)
