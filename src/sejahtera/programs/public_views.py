"""The public check page (no login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sejahtera.programs import public
from sejahtera.wilayah.models import Level, Wilayah


def _desa_choices() -> list[tuple[str, str]]:
    rows = (
        Wilayah.objects.filter(
            level=Level.DESA, code__startswith=settings.OFFICE_WILAYAH_CODE + "."
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    return [("", "—")] + [(w.code, f"{w.parent.name if w.parent else ''} · {w.name}") for w in rows]


class CheckForm(forms.Form):
    desa = forms.ChoiceField(label=_("Kecamatan · desa/kelurahan"), choices=())
    name = forms.CharField(label=_("Nama sesuai KTP"), min_length=3, max_length=100)
    nik = forms.CharField(
        label=_("NIK (boleh kosong)"),
        required=False,
        validators=[RegexValidator(r"^\d{16}$", _("NIK terdiri dari 16 angka."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _desa_choices()
        field.widget.attrs["data-filterable"] = "1"


def public_check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False, "limited": False}
    status = 200
    if request.GET and form.is_valid():
        client = public.client_id(request)
        data = form.cleaned_data
        if public.over_limit(client):
            public.log(
                client=client,
                desa_code=data["desa"],
                with_nik=bool(data["nik"]),
                matches=0,
                refused=True,
            )
            context["limited"] = True
            status = 429
        else:
            results = public.search(desa_code=data["desa"], name=data["name"], nik=data["nik"])
            public.log(
                client=client,
                desa_code=data["desa"],
                with_nik=bool(data["nik"]),
                matches=len(results),
            )
            context.update({"searched": True, "results": results})
    response = render(request, "programs/public_check.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
