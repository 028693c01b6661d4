"""The one filter definition of each services list, shared by its page, the API and the
.xlsx export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import Unit
from sejahtera.accounts.scoping import area_q
from sejahtera.registry.models import PpksCategory
from sejahtera.services.complaints import late_q
from sejahtera.services.models import (
    Case,
    CaseStatus,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Output,
    RequestStatus,
    Service,
    ServiceRequest,
)
from sejahtera.services.requests import overdue


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


class RequestFilterSet(django_filters.FilterSet):
    """The one filter definition of the requests list (page, API, export)."""

    q = django_filters.CharFilter(label=_("Kode atau nama pemohon"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, empty_label=_("Semua")
    )
    service = django_filters.ModelChoiceFilter(
        label=_("Layanan"), queryset=Service.objects.all(), empty_label=_("Semua layanan")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Saluran"), choices=Channel.choices, empty_label=_("Semua")
    )
    bidang = django_filters.ModelChoiceFilter(
        label=_("Bidang"),
        queryset=Unit.objects.all(),
        field_name="service__unit",
        empty_label=_("Semua bidang"),
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")
    lewat = django_filters.ChoiceFilter(
        label=_("Lewat batas waktu"),
        choices=[("1", _("Ya, belum selesai"))],
        empty_label=_("Semua"),
        method="only_late",
    )

    class Meta:
        model = ServiceRequest
        fields = ["q", "status", "service", "channel", "bidang", "area", "lewat"]

    def search(
        self, queryset: QuerySet[ServiceRequest], name: str, value: str
    ) -> QuerySet[ServiceRequest]:
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith("LYN-"):
            return queryset.filter(tracking_code=value.upper())
        return queryset.filter(applicant_name__icontains=value)

    def in_area(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(area_q("desa__code", value)) if value else queryset

    def only_late(
        self, queryset: QuerySet[ServiceRequest], name: str, value: str
    ) -> QuerySet[ServiceRequest]:
        return overdue(queryset) if value == "1" else queryset


class CaseFilterSet(django_filters.FilterSet):
    """The one filter definition of the cases list (page and export)."""

    q = django_filters.CharFilter(label=_("Nomor atau nama klien"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Tahap"), choices=CaseStatus.choices, empty_label=_("Semua")
    )
    layanan = django_filters.ModelChoiceFilter(
        label=_("Layanan"),
        field_name="service",
        queryset=Service.objects.filter(output=Output.CASE),
        empty_label=_("Semua layanan"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Kategori PPKS"),
        queryset=PpksCategory.objects.all(),
        empty_label=_("Semua kategori"),
    )
    area = django_filters.CharFilter(label=_("Kode wilayah"), method="in_area")

    class Meta:
        model = Case
        fields = ["q", "status", "layanan", "category", "area"]

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith("KSS-"):
            return queryset.filter(number=value.upper())
        return queryset.filter(subject_name__icontains=value)

    def in_area(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(area_q("desa__code", value)) if value else queryset
