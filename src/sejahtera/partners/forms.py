"""Forms of the partners pages: input checking only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sejahtera.accounts.scoping import in_scope
from sejahtera.partners.models import LksType, Partner, PartnerKind
from sejahtera.wilayah.models import Level, Wilayah

NIK = RegexValidator(r"^\d{16}$", _("NIK terdiri dari 16 angka."))


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def area_choices(user: Any) -> list[tuple[str, str]]:
    """The kabupaten, its kecamatan and desa that the user may choose as an area of work."""
    office = settings.OFFICE_WILAYAH_CODE
    rows = (
        Wilayah.objects.filter(code__startswith=office + ".", level__lte=Level.DESA)
        .select_related("parent")
        .order_by("code")
    )
    choices: list[tuple[str, str]] = [("", "—")]
    kabupaten = Wilayah.objects.filter(code=office).first()
    if kabupaten is not None and in_scope(user, office):
        choices.append((office, kabupaten.display_name))
    for w in rows:
        if not in_scope(user, w.code):
            continue
        if w.level == Level.KECAMATAN:
            choices.append((w.code, w.display_name))
        else:
            parent = w.parent.name if w.parent else ""
            choices.append((w.code, f"{parent} · {w.display_name}"))
    return choices


class AreaMixin:
    def set_areas(self, user: Any, field: str = "area") -> None:
        area = self.fields[field]  # type: ignore[attr-defined]
        assert isinstance(area, forms.ChoiceField)
        area.choices = area_choices(user)
        area.widget.attrs["data-filterable"] = "1"


class PartnerForm(AreaMixin, forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Jenis mitra"), queryset=PartnerKind.objects.all(), empty_label="—"
    )
    name = forms.CharField(label=_("Nama orang atau lembaga"), max_length=200)
    area = forms.ChoiceField(label=_("Wilayah kerja"), choices=())
    lks_type = forms.ChoiceField(
        label=_("Jenis layanan (khusus LKS)"),
        choices=[("", "—"), *LksType.choices],
        required=False,
    )
    nik = forms.CharField(
        label=_("NIK (bila orangnya terdaftar di registri)"),
        required=False,
        validators=[NIK],
    )
    phone = forms.CharField(label=_("Telepon/WA"), max_length=30, required=False)
    email = forms.CharField(label=_("Surel"), max_length=254, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    decree_number = forms.CharField(
        label=_("Nomor SK/sertifikat (SK pengurus untuk Karang Taruna)"),
        max_length=100,
        required=False,
    )
    decree_date = forms.DateField(
        label=_("Tanggal SK/sertifikat"), required=False, widget=date_widget()
    )
    deed_number = forms.CharField(
        label=_("Nomor akta pendirian (notaris)"), max_length=100, required=False
    )
    deed_date = forms.DateField(
        label=_("Tanggal akta pendirian"), required=False, widget=date_widget()
    )
    registered_on = forms.DateField(label=_("Terdaftar/aktif sejak"), widget=date_widget())

    def __init__(self, *args: Any, user: Any, partner: Partner | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.set_areas(user)
        if partner is not None:
            del self.fields["kind"]
            del self.fields["registered_on"]
            if partner.kind.code != "lks":
                del self.fields["lks_type"]
            if partner.kind.institution:
                del self.fields["nik"]
        else:
            self.fields["registered_on"].initial = timezone.localdate()


class StatusForm(forms.Form):
    active = forms.TypedChoiceField(
        label=_("Status baru"),
        choices=[("1", _("Aktif")), ("0", _("Tidak aktif"))],
        coerce=lambda v: v == "1",
    )
    on = forms.DateField(label=_("Berlaku sejak"), widget=date_widget())
    reason = forms.CharField(label=_("Alasan"), max_length=300)


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Nomor STP"), max_length=100)
    issued_on = forms.DateField(label=_("Tanggal terbit"), widget=date_widget())
    expires_on = forms.DateField(label=_("Berlaku sampai"), widget=date_widget())


class MemberForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK penduduk terdaftar"),
        required=False,
        validators=[NIK],
        help_text=_("Kosongkan untuk warga yang belum terdaftar; isi nama dan tanggal lahir."),
    )
    name = forms.CharField(label=_("Nama (belum terdaftar)"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir (belum terdaftar)"), required=False, widget=date_widget()
    )
    since = forms.DateField(label=_("Tinggal sejak"), widget=date_widget())


class EndMemberForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Warga binaan"), coerce=int, choices=())
    until = forms.DateField(label=_("Keluar pada"), widget=date_widget())
    reason = forms.CharField(
        label=_("Alasan keluar"),
        max_length=200,
        help_text=_("Misalnya kembali ke keluarga, dirujuk, meninggal."),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [
            (m.pk, f"{m.display_name} ({m.since:%d-%m-%Y})") for m in members
        ]


class GrantForm(forms.Form):
    amount = forms.IntegerField(label=_("Nilai bantuan (rupiah)"), min_value=0)
    granted_on = forms.DateField(label=_("Tanggal bantuan"), widget=date_widget())
    business = forms.CharField(
        label=_("Kegiatan/potensi usaha ekonomis produktif"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class TrainingForm(AreaMixin, forms.Form):
    name = forms.CharField(label=_("Nama pelatihan"), max_length=200)
    target_kind = forms.ModelChoiceField(
        label=_("Sasaran (jenis mitra)"),
        queryset=PartnerKind.objects.all(),
        required=False,
        empty_label=_("Semua jenis"),
    )
    starts_on = forms.DateField(label=_("Mulai"), widget=date_widget())
    ends_on = forms.DateField(label=_("Selesai"), widget=date_widget())
    organiser = forms.CharField(label=_("Penyelenggara"), max_length=200)
    place = forms.CharField(label=_("Tempat"), max_length=200)
    area = forms.ChoiceField(label=_("Wilayah penyelenggaraan"), choices=())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(user)


class ParticipantForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Mitra"), queryset=Partner.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners
        field.widget.attrs["data-filterable"] = "1"


class ResultForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("Hasil"),
        choices=[("1", _("Lulus")), ("0", _("Tidak lulus"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)
