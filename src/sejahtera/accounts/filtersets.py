from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import User
from sejahtera.accounts.roles import Role
from sejahtera.accounts.scoping import area_q


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama, pengguna, NIP"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Peran"), choices=Role.choices, empty_label=_("Semua peran")
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    is_active = django_filters.BooleanFilter(label=_("Aktif"))

    class Meta:
        model = User
        fields = ["q", "role", "area", "is_active"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value) | Q(username__icontains=value) | Q(nip__startswith=value)
        )

    def in_area(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(area_q("areas__code", value)).distinct()
