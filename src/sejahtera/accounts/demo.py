"""Demo accounts, one per role, on the office's real areas. Synthetic people only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from django.conf import settings

from sejahtera.accounts.models import Unit, User
from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import UserData, create_user
from sejahtera.wilayah.models import Level, Wilayah

DEMO_PASSWORD = "Demo-Sejahtera-2025"  # noqa: S105 - synthetic demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str | None = None
    area: str = "office"  # office | first_desa | first_kecamatan | two_desa | second_desa


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Admin Sistem (demo)", Role.ADMIN, "SEKRETARIAT"),
    DemoAccount("kadis", "Kepala Dinas (demo)", Role.KEPALA_DINAS),
    DemoAccount("kabid", "Kepala Bidang Linjamsos (demo)", Role.KEPALA_BIDANG, "LINJAMSOS"),
    DemoAccount("operator", "Operator Dinas (demo)", Role.OPERATOR_DINAS, "PFM"),
    DemoAccount("desa", "Operator Desa (demo)", Role.OPERATOR_DESA, area="first_desa"),
    DemoAccount(
        "desa2", "Operator Desa Lain (demo)", Role.OPERATOR_DESA, area="second_kecamatan_desa"
    ),
    DemoAccount("tksk", "TKSK Kecamatan (demo)", Role.TKSK, area="first_kecamatan"),
    DemoAccount("psm", "Pendamping/PSM (demo)", Role.PENDAMPING, area="two_desa"),
    DemoAccount("auditor", "Auditor (demo)", Role.AUDITOR),
]


def _areas(kind: str) -> list[Wilayah]:
    office = settings.OFFICE_WILAYAH_CODE
    kecamatan = list(
        Wilayah.objects.filter(level=Level.KECAMATAN, parent_id=office).order_by("code")[:2]
    )
    if kind == "office":
        return []
    if kind == "first_kecamatan":
        return kecamatan[:1]
    desa_first = list(Wilayah.objects.filter(parent=kecamatan[0]).order_by("code")[:2])
    if kind == "first_desa":
        return desa_first[:1]
    if kind == "two_desa":
        return desa_first[:2]
    return list(Wilayah.objects.filter(parent=kecamatan[1]).order_by("code")[:1])


def load(*, stdout: TextIO) -> None:
    created = 0
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        unit = Unit.objects.get(code=account.unit) if account.unit else None
        create_user(
            actor=None,
            data=UserData(
                username=account.username,
                full_name=account.full_name,
                role=account.role,
                areas=_areas(account.area),
                unit=unit,
            ),
            password=DEMO_PASSWORD,
        )
        created += 1
    stdout.write(f"Akun demo: {len(DEMO_ACCOUNTS)} ({created} baru)\n")


def describe() -> list[tuple[str, str, str]]:
    """(username, role, areas) of each demo account, for the demo's start-up message."""
    rows = []
    for user in User.objects.filter(
        username__in=[a.username for a in DEMO_ACCOUNTS]
    ).prefetch_related("areas"):
        areas = ", ".join(a.display_name for a in user.areas.all())
        rows.append((user.username, user.get_role_display(), areas))
    order = [a.username for a in DEMO_ACCOUNTS]
    return sorted(rows, key=lambda r: order.index(r[0]))
