"""Pages of the second factor: give the code after the password, set it up (QR code for the
authenticator app), turn it off where the role allows."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts import second_factor
from sejahtera.accounts.views import add_service_errors


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Kode 6 angka dari aplikasi autentikator"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_next(request))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request)})


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    active = second_factor.confirmed_device(request.user)
    if request.method == "POST" and request.POST.get("action") == "off":
        try:
            second_factor.turn_off(user=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Verifikasi dua langkah dimatikan."))
        return redirect("accounts:second_factor_setup")
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.confirm_setup(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Verifikasi dua langkah aktif. Setiap masuk, Anda diminta kodenya.")
            )
            return redirect("home")
    device = None
    if active is None or request.GET.get("ulang") == "1":
        device = (
            request.user.totpdevice_set.filter(confirmed=False).first()  # type: ignore[union-attr]
            if request.method == "POST"
            else None
        ) or second_factor.start_setup(user=request.user)
    qr = None
    secret = ""
    if device is not None:
        qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
        import base64

        secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "active": active,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": second_factor.required_for(request.user),
        },
    )
