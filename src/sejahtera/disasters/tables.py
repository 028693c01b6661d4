from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from sejahtera.disasters.models import Event

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class EventTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Kejadian"), linkify=("disasters:event", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    phase = tables.Column(verbose_name=_("Fase"))
    started_on = tables.DateColumn(
        verbose_name=_("Mulai"), format="d-m-Y", attrs={"td": {"class": "text-nowrap"}}
    )
    ended_on = tables.DateColumn(
        verbose_name=_("Selesai"), format="d-m-Y", attrs={"td": {"class": "text-nowrap"}}
    )
    places = tables.Column(verbose_name=_("Desa/kelurahan"), empty_values=(), orderable=False)
    n_victims = tables.Column(verbose_name=_("Korban"), attrs=NUMBER)
    n_displaced = tables.Column(verbose_name=_("Mengungsi"), attrs=NUMBER)

    class Meta:
        model = Event
        fields = [
            "name",
            "kind",
            "phase",
            "started_on",
            "ended_on",
            "places",
            "n_victims",
            "n_displaced",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_places(self, record: Event) -> str:
        return ", ".join(
            f"{w.name} ({w.parent.name})" if w.parent else w.name for w in record.desa.all()
        )

    def value_places(self, record: Event) -> Any:
        return self.render_places(record)
