from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from sejahtera.accounts.models import ApiToken, Unit, User
from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope_q


def users_for(user: Any) -> QuerySet[User]:
    """Users who work in at least one area inside the viewer's areas."""
    if not can(user, Cap.VIEW_USERS):
        return User.objects.none()
    through = User.areas.through
    in_area = through.objects.filter(user_id=OuterRef("pk")).filter(scope_q(user, "wilayah__code"))
    return (
        User.objects.filter(Exists(in_area))
        .select_related("unit")
        .prefetch_related("areas")
        .order_by("username")
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def units() -> QuerySet[Unit]:
    return Unit.objects.all()
