"""The rule editor of a programme: the page (a tree editor over the JSON field, which stays
the form's field so the page works without JavaScript) and its live count (JSON in, JSON
out). Both count with the same selector, in the user's area."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sejahtera.accounts.permissions import require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.programs import services
from sejahtera.programs.forms import RuleForm
from sejahtera.programs.models import Programme
from sejahtera.programs.rule_editor import (
    check_rule,
    describe_types,
    preview_counts,
    preview_date,
)
from sejahtera.programs.selectors import rule_in_force
from sejahtera.programs.views import _programme


def _manageable(request: HttpRequest, code: str) -> Programme:
    programme = _programme(request, code)
    require(request.user, Cap.MANAGE_PROGRAMS)
    return programme


def _editor_text() -> dict[str, str]:
    """The editor's words, translated here (the script has no catalogue of its own)."""
    return {
        "all": _("Semua syarat berikut (DAN)"),
        "any": _("Salah satu (ATAU)"),
        "not": _("Bukan (TIDAK)"),
        "group_kind": _("Jenis grup"),
        "add_criterion": _("Tambah syarat"),
        "choose_type": _("— pilih jenis syarat —"),
        "add_group": _("Tambah grup"),
        "add": _("Tambah"),
        "remove": _("Hapus"),
        "remove_group": _("Hapus grup ini beserta isinya?"),
        "up": _("Naikkan"),
        "down": _("Turunkan"),
        "choose": _("— pilih —"),
        "unknown_choice": _("(tidak dikenal)"),
        "not_one": _(
            "TIDAK berisi satu syarat; untuk beberapa syarat, tambahkan grup di dalamnya."
        ),
        "unknown_part": _("Bagian yang tidak dikenal editor (ubah lewat JSON)"),
        "source": _("sumber"),
        "search_area": _("Cari nama desa atau kecamatan…"),
        "no_area": _("Belum ada wilayah dipilih."),
        "counting": _("Menghitung…"),
        "qualify": _("orang memenuhi syarat"),
        "in_force": _("aturan berlaku"),
        "none_in_force": _("belum ada aturan yang berlaku"),
        "as_of": _("data per"),
        "in_area": _("di wilayah Anda"),
        "failed": _("Jumlah tidak dapat dihitung. Muat ulang halaman bila berlanjut."),
        "bad_json": _("JSON di bagian Lanjutan tidak dapat dibaca; perbaiki di sana."),
        "errors": _("Aturan belum sah:"),
        "see_marks": _("perbaiki bagian yang bertanda merah."),
        "in_words": _("Dalam kata-kata:"),
        "list_hint": _("Pisahkan dengan koma."),
    }


def _render(
    request: HttpRequest, programme: Programme, form: RuleForm, preview: dict[str, Any] | None
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "programs/rule_edit.html",
        {
            "p": programme,
            "form": form,
            "preview": preview,
            "version": rule_in_force(programme, today),
            "types": describe_types(),
            "editor_text": _editor_text(),
            "written": {
                "criteria": programme.criteria_written,
                "target_groups": programme.target_groups,
            },
        },
    )


@login_required
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    programme = _manageable(request, code)
    today = timezone.localdate()
    version = rule_in_force(programme, today)
    initial = {
        "rule": json.dumps(version.rule if version else {"all": []}, indent=2, ensure_ascii=False),
        "valid_from_year": today.year,
    }
    form = RuleForm(request.POST or None, initial=initial)
    preview: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                saved = services.save_rule(
                    actor=request.user,
                    programme=programme,
                    rule=data["rule"],
                    valid_from_year=data["valid_from_year"],
                    note=data["note"],
                )
                messages.success(request, _("Aturan versi %(v)s disimpan.") % {"v": saved.version})
                return redirect("programs:detail", code=programme.code)
            checked = check_rule(data["rule"])
            if checked.tree is None:
                raise ValidationError([e["message"] for e in checked.errors])
            preview = preview_counts(
                programme,
                tree=checked.tree,
                as_of=preview_date(data["valid_from_year"], today),
                user=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                form.add_error("rule", exc.messages)  # a rule's problems belong to the rule
    return _render(request, programme, form, preview)


def _bad(*messages_: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"path": None, "message": m} for m in messages_]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
def rule_preview(request: HttpRequest, code: str) -> JsonResponse:
    """The live count. In: `{"rule": {...}, "valid_from_year": 2026}`. Out: `{count, current,
    words, as_of, parts}` (parts: the words of every criterion and group by its path), or
    400 with `{errors: [{path, message}], parts}`."""
    programme = _manageable(request, code)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _bad(_("Permintaan bukan JSON yang sah."))
    if not isinstance(body, dict) or "rule" not in body:
        return _bad(_("Permintaan harus berisi aturan (rule)."))
    today = timezone.localdate()
    year = body.get("valid_from_year", today.year)
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        return _bad(_("Tahun berlaku harus antara 2000 dan 2100."))
    checked = check_rule(body["rule"])
    if checked.tree is None:
        return JsonResponse(
            {"errors": checked.errors, "parts": checked.words},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    result = preview_counts(
        programme, tree=checked.tree, as_of=preview_date(year, today), user=request.user
    )
    return JsonResponse(
        {
            "count": result["count"],
            "current": result["current"],
            "words": result["words"],
            "as_of": result["as_of"].isoformat(),
            "as_of_display": result["as_of"].strftime("%d-%m-%Y"),
            "parts": checked.words,
        },
        json_dumps_params={"ensure_ascii": False},
    )
