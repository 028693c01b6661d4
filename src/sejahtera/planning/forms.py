from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.models import Unit
from sejahtera.planning.models import Accumulation, Direction


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class _Notes(forms.Form):
    helped = forms.CharField(
        label=_("Faktor pendorong"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hindered = forms.CharField(
        label=_("Faktor penghambat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(
        label=_("Berkas bukti (PDF/JPG/PNG, paling besar 5 MB)"), required=False
    )


class IndicatorRealisationForm(_Notes):
    written = forms.CharField(
        label=_("Realisasi"),
        max_length=80,
        help_text=_("Angka seperti pada target, mis. 92,5 atau 75 Orang, 88 Lembaga."),
    )
    field_order = ["written", "helped", "hindered", "evidence"]


class SpendingForm(_Notes):
    amount = forms.IntegerField(
        label=_("Realisasi anggaran triwulan ini (Rp)"),
        min_value=0,
        max_value=10**15 - 1,
        error_messages={"invalid": _("Isi dengan bilangan bulat rupiah, tanpa titik.")},
    )
    field_order = ["amount", "helped", "hindered", "evidence"]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"), min_length=10, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas .xlsx formulir realisasi"))


class MethodForm(forms.Form):
    direction = forms.ChoiceField(label=_("Arah"), choices=Direction.choices)
    accumulation = forms.ChoiceField(label=_("Cara akumulasi"), choices=Accumulation.choices)
    note = forms.CharField(label=_("Dasar cara hitung"), max_length=250)


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit kerja pelapor"), queryset=Unit.objects.order_by("code"), required=False
    )


class WorkPlanItemForm(forms.Form):
    written = forms.CharField(label=_("Target Renja"), max_length=80, required=False)
    amount = forms.IntegerField(label=_("Pagu Renja (Rp)"), min_value=0, required=False)
    reason = forms.CharField(
        label=_("Alasan berbeda dari Renstra"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
