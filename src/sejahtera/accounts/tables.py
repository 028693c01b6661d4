from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import User


class UserTable(tables.Table):
    username = tables.Column(
        verbose_name=_("Nama pengguna"), linkify=("accounts:user_detail", {"pk": tables.A("pk")})
    )
    full_name = tables.Column(verbose_name=_("Nama lengkap"))
    role = tables.Column(verbose_name=_("Peran"))
    unit = tables.Column(verbose_name=_("Unit kerja"))
    area_list = tables.Column(verbose_name=_("Wilayah kerja"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("Aktif"))
    last_login = tables.DateTimeColumn(verbose_name=_("Terakhir masuk"), format="d-m-Y H:i")

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "unit", "area_list", "is_active", "last_login"]
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_area_list(self, record: User) -> str:
        return ", ".join(f"{a.code} {a.name}" for a in record.areas.all())

    def value_area_list(self, record: User) -> Any:
        return self.render_area_list(record)
