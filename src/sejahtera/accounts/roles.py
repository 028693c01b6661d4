"""Roles, what each may do, and which areas each may be bound to.

Capabilities are checked in services (the authority) and in views (to hide what a user may not
use). The public has no account and no role."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from sejahtera.wilayah.models import Level


class Role(models.TextChoices):
    ADMIN = "administrator", _("Administrator")
    KEPALA_DINAS = "kepala_dinas", _("Kepala Dinas")
    KEPALA_BIDANG = "kepala_bidang", _("Kepala Bidang")
    OPERATOR_DINAS = "operator_dinas", _("Operator Dinas")
    OPERATOR_DESA = "operator_desa", _("Operator Desa/Kelurahan")
    TKSK = "tksk", _("TKSK (Tenaga Kesejahteraan Sosial Kecamatan)")
    PENDAMPING = "pendamping", _("Pendamping/PSM")
    AUDITOR = "auditor", _("Auditor")


class Cap(StrEnum):
    """A capability: something a role may do."""

    VIEW = "view"  # read records within the user's areas
    WRITE = "write"  # create or change records within the user's areas
    EXPORT = "export"  # download lists
    MANAGE_USERS = "manage_users"
    VIEW_USERS = "view_users"
    VIEW_AUDIT = "view_audit"
    MANAGE_REFERENCE = "manage_reference"  # reload wilayah and reference data
    USE_API = "use_api"
    PROPOSE = "propose"  # propose registry changes and record village deliberations
    VERIFY = "verify"  # verify proposals in the field
    APPROVE = "approve"  # approve or reject proposals for the office
    IMPORT = "import"  # bulk-import household/person lists (DTKS/DTSEN exports) in the user's areas
    PLAN_VIEW = "plan_view"  # read the Renstra, its realisation and evaluations (office staff)
    PLAN_REPORT = "plan_report"  # enter quarterly realisation for the user's unit
    PLAN_APPROVE = "plan_approve"  # approve (lock) and reopen realisation of the user's unit
    PLAN_MANAGE = "plan_manage"  # load the plan, set how indicators are computed, edit the Renja
    MANAGE_PROGRAMS = "manage_programs"  # edit programmes' eligibility rules
    PREPARE_CYCLE = "prepare_cycle"  # prepare and verify a programme cycle's list


_ALL_READ = {Cap.VIEW, Cap.EXPORT, Cap.USE_API}

ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.ADMIN: frozenset(
        _ALL_READ
        | {
            Cap.WRITE,
            Cap.MANAGE_USERS,
            Cap.VIEW_USERS,
            Cap.VIEW_AUDIT,
            Cap.MANAGE_REFERENCE,
            Cap.IMPORT,
            Cap.PLAN_VIEW,
            Cap.PLAN_MANAGE,
            Cap.MANAGE_PROGRAMS,
        }
    ),
    Role.KEPALA_DINAS: frozenset(
        _ALL_READ
        | {
            Cap.WRITE,
            Cap.VIEW_USERS,
            Cap.VIEW_AUDIT,
            Cap.APPROVE,
            Cap.PLAN_VIEW,
            Cap.PLAN_APPROVE,
            Cap.PLAN_MANAGE,
        }
    ),
    Role.KEPALA_BIDANG: frozenset(
        _ALL_READ
        | {
            Cap.WRITE,
            Cap.APPROVE,
            Cap.PLAN_VIEW,
            Cap.PLAN_REPORT,
            Cap.PLAN_APPROVE,
            Cap.PREPARE_CYCLE,
        }
    ),
    Role.OPERATOR_DINAS: frozenset(
        _ALL_READ
        | {
            Cap.WRITE,
            Cap.PROPOSE,
            Cap.APPROVE,
            Cap.IMPORT,
            Cap.PLAN_VIEW,
            Cap.PLAN_REPORT,
            Cap.PREPARE_CYCLE,
        }
    ),
    Role.OPERATOR_DESA: frozenset(_ALL_READ | {Cap.WRITE, Cap.PROPOSE}),
    Role.TKSK: frozenset(_ALL_READ | {Cap.WRITE, Cap.VERIFY}),
    Role.PENDAMPING: frozenset(_ALL_READ | {Cap.WRITE, Cap.VERIFY}),
    Role.AUDITOR: frozenset(_ALL_READ | {Cap.VIEW_USERS, Cap.VIEW_AUDIT, Cap.PLAN_VIEW}),
}

READ_ONLY_ROLES = frozenset({Role.AUDITOR})

# Roles that work for the whole office: by default they see the office's kabupaten.
OFFICE_ROLES = frozenset(
    {Role.ADMIN, Role.KEPALA_DINAS, Role.KEPALA_BIDANG, Role.OPERATOR_DINAS, Role.AUDITOR}
)


class AreaRule:
    """How many areas of which level a role is bound to."""

    def __init__(self, level: Level | None, exactly_one: bool) -> None:
        self.level = level
        self.exactly_one = exactly_one


AREA_RULES: dict[str, AreaRule] = {
    Role.OPERATOR_DESA: AreaRule(Level.DESA, exactly_one=True),
    Role.TKSK: AreaRule(Level.KECAMATAN, exactly_one=True),
    Role.PENDAMPING: AreaRule(Level.DESA, exactly_one=False),
}
