"""The one filter definition of the pair queue, shared by the page, the API and the .xlsx
export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q
from sejahtera.linkage.models import CandidatePair


class PairFilterSet(django_filters.FilterSet):
    min_probability = django_filters.NumberFilter(
        label=_("Peluang paling kecil (0–1)"),
        field_name="match_probability",
        lookup_expr="gte",
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    q = django_filters.CharFilter(label=_("Nama"), method="search")

    class Meta:
        model = CandidatePair
        fields = ["min_probability", "area", "q"]

    def in_area(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(area_q("desa_a", value) | area_q("desa_b", value))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person_a__name__icontains=value) | Q(person_b__name__icontains=value)
        )
