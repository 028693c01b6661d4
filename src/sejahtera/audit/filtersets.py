from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q
from sejahtera.audit.models import Action, AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("Pelaku (nama pengguna)"), field_name="actor_username", lookup_expr="iexact"
    )
    action = django_filters.ChoiceFilter(
        label=_("Tindakan"), choices=Action.choices, empty_label=_("Semua tindakan")
    )
    object_type = django_filters.CharFilter(
        label=_("Jenis objek"), field_name="object_type", lookup_expr="startswith"
    )
    object_id = django_filters.CharFilter(label=_("ID objek"), field_name="object_id")
    q = django_filters.CharFilter(label=_("Cari objek"), method="search")
    since = django_filters.DateFilter(
        label=_("Dari tanggal"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label=_("Sampai tanggal"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    wilayah = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "q", "since", "until", "wilayah"]

    def search(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        return queryset.filter(object_repr__icontains=value) if value else queryset

    def in_area(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(area_q("wilayah_code", value))
