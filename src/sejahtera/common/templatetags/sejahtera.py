from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.http import QueryDict

from sejahtera.common import formatting

register = template.Library()


@register.filter
def rupiah(value: int | None) -> str:
    return formatting.rupiah(value)


@register.filter
def angka(value: int | Decimal | float | None, decimals: int = 0) -> str:
    return formatting.number(value, decimals)


@register.filter
def tanggal(value: dt.date | None) -> str:
    return formatting.tanggal(value)


@register.filter
def mask_nik(value: str | None) -> str:
    return formatting.mask_nik(value)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination and export)."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    for key, value in kwargs.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def bs(field: Any) -> str:
    """Render a bound form field's widget with the Bootstrap class its kind needs."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind == "checkbox":
        css = "form-check-input"
    elif kind == "select" or widget.__class__.__name__ in (
        "Select",
        "SelectMultiple",
        "NullBooleanSelect",
    ):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def menit(value: dt.timedelta | None) -> int:
    """Whole minutes of a duration (rounded up), e.g. a lockout's cool-off."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)
