from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.wilayah.models import Level, Wilayah


class WilayahFilterSet(django_filters.FilterSet):
    """The one filter definition of the areas list: page, API and export use it."""

    q = django_filters.CharFilter(label=_("Cari nama atau kode"), method="search")
    level = django_filters.ChoiceFilter(
        label=_("Tingkat"), choices=Level.choices, empty_label=_("Semua tingkat")
    )
    parent = django_filters.CharFilter(label=_("Kode induk"), field_name="parent_id")

    class Meta:
        model = Wilayah
        fields = ["q", "level", "parent"]

    def search(self, queryset: QuerySet[Wilayah], name: str, value: str) -> QuerySet[Wilayah]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
