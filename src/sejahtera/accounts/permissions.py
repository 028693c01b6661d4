"""Checks of what a user may do. Services call `require`; views use it through the mixins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sejahtera.accounts.roles import READ_ONLY_ROLES, Cap


def can(user: Any, cap: Cap) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.can(cap))


def require(user: Any, cap: Cap) -> None:
    """Raise PermissionDenied unless `user` holds `cap`. `None` is the system itself: a
    command run by whoever operates the server, which may do anything."""
    if user is None:
        return
    if not can(user, cap):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))


def is_read_only(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in READ_ONLY_ROLES)
