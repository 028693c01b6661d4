"""A clerk's one-record check: is this person perhaps already registered?"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.linkage.check import current_parameters, likely_duplicates
from sejahtera.registry.choices import Sex
from sejahtera.wilayah.models import Level
from sejahtera.wilayah.selectors import wilayah_for


class CheckForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=150)
    nik = forms.CharField(label=_("NIK (boleh kosong)"), max_length=16, required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *Sex.choices], required=False
    )
    mother_name = forms.CharField(label=_("Nama ibu kandung"), max_length=150, required=False)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), choices=())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        rows = (
            wilayah_for(user)
            .filter(level=Level.DESA)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        field.choices = [("", "—")] + [
            (w.code, f"{w.parent.name if w.parent else ''} · {w.name}") for w in rows
        ]
        field.widget.attrs["data-filterable"] = "1"


def scoped_results(user: Any, found: list[tuple[Any, float]]) -> list[dict[str, Any]]:
    """What a user may see of each match: the person if in their areas, else only the
    desa (the person's existence elsewhere matters; their data is not the user's)."""
    return [
        {
            "person": person if in_scope(user, person.desa_id) else None,
            "desa": person.desa,
            "probability": probability,
        }
        for person, probability in found
    ]


@login_required
def check(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    form = CheckForm(request.GET or None, user=request.user)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        found = likely_duplicates(
            name=data["name"],
            birth_date=data["birth_date"],
            nik=data["nik"],
            desa_code=data["desa"],
            mother_name=data["mother_name"],
            sex=data["sex"],
        )
        results = scoped_results(request.user, found)
        for person, _probability in found:
            if in_scope(request.user, person.desa_id):
                audit.record(
                    actor=request.user,
                    action=Action.VIEW,
                    obj=person,
                    wilayah_code=person.desa_id,
                    extra={"via": "cek data ganda"},
                )
    return render(
        request,
        "linkage/check.html",
        {"form": form, "results": results, "has_model": current_parameters() is not None},
    )
