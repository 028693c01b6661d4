from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import Unit, User
from sejahtera.accounts.roles import Role
from sejahtera.accounts.services import UserData
from sejahtera.wilayah.models import Level, Wilayah
from sejahtera.wilayah.selectors import wilayah_for


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa kembali; huruf besar dan kecil dibedakan."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the length only on the widget; a longer name is refused here, before it
        # reaches authentication and the lockout records (which keep 255 characters).
        self.fields["username"].validators.append(
            MaxLengthValidator(getattr(self.fields["username"], "max_length", None) or 150)
        )


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Wilayah) -> str:
        if obj.level == Level.DESA and obj.parent is not None:
            return f"{obj.code} {obj.display_name} (Kec. {obj.parent.name})"
        return f"{obj.code} {obj.display_name}"


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Nama pengguna"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={
            "invalid": _("Nama pengguna hanya boleh berisi huruf, angka, dan . @ + - _")
        },
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=_("Surel"), required=False)
    nip = forms.RegexField(
        label=_("NIP"),
        regex=r"^\d{18}$",
        required=False,
        error_messages={"invalid": _("NIP terdiri atas 18 angka.")},
    )
    phone = forms.RegexField(
        label=_("Telepon"),
        regex=r"^\+?[\d -]{6,20}$",
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
    )
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit kerja"),
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("Wajib untuk kepala bidang."),
    )
    areas = AreaChoiceField(
        label=_("Wilayah kerja"),
        queryset=Wilayah.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "data-filterable": ""}),
        help_text=_(
            "Ketik di kotak cari untuk menyaring; tahan Ctrl untuk memilih lebih dari satu. "
            "Operator desa: satu desa/kelurahan. TKSK: satu kecamatan. Pendamping/PSM: satu atau "
            "beberapa desa. Peran tingkat dinas: kosongkan untuk seluruh kabupaten."
        ),
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = (  # type: ignore[attr-defined]
            wilayah_for(actor).filter(level__gte=Level.KABUPATEN).order_by("code")
        )

    def to_data(self) -> UserData:
        c = self.cleaned_data
        return UserData(
            username=c["username"],
            full_name=c["full_name"],
            role=c["role"],
            areas=list(c["areas"]),
            email=c["email"],
            nip=c["nip"],
            phone=c["phone"],
            unit=c["unit"],
        )

    @staticmethod
    def initial_for(user: User) -> dict[str, Any]:
        return {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "nip": user.nip,
            "phone": user.phone,
            "role": user.role,
            "unit": user.unit,
            "areas": list(user.areas.all()),
            "is_active": user.is_active,
        }


class NewUserForm(UserForm):
    password1 = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return cleaned


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Kata sandi baru"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Ulangi kata sandi baru"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return cleaned


class OwnPasswordForm(PasswordChangeForm):
    """Checks the old password; the new one is set through the service."""

    def save(self, commit: bool = True) -> Any:  # pragma: no cover - never used
        raise NotImplementedError("use services.set_password")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nama token"), max_length=100)
