from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sejahtera.registry.models import PpksCategory, PpksCriterion


class AssessmentForm(forms.Form):
    criteria: forms.ModelMultipleChoiceField[PpksCriterion] = forms.ModelMultipleChoiceField(
        label=_("Kriteria yang terpenuhi"),
        queryset=PpksCriterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    assessed_on = forms.DateField(
        label=_("Tanggal penilaian"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, category: PpksCategory, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessed_on": dt.date.today()})
        super().__init__(*args, **kwargs)
        field = self.fields["criteria"]
        field.queryset = category.criteria.all()  # type: ignore[attr-defined]
        field.label_from_instance = lambda criterion: criterion.text  # type: ignore[attr-defined]
