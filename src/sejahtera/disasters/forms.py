"""Input checking only: each form's cleaned data become a service call's arguments; the
service's ValidationError is shown on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sejahtera.common.formatting import number
from sejahtera.disasters.models import (
    AidKind,
    Condition,
    Event,
    EventKind,
    Kitchen,
    Phase,
    Shelter,
    Source,
    StockItem,
)
from sejahtera.partners.models import Partner
from sejahtera.registry.choices import Sex
from sejahtera.wilayah.models import Wilayah


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def desa_label(w: Wilayah) -> str:
    return f"{w.parent.name} · {w.name}" if w.parent else w.name


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return f"{obj.name} ({obj.area.name})" + ("" if obj.active else " — tidak aktif")


class ShelterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Shelter) -> str:
        return f"{obj.name} ({obj.event.name})"


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis bencana"), choices=EventKind.choices)
    name = forms.CharField(
        label=_("Nama kejadian"),
        max_length=200,
        help_text=_("Mis. Banjir Sungai Brantas Maret 2026"),
    )
    desa = forms.MultipleChoiceField(
        label=_("Desa/kelurahan terdampak"),
        choices=(),
        widget=forms.SelectMultiple(
            attrs={"size": 8, "data-filterable": "1", "data-filter-placeholder": "Cari desa…"}
        ),
        help_text=_("Tahan Ctrl (di ponsel: ketuk satu per satu) untuk memilih beberapa desa."),
    )
    started_on = forms.DateField(label=_("Tanggal mulai"), widget=date_widget())
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, desa: list[Wilayah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(w.code, desa_label(w)) for w in desa]


class EventEditForm(EventForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["started_on"]


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Fase baru"),
        choices=[(v, label) for v, label in Phase.choices if v != Phase.EMERGENCY],
    )
    on = forms.DateField(label=_("Berlaku sejak"), widget=date_widget())
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)


class ReportForm(forms.Form):
    on = forms.DateField(label=_("Tanggal laporan"), widget=date_widget())
    text = forms.CharField(label=_("Isi laporan situasi"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(
        label=_("Berkas (PDF/JPEG/PNG, boleh kosong)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class PlaceForm(forms.Form):
    """A shelter (with capacity) or a public kitchen."""

    name = forms.CharField(label=_("Nama"), max_length=150)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), choices=())
    capacity = forms.IntegerField(label=_("Daya tampung (orang)"), min_value=1)

    def __init__(
        self, *args: Any, desa: list[Wilayah], kitchen: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((w.code, desa_label(w)) for w in desa)]
        if kitchen:
            del self.fields["capacity"]


class KitchenDayForm(forms.Form):
    kitchen = forms.ModelChoiceField(
        label=_("Dapur umum"), queryset=Kitchen.objects.none(), empty_label="—"
    )
    date = forms.DateField(label=_("Tanggal"), widget=date_widget())
    meals = forms.IntegerField(label=_("Porsi disajikan"), min_value=0)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kitchen"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = event.kitchens.all()


class DeploymentForm(forms.Form):
    # Every TAGANA partner is listed (the inactive ones too, so that the refusal is explained
    # rather than the name missing).
    partner = PartnerChoiceField(
        label=_("Relawan TAGANA"),
        queryset=Partner.objects.filter(kind__code="tagana").select_related("area"),
        empty_label="—",
    )
    from_date = forms.DateField(label=_("Mulai bertugas"), widget=date_widget())
    until_date = forms.DateField(label=_("Selesai bertugas"), required=False, widget=date_widget())
    note = forms.CharField(label=_("Tugas"), required=False, max_length=200)


class VictimStatusForm(forms.Form):
    displaced = forms.BooleanField(label=_("Mengungsi"), required=False)
    shelter = forms.ModelChoiceField(
        label=_("Tempat pengungsian"),
        queryset=Shelter.objects.none(),
        required=False,
        empty_label="—",
    )
    displaced_from = forms.DateField(
        label=_("Mengungsi sejak"),
        required=False,
        widget=date_widget(),
        help_text=_("Kosong: sejak awal kejadian."),
    )
    condition = forms.ChoiceField(label=_("Kondisi"), choices=Condition.choices)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shelter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Shelter.objects.filter(event=event)


class VictimEditForm(VictimStatusForm):
    displaced_until = forms.DateField(
        label=_("Mengungsi sampai"),
        required=False,
        widget=date_widget(),
        help_text=_("Kosong: masih mengungsi."),
    )
    field_order = ["displaced", "shelter", "displaced_from", "displaced_until", "condition", "note"]


class ProvisionalVictimForm(VictimStatusForm):
    """A victim told by name (and NIK when known), looked up in the registry when saved."""

    name = forms.CharField(label=_("Nama"), max_length=150)
    nik = forms.CharField(label=_("NIK (jika tahu)"), required=False, max_length=16)
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=date_widget())
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *Sex.choices], required=False
    )
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), choices=())
    field_order = ["name", "nik", "birth_date", "sex", "desa"]

    def __init__(self, *args: Any, desa: list[Wilayah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(w.code, desa_label(w)) for w in desa]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("NIK atau nama"), required=False, max_length=150)
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=date_widget())


class DailyAidForm(forms.Form):
    """The filter of the daily aid page (GET) and its entry (POST)."""

    date = forms.DateField(label=_("Tanggal"), widget=date_widget())
    kind = forms.ChoiceField(label=_("Jenis bantuan"), choices=AidKind.choices)
    quantity = forms.IntegerField(label=_("Jumlah per orang"), min_value=1, initial=1)
    shelter = forms.ModelChoiceField(
        label=_("Tempat pengungsian"),
        queryset=Shelter.objects.none(),
        required=False,
        empty_label=_("Semua korban"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shelter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Shelter.objects.filter(event=event)
        self.fields["date"].initial = timezone.localdate()


class AidForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=date_widget())
    kind = forms.ChoiceField(label=_("Jenis bantuan"), choices=AidKind.choices)
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, initial=1)


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Nama barang"), max_length=150)
    unit = forms.CharField(label=_("Satuan"), max_length=30, help_text=_("Mis. kg, paket, lembar"))


class StockItemChoiceField(forms.ModelChoiceField):
    """Items with their balance (annotated by `selectors.stock_items_for`)."""

    def label_from_instance(self, obj: Any) -> str:
        balance = getattr(obj, "balance", None)
        if balance is None:
            return str(obj)
        return f"{obj.name} (saldo {number(balance)} {obj.unit})"


class ReceiptForm(forms.Form):
    item = StockItemChoiceField(
        label=_("Barang"), queryset=StockItem.objects.none(), empty_label="—"
    )
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1)
    source = forms.ChoiceField(label=_("Sumber"), choices=[("", "—"), *Source.choices])
    document_number = forms.CharField(label=_("Nomor dokumen (BAST/tanda terima)"), max_length=60)
    date = forms.DateField(label=_("Tanggal"), widget=date_widget())
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=300)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_items(self, items)


def set_items(form: forms.Form, items: Any) -> None:
    field = form.fields["item"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = items


class IssueForm(forms.Form):
    item = StockItemChoiceField(
        label=_("Barang"), queryset=StockItem.objects.none(), empty_label="—"
    )
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1)
    event = forms.ModelChoiceField(
        label=_("Untuk kejadian"), queryset=Event.objects.none(), empty_label="—"
    )
    shelter = ShelterChoiceField(
        label=_("Tempat pengungsian (boleh kosong)"),
        queryset=Shelter.objects.none(),
        required=False,
        empty_label="—",
    )
    document_number = forms.CharField(label=_("Nomor dokumen (BAST/tanda terima)"), max_length=60)
    date = forms.DateField(label=_("Tanggal"), widget=date_widget())
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=300)

    def __init__(self, *args: Any, events: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_items(self, items)
        event_field = self.fields["event"]
        shelter_field = self.fields["shelter"]
        assert isinstance(event_field, forms.ModelChoiceField)
        assert isinstance(shelter_field, forms.ModelChoiceField)
        event_field.queryset = events.exclude(phase=Phase.DONE)
        shelter_field.queryset = Shelter.objects.filter(event__in=events).select_related("event")
