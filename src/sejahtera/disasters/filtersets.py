"""The one filter definition of each disasters list, shared by its page, the API and the
.xlsx export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q
from sejahtera.disasters.models import (
    Condition,
    Event,
    EventKind,
    MovementKind,
    Phase,
    Source,
    StockMovement,
    Victim,
)

YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]


class EventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama kejadian"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Jenis bencana"), choices=EventKind.choices, empty_label=_("Semua jenis")
    )
    phase = django_filters.ChoiceFilter(
        label=_("Fase"), choices=Phase.choices, empty_label=_("Semua fase")
    )
    year = django_filters.NumberFilter(label=_("Tahun"), method="in_year")
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")

    class Meta:
        model = Event
        fields = ["q", "kind", "phase", "year", "area"]

    def search(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def in_year(self, queryset: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        """Events under way at some time in the year."""
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(started_on__year__lte=year).filter(
            Q(ended_on__isnull=True) | Q(ended_on__year__gte=year)
        )

    def in_area(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        value = value.strip()
        if not value:
            return queryset
        inside = Event.desa.through.objects.filter(event_id=OuterRef("pk")).filter(
            area_q("wilayah__code", value)
        )
        return queryset.filter(Exists(inside))


class VictimFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama atau NIK"), method="search")
    shelter = django_filters.NumberFilter(label=_("Tempat pengungsian"), field_name="shelter_id")
    condition = django_filters.ChoiceFilter(
        label=_("Kondisi"), choices=Condition.choices, empty_label=_("Semua kondisi")
    )
    displaced = django_filters.ChoiceFilter(
        label=_("Mengungsi"), choices=YES_NO, empty_label=_("Semua"), method="is_displaced"
    )
    provisional = django_filters.ChoiceFilter(
        label=_("Registri"),
        choices=[("1", _("Belum ditemukan")), ("0", _("Tertaut"))],
        empty_label=_("Semua"),
        method="is_provisional",
    )

    class Meta:
        model = Victim
        fields = ["q", "shelter", "condition", "displaced", "provisional"]

    def search(self, queryset: QuerySet[Victim], name: str, value: str) -> QuerySet[Victim]:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(nik=value)
        for word in value.split():
            queryset = queryset.filter(name__icontains=word)
        return queryset

    def is_displaced(self, queryset: QuerySet[Victim], name: str, value: str) -> QuerySet[Victim]:
        return queryset.filter(displaced=value == "1") if value in ("0", "1") else queryset

    def is_provisional(self, queryset: QuerySet[Victim], name: str, value: str) -> QuerySet[Victim]:
        return queryset.filter(person__isnull=value == "1") if value in ("0", "1") else queryset


class MovementFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Jenis"), choices=MovementKind.choices, empty_label=_("Masuk dan keluar")
    )
    source = django_filters.ChoiceFilter(
        label=_("Sumber"), choices=Source.choices, empty_label=_("Semua sumber")
    )
    year = django_filters.NumberFilter(label=_("Tahun"), field_name="date", lookup_expr="year")

    class Meta:
        model = StockMovement
        fields = ["kind", "source", "year"]
