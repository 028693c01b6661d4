"""The one filter definition of each services list, shared by its page, the API and the
.xlsx export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.scoping import area_q
from sejahtera.services.complaints import late_q
from sejahtera.services.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
)


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Kode atau isi"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ComplaintStatus.choices, empty_label=_("Semua")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Kategori"),
        queryset=ComplaintCategory.objects.all(),
        empty_label=_("Semua kategori"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("Saluran"), choices=ComplaintChannel.choices, empty_label=_("Semua")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Bidang"), queryset=Unit.objects.all(), empty_label=_("Semua bidang")
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    late = django_filters.ChoiceFilter(
        label=_("Lewat batas tanggapan"),
        choices=[("1", _("Ya, belum dijawab"))],
        empty_label=_("Semua"),
        method="only_late",
    )

    class Meta:
        model = Complaint
        fields = ["q", "status", "category", "channel", "unit", "area", "late"]

    def search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith("ADU-"):
            return queryset.filter(tracking_code=value.upper())
        return queryset.filter(description__icontains=value)

    def in_area(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(area_q("desa__code", value)) if value else queryset

    def only_late(
        self, queryset: QuerySet[Complaint], name: str, value: str
    ) -> QuerySet[Complaint]:
        return queryset.filter(late_q()) if value == "1" else queryset
