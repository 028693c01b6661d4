from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from sejahtera.wilayah.models import Wilayah


class WilayahTable(tables.Table):
    code = tables.Column(
        verbose_name=_("Kode"), linkify=("wilayah:detail", {"code": tables.A("code")})
    )
    name = tables.Column(verbose_name=_("Nama"))
    kind = tables.Column(verbose_name=_("Tingkat"), accessor="kind_label", orderable=False)
    parent = tables.Column(verbose_name=_("Induk"), accessor="parent__name")
    n_children = tables.Column(verbose_name=_("Jumlah wilayah di bawahnya"), orderable=False)

    class Meta:
        model = Wilayah
        fields = ["code", "name", "kind", "parent", "n_children"]
        attrs = {"class": "table table-sm table-striped align-middle"}
