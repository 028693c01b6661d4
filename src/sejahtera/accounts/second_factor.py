"""Second factor at sign-in: a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, with django-otp. Required for the roles in settings.OTP_REQUIRED_ROLES
(administrators by default); any other user may turn it on for their own account.

After the password, a user with a confirmed device is asked for a code; a user whose role
requires one and who has none is sent to set one up before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action


def required_for(user: Any) -> bool:
    return getattr(user, "role", "") in settings.OTP_REQUIRED_ROLES


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_setup(*, user: Any) -> TOTPDevice:
    """An unconfirmed device with a fresh secret (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)


def _check(device: TOTPDevice, token: str) -> None:
    token = token.strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        raise ValidationError({"token": _("Kode terdiri dari 6 angka.")})
    if not device.verify_token(token):
        raise ValidationError({"token": _("Kode salah atau sudah kedaluwarsa; coba kode terbaru.")})


@transaction.atomic
def confirm_setup(*, request: HttpRequest, token: str) -> TOTPDevice:
    device = (
        TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=False).first()
    )
    if device is None:
        raise ValidationError(_("Mulai lagi pemasangan verifikasi dua langkah."))
    _check(device, token)
    TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    user: Any = request.user
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=user,
        changes={"verifikasi_dua_langkah": [False, True]},
    )
    return device


def verify(*, request: HttpRequest, token: str) -> None:
    device = confirmed_device(request.user)
    if device is None:
        raise ValidationError(_("Verifikasi dua langkah belum dipasang."))
    try:
        _check(device, token)
    except ValidationError:
        user: Any = request.user
        audit.record(
            actor=user,
            action=Action.LOGIN_FAILED,
            obj=user,
            extra={"tahap": "kode verifikasi dua langkah"},
        )
        raise
    otp_login(request, device)


@transaction.atomic
def turn_off(*, user: Any) -> None:
    if required_for(user):
        raise ValidationError(_("Peran Anda wajib memakai verifikasi dua langkah."))
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=user,
        changes={"verifikasi_dua_langkah": [True, False]},
    )


class SecondFactorMiddleware:
    """Sends a signed-in user who still owes a second factor to give or set it up. Public
    pages, static files, signing out and the second-factor pages themselves stay open; API
    calls with a token are not session sign-ins and are not affected."""

    OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/jsi18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.OPEN_PREFIXES)
            and request.path
            not in (
                reverse("accounts:second_factor"),
                reverse("accounts:second_factor_setup"),
                reverse("accounts:logout"),
            )
            and not request.headers.get("Authorization", "").startswith("Bearer ")
        ):
            if confirmed_device(user) is not None:
                return redirect(
                    f"{reverse('accounts:second_factor')}?next={request.get_full_path()}"
                )
            if required_for(user):
                return redirect(reverse("accounts:second_factor_setup"))
        return self.get_response(request)
