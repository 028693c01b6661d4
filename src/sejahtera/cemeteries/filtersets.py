"""The one filter definition of each list of the cemeteries app, shared by its page, the API
and the .xlsx export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q
from sejahtera.cemeteries.models import Cemetery, Grave, GraveCategory, Veteran, VeteranCategory
from sejahtera.cemeteries.selectors import with_status
from sejahtera.wilayah.models import Level, Wilayah

MIN_YEAR = 2000


def kecamatan_queryset() -> QuerySet[Wilayah]:
    return Wilayah.objects.filter(
        level=Level.KECAMATAN, parent_id=settings.OFFICE_WILAYAH_CODE
    ).order_by("name")


def parse_year(value: Any, today: dt.date | None = None) -> int:
    """A year from a query parameter; the current year when missing or implausible."""
    today = today or timezone.localdate()
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return today.year
    return year if MIN_YEAR <= year <= today.year + 1 else today.year


class KecamatanChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, field: str, **kwargs: Any) -> None:
        self.area_field = field
        super().__init__(
            label=_("Kecamatan"),
            queryset=kecamatan_queryset(),
            empty_label=_("Semua kecamatan"),
            method=self.in_area,
            **kwargs,
        )

    def in_area(self, queryset: QuerySet[Any], name: str, value: Wilayah | None) -> QuerySet[Any]:
        return queryset.filter(area_q(self.area_field, value.code)) if value else queryset


class CemeteryFilterSet(django_filters.FilterSet):
    """Cemeteries with their figures for the chosen year (`tahun`, default this year);
    `terkelola` keeps those kept up (or not) in that year."""

    q = django_filters.CharFilter(label=_("Nama atau alamat"), method="search")
    kecamatan = KecamatanChoiceFilter("desa__code")
    tahun = django_filters.NumberFilter(label=_("Tahun"), method="keep")
    terkelola = django_filters.ChoiceFilter(
        label=_("Terkelola pada tahun itu"),
        choices=[("1", _("Ya")), ("0", _("Belum"))],
        empty_label=_("Semua"),
        method="kept_up",
    )

    class Meta:
        model = Cemetery
        fields = ["q", "kecamatan", "tahun", "terkelola"]

    @property
    def year(self) -> int:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return parse_year(data.get("tahun"))

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(with_status(queryset, year=self.year))

    def keep(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # the year is applied in filter_queryset

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def kept_up(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value in ("0", "1"):
            return queryset.filter(kept_up=value == "1")
        return queryset


class GraveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama, blok/nomor, pangkat, kesatuan"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("Kategori"), choices=GraveCategory.choices, empty_label=_("Semua kategori")
    )

    class Meta:
        model = Grave
        fields = ["q", "category"]

    def search(self, queryset: QuerySet[Grave], name: str, value: str) -> QuerySet[Grave]:
        value = value.strip()
        if not value:
            return queryset
        q = (
            Q(name__icontains=value)
            | Q(rank__icontains=value)
            | Q(corps__icontains=value)
            | Q(number__iexact=value.replace(" ", ""))
        )
        if "-" in value:
            block, number = value.upper().replace(" ", "").split("-", 1)
            q |= Q(block=block, number=number)
        return queryset.filter(q)


class VeteranFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama, nomor SK/NPV, atau NIK"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("Kategori"), choices=VeteranCategory.choices, empty_label=_("Semua kategori")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("hidup", _("Masih hidup")), ("meninggal", _("Meninggal"))],
        empty_label=_("Semua"),
        method="alive",
    )
    kecamatan = KecamatanChoiceFilter("desa__code")

    class Meta:
        model = Veteran
        fields = ["q", "category", "status", "kecamatan"]

    def search(self, queryset: QuerySet[Veteran], name: str, value: str) -> QuerySet[Veteran]:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit() and len(value) == 16:
            return queryset.filter(nik=value)  # a whole NIK only, never a part of one
        return queryset.filter(Q(name__icontains=value) | Q(decree_number__icontains=value))

    def alive(self, queryset: QuerySet[Veteran], name: str, value: str) -> QuerySet[Veteran]:
        if value == "hidup":
            return queryset.filter(is_deceased=False)
        if value == "meninggal":
            return queryset.filter(is_deceased=True)
        return queryset
