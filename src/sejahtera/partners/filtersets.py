"""The one filter definition of the partners list, shared by its page, the API and the
.xlsx export."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import area_q, in_scope
from sejahtera.partners.models import LksType, Partner, PartnerKind
from sejahtera.partners.selectors import REMINDER_DAYS, expired_q, expiring_q
from sejahtera.wilayah.models import Level, Wilayah

EXPIRING = "1"
EXPIRED = "habis"


def area_choices(user: Any) -> list[tuple[str, str]]:
    """The kecamatan of the office the user may see (or the user's own areas when they are
    smaller), for the list's area filter."""
    kecamatan = Wilayah.objects.filter(
        level=Level.KECAMATAN, parent_id=settings.OFFICE_WILAYAH_CODE
    ).order_by("name")
    choices = [(w.code, w.display_name) for w in kecamatan if in_scope(user, w.code)]
    if not choices:
        choices = [(w.code, w.display_name) for w in user.areas.order_by("code")]
    return [("", str(_("Semua wilayah"))), *choices]


class PartnerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama atau nomor SK"), method="search")
    kind = django_filters.ModelChoiceFilter(
        label=_("Jenis"),
        queryset=PartnerKind.objects.all(),
        to_field_name="code",
        empty_label=_("Semua jenis"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("1", _("Aktif")), ("0", _("Tidak aktif"))],
        empty_label=_("Semua"),
        method="by_state",
    )
    area = django_filters.CharFilter(label=_("Wilayah (kode)"), method="in_area")
    lks_type = django_filters.ChoiceFilter(
        label=_("Jenis layanan LKS"), choices=LksType.choices, empty_label=_("Semua")
    )
    expiring = django_filters.ChoiceFilter(
        label=_("STP"),
        choices=[
            (EXPIRING, _("Akan habis (%(n)s hari) atau sudah habis") % {"n": REMINDER_DAYS}),
            (EXPIRED, _("Sudah habis")),
        ],
        empty_label=_("Semua"),
        method="by_expiry",
    )

    class Meta:
        model = Partner
        fields = ["q", "kind", "active", "area", "lks_type", "expiring"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # On the page the area is picked from the user's kecamatan (any code is
            # accepted, as in the API).
            self.form.fields["area"].widget = forms.Select(choices=area_choices(user))
            self.form.fields["area"].label = _("Wilayah")

    def search(self, queryset: QuerySet[Partner], name: str, value: str) -> QuerySet[Partner]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(decree_number__icontains=value))

    def by_state(self, queryset: QuerySet[Partner], name: str, value: str) -> QuerySet[Partner]:
        return queryset.filter(active=value == "1") if value in ("0", "1") else queryset

    def in_area(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(area_q("area__code", value)) if value else queryset

    def by_expiry(self, queryset: QuerySet[Partner], name: str, value: str) -> QuerySet[Partner]:
        """Needs the `stp_expires_on` annotation of `selectors.partners_for`."""
        if value == EXPIRING:
            return queryset.filter(expiring_q())
        if value == EXPIRED:
            return queryset.filter(expired_q())
        return queryset
