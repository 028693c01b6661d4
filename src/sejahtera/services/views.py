"""Pages of the services app: the public list of services, letters (issue, PDF with QR
code, revoke) and the public verification page of a letter."""

from __future__ import annotations

import base64
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.ratelimit import limited
from sejahtera.registry.selectors import persons_for
from sejahtera.services import letters
from sejahtera.services.models import Letter, LetterType, Service


def service_list(request: HttpRequest) -> HttpResponse:
    """Public: what the office offers, who may use it, what it produces."""
    return render(
        request, "services/list.html", {"services": Service.objects.select_related("unit")}
    )


class IssueForm(forms.Form):
    letter_type = forms.ModelChoiceField(
        label=gettext_lazy("Jenis surat"), queryset=LetterType.objects.all()
    )
    nik = forms.CharField(label=gettext_lazy("NIK pemohon"), min_length=16, max_length=16)
    purpose = forms.CharField(label=gettext_lazy("Keperluan"), max_length=300)


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Cap.WRITE)
        if form.is_valid():
            person = persons_for(request.user).filter(nik=form.cleaned_data["nik"]).first()
            if person is None:
                form.add_error("nik", _("NIK ini tidak terdaftar di wilayah Anda."))
            else:
                try:
                    letter = letters.issue_letter(
                        actor=request.user,
                        letter_type=form.cleaned_data["letter_type"],
                        person=person,
                        purpose=form.cleaned_data["purpose"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Surat %(n)s diterbitkan.") % {"n": letter.number})
                    return redirect("services:letter", pk=letter.pk)
    issued = scope(
        Letter.objects.select_related("letter_type", "person"), request.user, "desa__code"
    )[:100]
    return render(
        request,
        "services/letters.html",
        {"form": form, "letters": issued, "can_write": can(request.user, Cap.WRITE)},
    )


def _letter(request: HttpRequest, pk: int) -> Letter:
    require(request.user, Cap.VIEW)
    return get_object_or_404(
        scope(
            Letter.objects.select_related("letter_type", "person", "issued_by"),
            request.user,
            "desa__code",
        ),
        pk=pk,
    )


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if request.method == "POST":
        try:
            letters.revoke_letter(
                actor=request.user, letter=letter, reason=request.POST.get("reason", "")
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            )
        else:
            messages.success(request, _("Surat dicabut; halaman verifikasinya kini menyatakannya."))
        return redirect("services:letter", pk=letter.pk)
    return render(
        request,
        "services/letter.html",
        {
            "letter": letter,
            "url": letters.verification_url(letter),
            "can_revoke": can(request.user, Cap.APPROVE),
        },
    )


def _qr_data_uri(text: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=3, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML

    url = letters.verification_url(letter)
    html = render_to_string(
        "services/letter_pdf.html",
        {"letter": letter, "c": letter.content, "url": url, "qr": _qr_data_uri(url)},
    )
    return bytes(HTML(string=html).write_pdf())


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    audit.record(actor=request.user, action=Action.EXPORT, obj=letter, wilayah_code=letter.desa_id)
    response = HttpResponse(render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="surat-{letter.year}-{letter.seq}.pdf"'
    return response


@limited("verify", limit=60, window_seconds=600)
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is this letter genuine, unchanged and not revoked? Nothing personal is shown
    beyond the masked name, so the holder can match it with the paper."""
    result = letters.verify(token, request.GET.get("h", ""))
    letter = result.letter
    response = render(
        request,
        "services/verify.html",
        {
            "status": result.status,
            "letter": letter,
            "masked": letters.masked_name(letter.content.get("name", "")) if letter else "",
        },
        status=404 if result.status == "unknown" else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
