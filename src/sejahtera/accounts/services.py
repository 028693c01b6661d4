"""Every write to users, their roles, areas and tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.models import ApiToken, Unit, User
from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import AREA_RULES, Cap, Role
from sejahtera.accounts.scoping import forget_area_codes, in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.wilayah.models import Wilayah

USER_FIELDS = [
    "username",
    "full_name",
    "email",
    "nip",
    "phone",
    "role",
    "unit",
    "is_active",
    "areas",
]


@dataclass(frozen=True)
class UserData:
    username: str
    full_name: str
    role: str
    areas: Sequence[Wilayah]
    email: str = ""
    nip: str = ""
    phone: str = ""
    unit: Unit | None = None


def _check_user_data(*, actor: Any, data: UserData) -> list[Wilayah]:
    """Validate the role/unit/area combination; return the areas to store."""
    errors: dict[str, list[str]] = {}
    if data.role not in Role.values:
        errors.setdefault("role", []).append(_("Peran tidak dikenal."))
    areas = list(data.areas)
    if data.role == Role.KEPALA_BIDANG and (
        data.unit is None or data.unit.kind != Unit.Kind.BIDANG
    ):
        errors.setdefault("unit", []).append(_("Kepala bidang harus terikat pada satu bidang."))
    if not areas:
        office = Wilayah.objects.filter(code=settings.OFFICE_WILAYAH_CODE).first()
        if data.role in AREA_RULES or office is None:
            errors.setdefault("areas", []).append(_("Pilih wilayah kerja pengguna."))
        else:
            areas = [office]
    rule = AREA_RULES.get(data.role)
    if rule and areas:
        if rule.exactly_one and len(areas) != 1:
            errors.setdefault("areas", []).append(
                _("Peran ini terikat pada tepat satu %(level)s.")
                % {"level": rule.level.label.lower()}  # type: ignore[union-attr]
            )
        wrong = [a for a in areas if rule.level is not None and a.level != rule.level]
        if wrong:
            errors.setdefault("areas", []).append(
                _("Wilayah %(areas)s bukan %(level)s.")
                % {"areas": ", ".join(a.name for a in wrong), "level": rule.level.label.lower()}  # type: ignore[union-attr]
            )
    outside = [a for a in areas if actor is not None and not in_scope(actor, a.code)]
    if outside:
        errors.setdefault("areas", []).append(
            _("Wilayah di luar cakupan Anda: %(areas)s.")
            % {"areas": ", ".join(f"{a.code} {a.name}" for a in outside)}
        )
    if errors:
        raise ValidationError(errors)
    return areas


@transaction.atomic
def create_user(*, actor: Any, data: UserData, password: str) -> User:
    require(actor, Cap.MANAGE_USERS)
    areas = _check_user_data(actor=actor, data=data)
    if User.objects.filter(username__iexact=data.username).exists():
        raise ValidationError({"username": [_("Nama pengguna ini sudah dipakai.")]})
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        nip=data.nip,
        phone=data.phone,
        role=data.role,
        unit=data.unit,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    user.areas.set(areas)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=user,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def update_user(*, actor: Any, user: User, data: UserData, is_active: bool = True) -> User:
    require(actor, Cap.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and not all(
        in_scope(actor, code) for code in user.areas.values_list("code", flat=True)
    ):
        raise ValidationError(_("Pengguna ini bekerja di luar cakupan wilayah Anda."))
    areas = _check_user_data(actor=actor, data=data)
    if User.objects.filter(username__iexact=data.username).exclude(pk=user.pk).exists():
        raise ValidationError({"username": [_("Nama pengguna ini sudah dipakai.")]})
    if actor is not None and user.pk == actor.pk and (not is_active or data.role != user.role):
        raise ValidationError(
            _("Anda tidak dapat menonaktifkan atau mengganti peran akun Anda sendiri.")
        )
    before = audit.snapshot(user, USER_FIELDS)
    for name in ("username", "full_name", "email", "nip", "phone", "role", "unit"):
        setattr(user, name, getattr(data, name))
    user.is_active = is_active
    user.save()
    user.areas.set(areas)
    forget_area_codes(user)
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if changes:
        audit.record(actor=actor, action=Action.UPDATE, obj=user, changes=changes)
    return user


@transaction.atomic
def set_password(*, actor: Any, user: User, password: str) -> None:
    """An administrator sets another user's password, or a user changes their own."""
    if actor is None or actor.pk != user.pk:
        require(actor, Cap.MANAGE_USERS)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=Action.UPDATE, obj=user, changes={"password": ["***", "***"]})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the plain token is returned once and never stored."""
    if actor is None or actor.pk != user.pk:
        require(actor, Cap.MANAGE_USERS)
    require(user, Cap.USE_API)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Beri nama token, misalnya nama aplikasinya.")]})
    plain = "sjt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=plain[4:12], digest=_hash_token(plain)
    )
    audit.record(actor=actor, action=Action.CREATE, obj=token, extra={"user": user.username})
    return token, plain


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    if actor is None or actor.pk != token.user_id:
        require(actor, Cap.MANAGE_USERS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )


@transaction.atomic
def load_units(*, rows: list[dict[str, str]]) -> int:
    """Upsert the office's organisational units from the reference file; returns how many
    changed."""
    changed = 0
    for row in rows:
        values = {"name": row["name"], "kind": row["kind"], "seed_line": int(row["seed_line"])}
        unit, created = Unit.objects.get_or_create(code=row["code"], defaults=values)
        if created:
            changed += 1
            audit.record(actor=None, action=Action.CREATE, obj=unit)
            continue
        before = audit.snapshot(unit)
        for key, value in values.items():
            setattr(unit, key, value)
        changes = audit.diff(before, audit.snapshot(unit))
        if changes:
            unit.save()
            changed += 1
            audit.record(actor=None, action=Action.UPDATE, obj=unit, changes=changes)
    return changed
