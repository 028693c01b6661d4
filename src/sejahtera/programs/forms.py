from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ExplainForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), min_length=16, max_length=16)
    as_of = forms.DateField(label=_("Per tanggal"), widget=forms.DateInput(attrs={"type": "date"}))


class RuleForm(forms.Form):
    rule = forms.CharField(
        label=_("Aturan (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            'Gabungkan kriteria dengan {"all": [...]}, {"any": [...]}, {"not": {...}}. '
            "Jenis kriteria yang tersedia tercantum di bawah."
        ),
    )
    valid_from_year = forms.IntegerField(
        label=_("Berlaku mulai tahun"), min_value=2000, max_value=2100
    )
    note = forms.CharField(
        label=_("Alasan perubahan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_rule(self) -> Any:
        text = self.cleaned_data["rule"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Bukan JSON yang sah (baris %(line)s, kolom %(col)s): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc
        except RecursionError as exc:  # nested thousands of levels deep (no real rule is)
            raise forms.ValidationError(_("Aturan terlalu dalam.")) from exc
