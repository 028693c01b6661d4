from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import DateField as models_date_field
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from sejahtera.common.uploads import check_upload
from sejahtera.registry import choices
from sejahtera.registry.models import PpksCategory, PpksCriterion, Proposal
from sejahtera.registry.payloads import record_version


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


class PersonForm(forms.Form):
    """One person of a proposal (new household member or new person)."""

    nik = forms.RegexField(
        label=_("NIK"),
        regex=r"^\s*\d{16}\s*$",
        required=False,
        error_messages={"invalid": _("NIK harus 16 angka.")},
    )
    no_nik = forms.BooleanField(label=_("Tanpa NIK (terlantar/tanpa identitas)"), required=False)
    name = forms.CharField(label=_("Nama"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=choices.Sex.choices)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    relation = forms.ChoiceField(
        label=_("Hubungan dengan kepala keluarga"), choices=choices.Relation.choices
    )
    mother_name = forms.CharField(label=_("Nama ibu kandung"), max_length=150, required=False)
    disability_type = forms.ChoiceField(
        label=_("Jenis disabilitas"), choices=choices.DisabilityType.choices, required=False
    )
    disability_severity = forms.ChoiceField(
        label=_("Tingkat disabilitas"), choices=choices.Severity.choices, required=False
    )

    def has_changed(self) -> bool:
        """A member row counts as filled in only when it names someone: the selects always
        send a value, so they do not count."""
        typed = ("nik", "name", "birth_date", "birth_place", "mother_name")
        return any(str(self.data.get(self.add_prefix(k), "")).strip() for k in typed) or bool(
            self.data.get(self.add_prefix("no_nik"))
        )

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        data: dict[str, Any] = {
            "nik": (c.get("nik") or "").strip(),
            "no_nik": bool(c.get("no_nik")),
            "name": c["name"],
            "sex": c["sex"],
            "relation": c["relation"],
        }
        for key in ("birth_place", "mother_name", "disability_type", "disability_severity"):
            if c.get(key):
                data[key] = c[key]
        if c.get("birth_date"):
            data["birth_date"] = c["birth_date"].isoformat()
        return data


MemberFormSet = formset_factory(PersonForm, extra=3, max_num=15, validate_max=True)


class HouseholdForm(forms.Form):
    kk_number = forms.RegexField(
        label=_("Nomor KK"),
        regex=r"^\s*\d{16}\s*$",
        required=False,
        error_messages={"invalid": _("Nomor KK harus 16 angka.")},
    )
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    rt = forms.RegexField(
        label=_("RT"),
        regex=r"^\d{1,3}$",
        required=False,
        error_messages={"invalid": _("RT berupa angka.")},
    )
    rw = forms.RegexField(
        label=_("RW"),
        regex=r"^\d{1,3}$",
        required=False,
        error_messages={"invalid": _("RW berupa angka.")},
    )
    street = forms.CharField(label=_("Alamat"), max_length=200, required=False)
    reason = forms.CharField(label=_("Alasan usulan"), widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        data = {k: (c.get(k) or "").strip() for k in ("kk_number", "dusun", "rt", "rw", "street")}
        if data["rt"]:
            data["rt"] = data["rt"].zfill(3)
        if data["rw"]:
            data["rw"] = data["rw"].zfill(3)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan usulan"), widget=forms.Textarea(attrs={"rows": 2}))


class RemovalForm(forms.Form):
    removal = forms.ChoiceField(
        label=_("Alasan penghapusan"), choices=choices.RemovalReason.choices
    )
    date = forms.DateField(
        label=_("Tanggal kejadian"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Hasil verifikasi lapangan"),
        choices=[
            ("ok", _("Sesuai: lanjut ke musyawarah desa")),
            ("no", _("Tidak sesuai: tolak usulan")),
        ],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Catatan pemeriksaan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = forms.FileField(
        label=_("Foto (JPEG/PNG, paling besar 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_photos(self) -> Any:
        photo = self.cleaned_data.get("photos")
        if photo:
            check_upload(photo, kinds=("jpeg", "png"))
        return photo


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("approve", _("Setujui dan terapkan ke registri")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Alasan (wajib bila ditolak)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MusdesForm(forms.Form):
    held_on = forms.DateField(
        label=_("Tanggal musyawarah"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    minutes = forms.FileField(label=_("Berita acara (PDF/JPEG/PNG, paling besar 5 MB)"))
    proposals: forms.ModelMultipleChoiceField[Proposal] = forms.ModelMultipleChoiceField(
        label=_("Usulan yang disahkan"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposals"]
        field.queryset = queryset  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: f"#{p.pk} {p.get_kind_display()}: {p.payload_summary}"  # type: ignore[attr-defined]

    def clean_minutes(self) -> Any:
        minutes = self.cleaned_data["minutes"]
        check_upload(minutes, kinds=("pdf", "jpeg", "png"))
        return minutes


PERSON_CHANGE_FIELDS = [
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "mother_name",
    "marital_status",
    "education",
    "occupation",
    "disability_type",
    "disability_severity",
]
HOUSEHOLD_CHANGE_FIELDS = [
    "dusun",
    "rt",
    "rw",
    "street",
    "floor_area_m2",
    "floor_material",
    "wall_material",
    "roof_material",
    "water_source",
    "toilet",
    "lighting",
    "ownership",
    "income_band",
    "in_dtks",
    "desil",
    "data_period",
]


def change_form_class(model: type[Any], fields: list[str]) -> Any:
    """A form over the record's current values; only what the user changes is proposed.
    It never saves: the change is applied when the proposal is approved."""
    widgets: dict[str, Any] = {
        name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name in fields
        if isinstance(model._meta.get_field(name), models_date_field)
    }
    base = forms.modelform_factory(model, fields=fields, widgets=widgets)

    class ChangeForm(base):  # type: ignore[valid-type,misc]
        reason = forms.CharField(
            label=_("Alasan perubahan"), widget=forms.Textarea(attrs={"rows": 2})
        )
        # The version of the record this form showed: a change made meanwhile by someone
        # else refuses the proposal instead of being silently undone by it.
        version = forms.CharField(required=False, widget=forms.HiddenInput)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["version"].initial = record_version(self.instance)

        def _post_clean(self) -> None:
            """Field checks only: the record is neither changed in memory nor validated as a
            whole here; the proposal's checks do that (with a link to a registered NIK)."""

        def changes(self) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name in self.changed_data:
                if name in ("reason", "version"):
                    continue
                value = self.cleaned_data[name]
                if hasattr(value, "isoformat"):
                    value = value.isoformat()
                elif value is not None and not isinstance(value, bool | int | str):
                    value = str(value)
                out[name] = value
            return out

    return ChangeForm


class CompositionForm(forms.Form):
    """The members of one KK with their relation and where each goes: stays, leaves to form
    a new KK (pecah KK), or joins another KK already registered in the desa."""

    DESTINATIONS = [
        ("same", _("Tetap di KK ini")),
        ("new", _("Pindah ke KK baru (pecah KK)")),
        ("join", _("Pindah ke KK lain yang sudah terdaftar")),
    ]

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for membership in members:
            person = membership.person
            self.fields[f"relation_{person.pk}"] = forms.ChoiceField(
                label=_("Hubungan %(name)s") % {"name": person.name},
                choices=choices.Relation.choices,
                initial=membership.relation,
            )
            self.fields[f"to_{person.pk}"] = forms.ChoiceField(
                label=_("%(name)s: tujuan") % {"name": person.name},
                choices=self.DESTINATIONS,
                initial="same",
                required=False,
            )
        self.fields["join_kk"] = forms.CharField(
            label=_("Nomor KK tujuan (bila ada yang pindah ke KK lain di desa ini)"),
            max_length=16,
            required=False,
        )

    def changes(self) -> list[dict[str, Any]]:
        c = self.cleaned_data
        return [
            {
                "person": m.person_id,
                "relation": c[f"relation_{m.person_id}"],
                "to": c.get(f"to_{m.person_id}") or "same",
            }
            for m in self.members
        ]


class NewKkForm(HouseholdForm):
    """The new KK of a split; used only when some member leaves."""

    reason = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kk_number"].label = _("Nomor KK baru (hanya bila pecah KK)")
