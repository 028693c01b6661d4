from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.accounts.models import ApiToken, Unit, User
from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import (
    UserData,
    create_user,
    issue_api_token,
    revoke_api_token,
    set_password,
    update_user,
)
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.wilayah.models import Wilayah
from tests.conftest import DESA_A, DESA_A2, DESA_B, KEC_A, MOJOKERTO

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Kata-Sandi-Baru-2025"


def areas(*codes: str) -> list[Wilayah]:
    return list(Wilayah.objects.filter(code__in=codes).order_by("code"))


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user(Role.ADMIN, [MOJOKERTO])  # type: ignore[no-any-return]


def test_create_user_is_audited_with_new_values(admin: User) -> None:
    user = create_user(
        actor=admin,
        data=UserData(
            username="ops1", full_name="Siti Aminah", role=Role.OPERATOR_DESA, areas=areas(DESA_A)
        ),
        password=GOOD_PASSWORD,
    )
    assert user.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(
        object_type="accounts.user", object_id=str(user.pk), action=Action.CREATE
    )
    assert event.actor == admin
    assert event.changes["full_name"] == [None, "Siti Aminah"]
    assert event.changes["areas"] == [None, [DESA_A]]
    assert "password" not in event.changes


def test_update_user_records_old_and_new_values(admin: User, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DESA, [DESA_A], full_name="Budi")
    update_user(
        actor=admin,
        user=user,
        data=UserData(
            username=user.username,
            full_name="Budi Santoso",
            role=Role.OPERATOR_DESA,
            areas=areas(DESA_A2),
        ),
    )
    event = AuditEvent.objects.get(
        object_type="accounts.user", object_id=str(user.pk), action=Action.UPDATE
    )
    assert event.changes == {"areas": [[DESA_A], [DESA_A2]], "full_name": ["Budi", "Budi Santoso"]}


def test_update_without_change_leaves_no_event(admin: User, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DESA, [DESA_A], full_name="Budi")
    update_user(
        actor=admin,
        user=user,
        data=UserData(
            username=user.username, full_name="Budi", role=Role.OPERATOR_DESA, areas=areas(DESA_A)
        ),
    )
    assert not AuditEvent.objects.filter(object_id=str(user.pk), action=Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("role", "codes", "message"),
    [
        (Role.OPERATOR_DESA, [DESA_A, DESA_B], "tepat satu"),
        (Role.OPERATOR_DESA, [KEC_A], "bukan desa"),
        (Role.TKSK, [DESA_A], "bukan kecamatan"),
        (Role.PENDAMPING, [], "Pilih wilayah"),
        (Role.KEPALA_BIDANG, [MOJOKERTO], "bidang"),
        ("raja", [MOJOKERTO], "Peran tidak dikenal"),
    ],
)
def test_role_area_rules(admin: User, role: str, codes: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        create_user(
            actor=admin,
            data=UserData(username="x1", full_name="X", role=role, areas=areas(*codes)),
            password=GOOD_PASSWORD,
        )
    assert not User.objects.filter(username="x1").exists()


def test_office_role_defaults_to_office_area(admin: User) -> None:
    user = create_user(
        actor=admin,
        data=UserData(username="kadis2", full_name="K", role=Role.KEPALA_DINAS, areas=[]),
        password=GOOD_PASSWORD,
    )
    assert list(user.areas.values_list("code", flat=True)) == [MOJOKERTO]


def test_kepala_bidang_with_bidang(admin: User) -> None:
    unit = Unit.objects.get(code="REHSOS")
    user = create_user(
        actor=admin,
        data=UserData(
            username="kabid2", full_name="K", role=Role.KEPALA_BIDANG, areas=[], unit=unit
        ),
        password=GOOD_PASSWORD,
    )
    assert user.unit == unit


def test_admin_cannot_assign_areas_outside_own(make_user: Any) -> None:
    kec_admin = make_user(Role.ADMIN, [KEC_A])
    with pytest.raises(ValidationError, match="di luar cakupan"):
        create_user(
            actor=kec_admin,
            data=UserData(
                username="y", full_name="Y", role=Role.OPERATOR_DESA, areas=areas(DESA_B)
            ),
            password=GOOD_PASSWORD,
        )


def test_weak_password_and_duplicate_username(admin: User, make_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        create_user(
            actor=admin,
            data=UserData(username="z", full_name="Z", role=Role.OPERATOR_DINAS, areas=[]),
            password="12345",
        )
    assert "password" in exc.value.message_dict
    existing = make_user(Role.OPERATOR_DINAS)
    with pytest.raises(ValidationError, match="sudah dipakai"):
        create_user(
            actor=admin,
            data=UserData(
                username=existing.username.upper(),
                full_name="Z",
                role=Role.OPERATOR_DINAS,
                areas=[],
            ),
            password=GOOD_PASSWORD,
        )


@pytest.mark.parametrize(
    "role", [Role.AUDITOR, Role.OPERATOR_DINAS, Role.KEPALA_DINAS, Role.OPERATOR_DESA]
)
def test_only_administrators_manage_users(make_user: Any, role: str) -> None:
    actor = make_user(role, [DESA_A] if role == Role.OPERATOR_DESA else [MOJOKERTO])
    with pytest.raises(PermissionDenied):
        create_user(
            actor=actor,
            data=UserData(username="w", full_name="W", role=Role.OPERATOR_DINAS, areas=[]),
            password=GOOD_PASSWORD,
        )
    assert not User.objects.filter(username="w").exists()


def test_admin_cannot_demote_self(admin: User) -> None:
    with pytest.raises(ValidationError, match="sendiri"):
        update_user(
            actor=admin,
            user=admin,
            data=UserData(
                username=admin.username,
                full_name="A",
                role=Role.OPERATOR_DINAS,
                areas=areas(MOJOKERTO),
            ),
        )


def test_set_password_audited_without_the_password(admin: User, make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    set_password(actor=admin, user=user, password=GOOD_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.filter(object_id=str(user.pk), action=Action.UPDATE).get()
    assert event.changes == {"password": ["***", "***"]}
    other = make_user(Role.OPERATOR_DINAS)
    with pytest.raises(PermissionDenied):
        set_password(actor=other, user=user, password=GOOD_PASSWORD)


def test_token_is_stored_hashed_and_revocable(make_user: Any) -> None:
    user = make_user(Role.OPERATOR_DINAS)
    token, plain = issue_api_token(actor=user, user=user, name="skrip")
    assert plain.startswith("sjt_")
    assert plain not in token.digest and token.prefix == plain[4:12]
    assert not ApiToken.objects.filter(digest=plain).exists()
    revoke_api_token(actor=user, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(ValidationError):
        issue_api_token(actor=user, user=user, name="   ")
