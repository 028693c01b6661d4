from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from sejahtera.disasters.selectors import sees_warehouse as _sees_warehouse

register = template.Library()


@register.simple_tag
def sees_warehouse(user: Any) -> bool:
    return _sees_warehouse(user)


MEAL_BADGES = {
    "met": ("text-bg-success", _("3x makan tiap hari")),
    "partial": ("text-bg-warning", _("makan sebagian hari")),
    "none": ("text-bg-danger", _("belum tercatat makan")),
}


@register.inclusion_tag("disasters/_meal_badge.html")
def meal_badge(status: str) -> dict[str, Any]:
    css, label = MEAL_BADGES.get(status, ("", ""))
    return {"css": css, "label": str(label)}
