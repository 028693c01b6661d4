"""Who may review duplicates: office staff who may change records (the roles with
Cap.APPROVE, or Cap.WRITE in an office role). Everyone with Cap.VIEW sees the pairs of their
own area, read-only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import OFFICE_ROLES, Cap


def can_review(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return can(user, Cap.APPROVE) or (can(user, Cap.WRITE) and user.role in OFFICE_ROLES)


def require_reviewer(actor: Any) -> None:
    """`None` is the system (a command run by the server's operator)."""
    if actor is not None and not can_review(actor):
        raise PermissionDenied(_("Hanya petugas Dinas yang dapat memutuskan data ganda."))
