"""Input checking of the cemeteries pages only: each form's cleaned data becomes a service
call's arguments; the service's ValidationError is shown with add_service_errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import scope
from sejahtera.cemeteries.maintenance import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_UPLOAD
from sejahtera.cemeteries.models import GraveCategory, MaintenanceKind, Occasion, VeteranCategory
from sejahtera.planning.forms import MultipleFileField
from sejahtera.wilayah.models import Level, Wilayah


def _photo_field(field: forms.Field) -> None:
    field.label = gettext(
        "Foto (JPG/PNG, paling besar %(mb)s MB, paling banyak %(n)s sekali unggah)"
    ) % {"mb": MAX_PHOTO_BYTES // (1024 * 1024), "n": MAX_PHOTOS_PER_UPLOAD}
    field.widget.attrs["accept"] = "image/jpeg,image/png"


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def desa_choices(user: Any) -> list[tuple[str, str]]:
    """The desa of the office's kabupaten within the user's areas, "kecamatan · desa"."""
    rows = scope(
        Wilayah.objects.filter(
            level=Level.DESA, code__startswith=settings.OFFICE_WILAYAH_CODE + "."
        ),
        user,
        "code",
    ).select_related("parent")
    return [("", "—")] + [
        (w.code, f"{w.parent.name if w.parent else ''} · {w.name}")
        for w in rows.order_by("parent__name", "name")
    ]


class _DesaForm(forms.Form):
    desa = forms.ChoiceField(label=_("Kecamatan · desa/kelurahan"), choices=())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = desa_choices(user)
        field.widget.attrs["data-filterable"] = "1"


class CemeteryForm(_DesaForm):
    name = forms.CharField(label=_("Nama taman makam"), max_length=200)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    area_m2 = forms.IntegerField(label=_("Luas (m²)"), required=False, min_value=1)
    condition_notes = forms.CharField(label=_("Catatan kondisi"), required=False, widget=_text(3))
    field_order = ["name", "desa", "address", "area_m2", "condition_notes"]


class GraveForm(forms.Form):
    block = forms.CharField(label=_("Blok"), max_length=20, required=False)
    number = forms.CharField(label=_("Nomor makam"), max_length=20)
    name = forms.CharField(label=_("Nama yang dimakamkan"), max_length=200)
    category = forms.ChoiceField(label=_("Kategori"), choices=[("", "—"), *GraveCategory.choices])
    rank = forms.CharField(label=_("Pangkat/gelar"), max_length=100, required=False)
    corps = forms.CharField(label=_("Kesatuan/korps"), max_length=150, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=_date())
    death_date = forms.DateField(label=_("Tanggal wafat"), required=False, widget=_date())
    burial_date = forms.DateField(label=_("Tanggal dimakamkan"), required=False, widget=_date())
    notes = forms.CharField(label=_("Catatan"), required=False, widget=_text())


class MaintenanceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis pekerjaan"), choices=[("", "—"), *MaintenanceKind.choices]
    )
    description = forms.CharField(label=_("Uraian"), widget=_text())
    started_on = forms.DateField(label=_("Tanggal mulai"), widget=_date())
    finished_on = forms.DateField(
        label=_("Tanggal selesai"),
        required=False,
        widget=_date(),
        help_text=_("Kosongkan bila pekerjaan masih berjalan."),
    )
    cost = forms.IntegerField(
        label=_("Biaya (Rp)"),
        min_value=0,
        initial=0,
        help_text=_("Dalam rupiah, tanpa titik."),
    )
    contractor = forms.CharField(
        label=_("Pelaksana (penyedia/petugas)"), max_length=200, required=False
    )
    photos = MultipleFileField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _photo_field(self.fields["photos"])


class FinishForm(forms.Form):
    finished_on = forms.DateField(label=_("Tanggal selesai"), widget=_date())
    cost = forms.IntegerField(
        label=_("Biaya akhir (Rp)"),
        min_value=0,
        required=False,
        help_text=_("Kosongkan bila sama dengan yang tercatat."),
    )


class PhotoForm(forms.Form):
    photos = MultipleFileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _photo_field(self.fields["photos"])


class CeremonyForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal"), widget=_date())
    occasion = forms.ChoiceField(label=_("Peringatan"), choices=[("", "—"), *Occasion.choices])
    attendance = forms.IntegerField(label=_("Jumlah peserta"), min_value=0, required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, widget=_text())


class VeteranForm(_DesaForm):
    name = forms.CharField(label=_("Nama"), max_length=200)
    nik = forms.CharField(label=_("NIK (boleh kosong)"), max_length=16, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=_date())
    category = forms.ChoiceField(
        label=_("Kategori veteran"), choices=[("", "—"), *VeteranCategory.choices]
    )
    decree_number = forms.CharField(label=_("Nomor SK/NPV"), max_length=100, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    is_deceased = forms.BooleanField(label=_("Sudah meninggal"), required=False)
    deceased_on = forms.DateField(label=_("Tanggal meninggal"), required=False, widget=_date())
    benefits_note = forms.CharField(
        label=_("Catatan tunjangan/bantuan"), required=False, widget=_text()
    )
    field_order = [
        "name",
        "nik",
        "birth_date",
        "category",
        "decree_number",
        "desa",
        "address",
        "is_deceased",
        "deceased_on",
        "benefits_note",
    ]
