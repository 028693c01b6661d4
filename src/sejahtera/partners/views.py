"""Partner pages: the list (one FilterSet, certificate badges, .xlsx), registering and
editing a partner, a partner's page (status history, certificates, members, trainings,
grants, with the forms of the next actions for writers), the certificates that expire
("STP akan habis") and the counts per kind, kecamatan and year (+ .xlsx)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import Export, start_export
from sejahtera.partners import capacity, selectors, services, stats
from sejahtera.partners.filtersets import PartnerFilterSet
from sejahtera.partners.forms import (
    CertificateForm,
    EndMemberForm,
    GrantForm,
    MemberForm,
    PartnerForm,
    StatusForm,
)
from sejahtera.partners.models import LKS, Partner
from sejahtera.partners.reference import uep_conditions
from sejahtera.registry.selectors import persons_for

PAGE_SIZE = 50


def page_of(request: HttpRequest, rows: Any) -> tuple[Any, str]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    filterset = PartnerFilterSet(
        request.GET or None,
        queryset=selectors.partners_for(request.user).order_by("kind__order", "name", "id"),
        request=request,
    )
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset)
    page, query = page_of(request, filterset.qs)
    today = timezone.localdate()
    return render(
        request,
        "partners/list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query,
            "today": today,
            "soon": today + dt.timedelta(days=selectors.REMINDER_DAYS),
            "can_write": can(request.user, Cap.WRITE),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export(request: HttpRequest, filterset: PartnerFilterSet) -> HttpResponse:
    # PSKS are people (names, phone numbers): personal data.
    export = start_export(request, what=_("Daftar mitra"))
    if not isinstance(export, Export):
        return export
    rows = filterset.qs
    headers = [
        _("Jenis"),
        _("Nama"),
        _("Kecamatan"),
        _("Wilayah kerja"),
        _("Jenis layanan LKS"),
        _("Telepon"),
        _("Nomor SK/sertifikat"),
        _("Tanggal SK"),
        _("Akta pendirian"),
        _("Status"),
        _("Status sejak"),
        _("STP berlaku sampai"),
    ]
    data = (
        [
            p.kind.name,
            p.name,
            _kecamatan_name(p),
            p.area.display_name,
            p.get_lks_type_display(),
            p.phone,
            p.decree_number,
            p.decree_date,
            p.deed_number,
            _("Aktif") if p.active else _("Tidak aktif"),
            p.active_since,
            p.stp_expires_on,
        ]
        for p in rows
    )
    return export.xlsx(
        headers,
        data,
        title=_("Mitra PSKS"),
        name="mitra",
        object_type="partners.partner",
        object_repr=_("Daftar mitra"),
    )


def _kecamatan_name(partner: Partner) -> str:
    area = partner.area
    if len(area.code) == 8:
        return area.name
    if len(area.code) > 8 and area.parent is not None:
        return area.parent.name
    return ""


def _person_by_nik(request: HttpRequest, form: forms.Form, field: str = "nik") -> Any:
    """The registered person of the form's NIK, if the user may see them; `False` after
    adding the error to the form."""
    nik = form.cleaned_data.get(field) or ""
    if not nik:
        return None
    person = persons_for(request.user).filter(nik=nik).first()
    if person is None:
        form.add_error(field, _("NIK ini tidak terdaftar di wilayah Anda."))
        return False
    return person


def _data(form: PartnerForm, person: Any) -> services.PartnerData:
    data = form.cleaned_data
    return services.PartnerData(
        name=data["name"],
        area_code=data["area"],
        person=person,
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        decree_number=data["decree_number"],
        decree_date=data["decree_date"],
        deed_number=data["deed_number"],
        deed_date=data["deed_date"],
        lks_type=data.get("lks_type") or "",
    )


@login_required
def partner_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    form = PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _person_by_nik(request, form)
        if person is not False:
            try:
                partner = services.register_partner(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    data=_data(form, person),
                    registered_on=form.cleaned_data["registered_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s didaftarkan.") % {"name": partner.name})
                return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "partner": None})


def _partner(request: HttpRequest, pk: int) -> Partner:
    partner = selectors.partners_for(request.user).select_related("person").filter(pk=pk).first()
    if partner is None:
        raise Http404(_("Mitra tidak ditemukan."))
    return partner


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.WRITE)
    partner = _partner(request, pk)
    initial = {
        "name": partner.name,
        "area": partner.area_id,
        "lks_type": partner.lks_type,
        "nik": partner.person.nik if partner.person else "",
        "phone": partner.phone,
        "email": partner.email,
        "address": partner.address,
        "decree_number": partner.decree_number,
        "decree_date": partner.decree_date,
        "deed_number": partner.deed_number,
        "deed_date": partner.deed_date,
    }
    form = PartnerForm(request.POST or None, user=request.user, partner=partner, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = _person_by_nik(request, form) if "nik" in form.fields else None
        if person is not False:
            try:
                services.update_partner(
                    actor=request.user, partner=partner, data=_data(form, person)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Data mitra disimpan."))
                return redirect("partners:detail", pk=partner.pk)
    if partner.person is not None:
        # The form shows the linked person's full NIK.
        audit.record(
            actor=request.user,
            action=Action.VIEW,
            obj=partner.person,
            wilayah_code=partner.person.desa_id or partner.area_id,
            extra={"partner": partner.pk},
        )
    return render(request, "partners/form.html", {"form": form, "partner": partner})


def _forms(
    partner: Partner, members: list[Any], data: Any = None, step: str = ""
) -> dict[str, forms.Form]:
    """The forms of the partner's next actions; the one named `step` bound to `data`."""
    today = timezone.localdate()

    def bound(name: str) -> Any:
        return data if name == step else None

    built: dict[str, forms.Form] = {
        "status": StatusForm(
            bound("status"),
            prefix="status",
            initial={"active": "0" if partner.active else "1", "on": today},
        )
    }
    if partner.kind.institution:
        built["certificate"] = CertificateForm(bound("certificate"), prefix="certificate")
    if partner.kind.code == LKS and partner.active:
        built["member"] = MemberForm(bound("member"), prefix="member", initial={"since": today})
    living = [m for m in members if m.until is None]
    if partner.kind.code == LKS and living:
        built["end_member"] = EndMemberForm(
            bound("end_member"), prefix="end_member", members=living, initial={"until": today}
        )
    if uep_conditions(partner.kind.code) and partner.active:
        built["grant"] = GrantForm(bound("grant"), prefix="grant", initial={"granted_on": today})
    return built


