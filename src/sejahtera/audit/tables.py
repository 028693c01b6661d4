from __future__ import annotations

import json
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sejahtera.audit.models import AuditEvent


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("Waktu"), format="d-m-Y H:i:s")
    actor_username = tables.Column(verbose_name=_("Pelaku"))
    action = tables.Column(verbose_name=_("Tindakan"))
    object_type = tables.Column(verbose_name=_("Jenis objek"))
    object_repr = tables.Column(verbose_name=_("Objek"))
    changes = tables.Column(verbose_name=_("Perubahan (lama → baru)"), orderable=False)
    # The stated purpose of an export of personal data (common/exports.py).
    purpose = tables.Column(
        verbose_name=_("Keperluan"), accessor="extra__keperluan", orderable=False, default=""
    )
    wilayah_code = tables.Column(verbose_name=_("Wilayah"))
    ip = tables.Column(verbose_name=_("Alamat IP"))

    class Meta:
        model = AuditEvent
        fields = [
            "at",
            "actor_username",
            "action",
            "object_type",
            "object_repr",
            "changes",
            "purpose",
            "wilayah_code",
            "ip",
        ]
        attrs = {"class": "table table-sm table-striped align-middle small"}

    def render_changes(self, value: dict[str, Any]) -> SafeString:
        return format_html_join(
            "",
            "<div><code>{}</code>: {} → {}</div>",
            (
                (k, _short(v[0]), _short(v[1]))
                if isinstance(v, list) and len(v) == 2
                else (k, "", _short(v))
                for k, v in value.items()
            ),
        )

    def value_changes(self, value: dict[str, Any]) -> str:
        return json.dumps(value, ensure_ascii=False)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "…"
