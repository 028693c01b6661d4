"""Importing a household/person list: upload, map the columns, follow the job."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.common.formatting import mask_nik
from sejahtera.jobs.selectors import jobs_for
from sejahtera.registry.imports.layout import FIELDS, TableFile, preview, suggest_mapping
from sejahtera.registry.services.imports import (
    JOB_KIND,
    UploadRefused,
    keep_upload,
    start_registry_import,
    stored_path,
)

SESSION_KEY = "registry_import"
_NIK_LIKE = re.compile(r"^\d{16}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas daftar (CSV atau XLSX)"),
        help_text=gettext_lazy(
            "Satu baris per orang: nomor KK, kode desa, NIK, nama, tanggal lahir, jenis kelamin, "
            "hubungan keluarga, dan kolom lain bila ada. Judul kolom di baris pertama."
        ),
    )


class MappingForm(forms.Form):
    default_period = forms.RegexField(
        label=gettext_lazy("Periode data bila berkas tidak memuatnya (TTTT-BB)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": gettext_lazy("Tulis periode seperti 2025-03.")},
    )

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— tidak dipakai —")), *((h, h) for h in headers if h)]
        for field in FIELDS:
            self.fields[f"map_{field.key}"] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=field.required,
                error_messages={"required": _("Kolom ini wajib dipetakan.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for field in FIELDS:
            header = data.get(f"map_{field.key}")
            if not header:
                continue
            if header in seen:
                self.add_error(
                    f"map_{field.key}",
                    _("Kolom %(h)s sudah dipakai untuk %(f)s.") % {"h": header, "f": seen[header]},
                )
            seen[header] = str(field.label)
        return data

    def mapping(self) -> dict[str, str]:
        return {
            f.key: self.cleaned_data[f"map_{f.key}"]
            for f in FIELDS
            if self.cleaned_data.get(f"map_{f.key}")
        }


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.IMPORT)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            token, _table = keep_upload(actor=request.user, upload=upload)
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            request.session[SESSION_KEY] = {"token": token, "name": upload.name}
            return redirect("registry:import_mapping")
    jobs = jobs_for(request.user).filter(kind=JOB_KIND)[:20]
    return render(request, "registry/import_start.html", {"form": form, "jobs": jobs})


@login_required
def import_mapping(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.IMPORT)
    pending = request.session.get(SESSION_KEY) or {}
    try:
        path = stored_path(str(pending.get("token", "")))
    except UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect("registry:import_start")
    table = TableFile(path)
    headers = table.headers()
    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers)
    else:
        initial = {f"map_{k}": v for k, v in suggest_mapping(headers).items()}
        form = MappingForm(initial=initial, headers=headers)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_registry_import(
                actor=request.user,
                token=pending["token"],
                mapping=form.mapping(),
                file_name=pending["name"],
                default_period=form.cleaned_data["default_period"],
            )
        except UploadRefused as exc:
            form.add_error(None, str(exc))
        else:
            del request.session[SESSION_KEY]
            return redirect("jobs:detail", pk=job.pk)
    rows = [
        [mask_nik(cell) if _NIK_LIKE.match(cell) else cell for cell in row]
        for row in preview(table)
    ]
    return render(
        request,
        "registry/import_mapping.html",
        {"form": form, "headers": headers, "rows": rows, "file_name": pending.get("name", "")},
    )
