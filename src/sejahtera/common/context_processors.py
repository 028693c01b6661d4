from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def office(request: HttpRequest) -> dict[str, Any]:
    return {
        "OFFICE_NAME": settings.OFFICE_NAME,
        "OFFICE_WILAYAH_CODE": settings.OFFICE_WILAYAH_CODE,
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    from sejahtera.accounts.permissions import can
    from sejahtera.accounts.roles import Cap
    from sejahtera.reports.modules import modules_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_modules": modules_for(user),
        "nav_caps": {
            "view_users": can(user, Cap.VIEW_USERS),
            "view_audit": can(user, Cap.VIEW_AUDIT),
            "manage_users": can(user, Cap.MANAGE_USERS),
            "import": can(user, Cap.IMPORT),
            "manage_reference": can(user, Cap.MANAGE_REFERENCE),
        },
    }
