"""Outside lists: upload, map the columns, follow the matching, download the result."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.common.exports import Export, start_export
from sejahtera.common.formatting import mask_nik
from sejahtera.linkage import outside
from sejahtera.linkage.models import OutsideList
from sejahtera.registry.imports.layout import TableFile, preview

SESSION_KEY = "linkage_outside"
_NIK_LIKE = re.compile(r"^\d{16}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas daftar (CSV atau XLSX)"),
        help_text=gettext_lazy(
            "Satu baris per orang, judul kolom di baris pertama: paling sedikit nama; "
            "NIK, tanggal lahir dan kode desa membuat pencocokan lebih tepat."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Sumber daftar"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Misalnya: Daftar KPM PKH Kemensos tahap 1 2026."),
    )


class MappingForm(forms.Form):
    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— tidak dipakai —")), *((h, h) for h in headers if h)]
        for column in outside.COLUMNS:
            self.fields[f"map_{column.key}"] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=column.required,
                error_messages={"required": _("Kolom ini wajib dipetakan.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for column in outside.COLUMNS:
            header = data.get(f"map_{column.key}")
            if not header:
                continue
            if header in seen:
                self.add_error(
                    f"map_{column.key}",
                    _("Kolom %(h)s sudah dipakai untuk %(f)s.") % {"h": header, "f": seen[header]},
                )
            seen[header] = str(column.label)
        return data

    def mapping(self) -> dict[str, str]:
        return {
            c.key: self.cleaned_data[f"map_{c.key}"]
            for c in outside.COLUMNS
            if self.cleaned_data.get(f"map_{c.key}")
        }


def lists_for(user: Any) -> Any:
    return OutsideList.objects.filter(uploaded_by=user)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.EXPORT)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, _table = outside.keep_upload(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except outside.ListRefused as exc:
            form.add_error("file", str(exc))
        else:
            request.session[SESSION_KEY] = {
                "token": token,
                "name": form.cleaned_data["file"].name,
                "source": form.cleaned_data["source"],
            }
            return redirect("linkage:outside_mapping")
    page = Paginator(lists_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "linkage/outside_upload.html", {"form": form, "page": page})


@login_required
def mapping(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.EXPORT)
    pending = request.session.get(SESSION_KEY) or {}
    try:
        path = outside.stored_path(str(pending.get("token", "")))
    except outside.ListRefused as exc:
        messages.error(request, str(exc))
        return redirect("linkage:outside")
    table = TableFile(path)
    headers = table.headers()
    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers)
    else:
        initial = {f"map_{k}": v for k, v in outside.suggest_mapping(headers).items()}
        form = MappingForm(initial=initial, headers=headers)
    if request.method == "POST" and form.is_valid():
        try:
            created = outside.create_outside_list(
                actor=request.user,
                token=pending["token"],
                file_name=pending["name"],
                source=pending.get("source", ""),
                mapping=form.mapping(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except outside.ListRefused as exc:
            form.add_error(None, str(exc))
        else:
            del request.session[SESSION_KEY]
            return redirect("linkage:outside_result", pk=created.pk)
    rows = [
        [mask_nik(cell) if _NIK_LIKE.match(cell) else cell for cell in row]
        for row in preview(table)
    ]
    return render(
        request,
        "linkage/outside_mapping.html",
        {"form": form, "headers": headers, "rows": rows, "file_name": pending.get("name", "")},
    )


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.EXPORT)
    found = lists_for(request.user).select_related("job").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Daftar tidak ditemukan."))
    if request.GET.get("format") == "xlsx":
        export = start_export(request, what=_("Hasil pencocokan daftar %(name)s") % {"name": found})
        if not isinstance(export, Export):
            return export
        headers, rows = outside.result_rows(found)
        return export.xlsx(
            headers,
            rows,
            title=_("Hasil pencocokan"),
            name=f"hasil-pencocokan-{found.pk}",
            object_type=found._meta.label_lower,
            object_repr=str(found),
            obj=found,
        )
    items = found.items.select_related("person__desa").order_by("line")
    status = request.GET.get("hasil", "")
    if status:
        items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/outside_result.html",
        {"list": found, "page": page, "job": found.job, "status": status},
    )