def _apply(request: HttpRequest, partner: Partner, step: str, form: forms.Form) -> bool:
    data = form.cleaned_data
    try:
        if step == "status":
            services.change_status(
                actor=request.user,
                partner=partner,
                active=data["active"],
                on=data["on"],
                reason=data["reason"],
            )
            messages.success(request, _("Status mitra diubah."))
        elif step == "certificate":
            services.record_certificate(
                actor=request.user,
                partner=partner,
                number=data["number"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
            messages.success(request, _("STP dicatat."))
        elif step == "member":
            person = _person_by_nik(request, form)
            if person is False:
                return False
            services.add_member(
                actor=request.user,
                partner=partner,
                since=data["since"],
                person=person,
                name=data["name"],
                birth_date=data["birth_date"],
            )
            messages.success(request, _("Warga binaan dicatat."))
        elif step == "end_member":
            member = partner.members.filter(pk=data["member"]).first()
            if member is None:
                raise ValidationError(_("Warga binaan tidak ditemukan."))
            services.end_member(
                actor=request.user, member=member, until=data["until"], reason=data["reason"]
            )
            messages.success(request, _("Warga binaan dicatat keluar."))
        else:
            capacity.grant_uep(
                actor=request.user,
                partner=partner,
                amount=data["amount"],
                granted_on=data["granted_on"],
                business=data["business"],
                note=data["note"],
            )
            messages.success(request, _("Bantuan UEP dicatat."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    return True


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    partner = _partner(request, pk)
    can_write = can(request.user, Cap.WRITE)
    members = list(selectors.members_of(partner)) if partner.kind.code == LKS else []
    step = request.POST.get("step", "") if request.method == "POST" else ""
    action_forms = _forms(partner, members, request.POST, step) if can_write else {}
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        form = action_forms.get(step)
        if form is None:
            messages.error(request, _("Tindakan ini tidak tersedia untuk mitra ini."))
            return redirect("partners:detail", pk=partner.pk)
        if form.is_valid() and _apply(request, partner, step, form):
            return redirect("partners:detail", pk=partner.pk)
    # The page shows personal data (the partner's contact, the people an LKS cares for).
    audit.record(
        actor=request.user,
        action=Action.VIEW,
        obj=partner,
        wilayah_code=partner.area_id,
        extra={"members": len(members)},
    )
    today = timezone.localdate()
    certificates = list(partner.certificates.all())
    return render(
        request,
        "partners/detail.html",
        {
            "p": partner,
            "history": selectors.history(partner),
            "certificates": certificates,
            "current": certificates[0] if certificates else None,
            "members": members,
            "living": sum(1 for m in members if m.until is None and m.since <= today),
            "trainings": partner.trainings.select_related("training").order_by(
                "-training__starts_on"
            ),
            "grants": partner.grants.all(),
            "conditions": uep_conditions(partner.kind.code),
            "forms": action_forms,
            "can_write": can_write,
            "today": today,
            "soon": today + dt.timedelta(days=selectors.REMINDER_DAYS),
        },
    )


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    """STP akan habis: current certificates of active institutions expiring within N days
    (`?hari=`, 90 by default) or expired."""
    require(request.user, Cap.VIEW)
    raw = request.GET.get("hari", "")
    days = int(raw) if raw.isdigit() and int(raw) <= 3650 else selectors.REMINDER_DAYS
    today = timezone.localdate()
    rows = selectors.expiring_certificates(user=request.user, days=days, today=today)
    page, query = page_of(request, rows)
    return render(
        request,
        "partners/certificates.html",
        {"page": page, "query": query, "days": days, "today": today},
    )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("tahun", "")
    this = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this + 1 else this


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    year = _year(request)
    rows = stats.counts(year=year, user=request.user)
    if request.GET.get("format") == "xlsx":
        return _export_counts(request, year, rows)
    this = timezone.localdate().year
    return render(
        request,
        "partners/counts.html",
        {
            "year": year,
            "years": list(range(this, this - 6, -1)),
            "rows": rows,
            "totals": stats.totals_by_kind(rows),
            "total": stats.grand_total(rows),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export_counts(request: HttpRequest, year: int, rows: list[Any]) -> HttpResponse:
    # Counts per kecamatan and kind: no person in it, so no purpose is asked.
    title = _("Rekap mitra %(year)s") % {"year": year}
    export = start_export(request, what=title, personal=False)
    if not isinstance(export, Export):
        return export
    headers = [
        _("Kecamatan"),
        _("Jenis"),
        _("Terdaftar (akhir tahun)"),
        _("Aktif (akhir tahun)"),
        _("Baru terdaftar"),
        _("Lulus pelatihan"),
        _("Penerima UEP"),
        _("Nilai UEP (Rp)"),
    ]
    data = (
        [
            r.kecamatan or _("Tingkat kabupaten"),
            r.kind.name,
            r.registered,
            r.active,
            r.new,
            r.trained,
            r.granted,
            r.grant_amount,
        ]
        for r in rows
    )
    return export.xlsx(
        headers,
        data,
        title=title,
        name=f"rekap-mitra-{year}",
        object_type="partners.counts",
        extra={"year": year},
    )
