from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from sejahtera.accounts import selectors
from sejahtera.accounts.filtersets import UserFilterSet
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import area_codes
from sejahtera.common.api import CapabilityRouter, api_auth, apply_filters, filter_schema, paginate

me_router: Router = CapabilityRouter(Cap.VIEW, tags=["akun"])
users_router: Router = CapabilityRouter(Cap.VIEW_USERS, tags=["akun"])

UserFilters = filter_schema(UserFilterSet)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit: str | None
    areas: list[str]
    capabilities: list[str]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    unit: str | None
    areas: list[str]
    is_active: bool

    @staticmethod
    def resolve_unit(obj: object) -> str | None:
        unit = getattr(obj, "unit", None)
        return unit.code if unit else None

    @staticmethod
    def resolve_areas(obj: object) -> list[str]:
        return [a.code for a in obj.areas.all()]  # type: ignore[attr-defined]


@me_router.get("/me", response=MeOut, summary="Pengguna yang sedang masuk")
def me(request: HttpRequest) -> dict[str, object]:
    from sejahtera.accounts.roles import ROLE_CAPS

    user = request.user
    return {
        "username": user.get_username(),
        "full_name": user.full_name,  # type: ignore[union-attr]
        "role": user.role,  # type: ignore[union-attr]
        "unit": user.unit.code if user.unit else None,  # type: ignore[union-attr]
        "areas": list(area_codes(user)),
        "capabilities": sorted(ROLE_CAPS.get(user.role, ())),  # type: ignore[union-attr]
    }


@users_router.get("/", response=list[UserOut], summary="Daftar pengguna dalam cakupan")
@paginate
def list_users(request: HttpRequest, filters: Query[UserFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(UserFilterSet, filters, selectors.users_for(request.user))


@users_router.get("/{user_id}", response=UserOut, summary="Satu pengguna")
def get_user(request: HttpRequest, user_id: int) -> object:
    return get_object_or_404(selectors.users_for(request.user), pk=user_id)


class UserIn(Schema):
    username: str
    full_name: str
    role: str
    password: str
    areas: list[str] = []
    unit: str | None = None
    email: str = ""
    nip: str = ""
    phone: str = ""


@users_router.post(
    "/", response={201: UserOut}, auth=api_auth(Cap.MANAGE_USERS), summary="Buat pengguna"
)
def create_user(request: HttpRequest, payload: UserIn) -> Status:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from sejahtera.accounts import services
    from sejahtera.accounts.models import Unit
    from sejahtera.wilayah.selectors import wilayah_for

    areas = list(wilayah_for(request.user).filter(code__in=payload.areas))
    missing = sorted(set(payload.areas) - {a.code for a in areas})
    if missing:
        raise ValidationError(
            {
                "areas": [
                    _("Kode wilayah tidak dikenal atau di luar cakupan Anda: %(codes)s")
                    % {"codes": ", ".join(missing)}
                ]
            }
        )
    unit = None
    if payload.unit:
        unit = Unit.objects.filter(code=payload.unit).first()
        if unit is None:
            raise ValidationError({"unit": [_("Unit kerja tidak dikenal.")]})
    user = services.create_user(
        actor=request.user,
        data=services.UserData(
            username=payload.username,
            full_name=payload.full_name,
            role=payload.role,
            areas=areas,
            unit=unit,
            email=payload.email,
            nip=payload.nip,
            phone=payload.phone,
        ),
        password=payload.password,
    )
    return Status(201, user)
