"""Input checking for the linkage pages; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sejahtera.linkage.models import Decision
from sejahtera.linkage.runs import DEFAULT_THRESHOLD


class RunForm(forms.Form):
    retrain = forms.BooleanField(
        label=_("Latih ulang model dari data registri sekarang"), required=False, initial=True
    )
    threshold = forms.FloatField(
        label=_("Simpan pasangan dengan peluang sama paling kecil"),
        min_value=0.05,
        max_value=0.99,
        initial=DEFAULT_THRESHOLD,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=Decision.choices, widget=forms.RadioSelect
    )
    survivor = forms.ChoiceField(
        label=_("Data yang dipertahankan bila orang yang sama"),
        choices=(),
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["survivor"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if choices:
            field.initial = choices[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.SAME and not data.get("survivor"):
            self.add_error("survivor", _("Pilih data yang dipertahankan."))
        return data


class UndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
