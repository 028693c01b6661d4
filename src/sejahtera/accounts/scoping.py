"""Area scoping: which wilayah a user may see.

A user is given a set of areas (any level). A record belongs to an area by a Kemendagri code
(usually its desa). The user sees a record when the record's code equals one of the user's
area codes or starts with it followed by a dot. Every selector that returns records of an area
filters with `scope_q`; nothing else decides visibility."""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

_CACHE_ATTR = "_sejahtera_area_codes"
M = TypeVar("M", bound=Any)


def area_codes(user: Any) -> tuple[str, ...]:
    """The codes of the user's areas, outermost first, without codes already covered by
    another of the user's areas. Empty for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    codes = sorted(user.areas.values_list("code", flat=True), key=lambda c: (len(c), c))
    kept: list[str] = []
    for code in codes:
        if not any(code == k or code.startswith(k + ".") for k in kept):
            kept.append(code)
    result = tuple(kept)
    setattr(user, _CACHE_ATTR, result)
    return result


def scope_cache_key(prefix: str, user: Any, *parts: object) -> str:
    """A cache key for a figure that depends only on what the user may see (role and areas)
    and on `parts`: users with the same role and areas share it."""
    scope = "|".join([*(str(p) for p in parts), str(getattr(user, "role", "")), *area_codes(user)])
    return f"{prefix}:{hashlib.sha256(scope.encode()).hexdigest()[:32]}"


def forget_area_codes(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def area_q(field: str, code: str) -> Q:
    """A Q that keeps the rows whose `field` (a wilayah code) is area `code` or inside it."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def scope_q(user: Any, field: str) -> Q:
    """A Q that keeps the rows whose `field` (a wilayah code) lies in the user's areas."""
    codes = area_codes(user)
    if not codes:
        return Q(pk__in=[])
    q = Q()
    for code in codes:
        q |= area_q(field, code)
    return q


def scope(queryset: QuerySet[M], user: Any, field: str) -> QuerySet[M]:
    return queryset.filter(scope_q(user, field))


def in_scope(user: Any, code: str | None) -> bool:
    if not code:
        return False
    return any(code == c or code.startswith(c + ".") for c in area_codes(user))
