"""Pages of duplicate review: the queue of candidate pairs (with the search job), one pair
side by side with the decision, the merges (with undo) and the trained model."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.views import add_service_errors
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.exports import Export, start_export
from sejahtera.common.formatting import mask_nik
from sejahtera.jobs.selectors import jobs_for
from sejahtera.linkage import runs, selectors, services, spec
from sejahtera.linkage.access import can_review
from sejahtera.linkage.filtersets import PairFilterSet
from sejahtera.linkage.forms import DecideForm, RunForm, UndoForm
from sejahtera.linkage.models import CandidatePair, Decision
from sejahtera.registry.models import Person
from sejahtera.registry.selectors import household_of


def _filtered(request: HttpRequest) -> PairFilterSet:
    return PairFilterSet(
        request.GET or None,
        queryset=selectors.pairs_for(request.user).order_by("-match_probability", "id"),
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The pairs waiting for a decision, most likely first; reviewers start a search here."""
    require(request.user, Cap.VIEW)
    filterset = _filtered(request)
    if request.GET.get("format") == "xlsx":
        return _export(request, filterset.qs)
    reviewer = can_review(request.user)
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        if form.is_valid():
            try:
                job = runs.start_duplicate_search(
                    actor=request.user,
                    retrain=form.cleaned_data["retrain"],
                    threshold=form.cleaned_data["threshold"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Pencarian data ganda dimulai."))
                return redirect("jobs:detail", pk=job.pk)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "linkage/queue.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "form": form if reviewer else None,
            "model": selectors.latest_model(),
            "job": jobs_for(request.user).filter(kind=runs.JOB_KIND).first(),
            "can_export": can(request.user, Cap.EXPORT),
            "reviewer": reviewer,
        },
    )


def _export(request: HttpRequest, pairs: QuerySet[CandidatePair]) -> HttpResponse:
    export = start_export(request, what=_("Daftar calon data ganda"))
    if not isinstance(export, Export):
        return export
    rows = list(pairs[:20_000])
    headers = [
        _("Peluang sama"),
        _("Nama A"),
        _("NIK A"),
        _("Desa A"),
        _("Nama B"),
        _("NIK B"),
        _("Desa B"),
        _("Model"),
    ]
    data = [
        [
            round(p.match_probability, 4),
            p.person_a.name,
            mask_nik(p.person_a.nik),
            p.person_a.desa.name,
            p.person_b.name,
            mask_nik(p.person_b.nik),
            p.person_b.desa.name,
            p.linkage_model.version,
        ]
        for p in rows
    ]
    return export.xlsx(
        headers,
        data,
        title=_("Calon data ganda"),
        name="calon-data-ganda",
        object_type="linkage.candidatepair",
        object_repr=_("Daftar calon data ganda"),
    )


FIELD_ROWS = (
    ("nama", _("Nama"), "name"),
    ("nik", _("NIK"), "nik"),
    ("tanggal_lahir", _("Tanggal lahir"), "birth_date"),
    ("tempat_lahir", _("Tempat lahir"), "birth_place"),
    ("jenis_kelamin", _("Jenis kelamin"), "sex"),
    ("ibu", _("Nama ibu kandung"), "mother_name"),
    ("kk", _("Nomor KK"), "kk"),
    ("alamat", _("Alamat"), "address"),
)


def _side(person: Person) -> dict[str, Any]:
    household = household_of(person)
    related = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or model._meta.app_label in services.SKIP_APPS:
            continue
        if relation.many_to_many:
            continue
        count = model._base_manager.filter(**{relation.field.name: person}).count()
        if count:
            related.append((str(model._meta.verbose_name_plural), count))
    address = ""
    if household is not None:
        address = ", ".join(
            part
            for part in (
                household.street,
                f"RT {household.rt}/RW {household.rw}" if household.rt or household.rw else "",
                person.desa.name,
            )
            if part
        )
    return {
        "person": person,
        "name": person.name,
        "nik": person.nik or _("(tanpa NIK)"),
        "birth_date": person.birth_date,
        "birth_place": person.birth_place,
        "sex": person.get_sex_display(),
        "mother_name": person.mother_name,
        "kk": household.kk_number if household else "",
        "household": household,
        "address": address or person.desa.name,
        "related": related,
    }


def _rows(pair: CandidatePair, a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label, attr in FIELD_ROWS:
        level = pair.levels.get(key) or {}
        weight = level.get("weight")
        rows.append(
            {
                "label": label,
                "a": a[attr],
                "b": b[attr],
                "level": level.get("label", ""),
                "weight": weight,
                "tone": "secondary"
                if weight is None
                else ("success" if weight > 0.5 else ("danger" if weight < -0.5 else "warning")),
            }
        )
    return rows


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    pair = selectors.pairs_for(request.user).filter(pk=pk).first()
    if pair is None:
        raise Http404(_("Pasangan tidak ditemukan atau sudah diputuskan."))
    a, b = _side(pair.person_a), _side(pair.person_b)
    choices = [
        (str(p.pk), f"{p.name} · {mask_nik(p.nik)} · #{p.pk}")
        for p in (pair.person_a, pair.person_b)
    ]
    form = DecideForm(request.POST or None, choices=choices)
    reviewer = can_review(request.user)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            survivor_pk = form.cleaned_data.get("survivor")
            survivor = pair.person_a if survivor_pk == str(pair.person_a_id) else pair.person_b
            try:
                services.decide_pair(
                    actor=request.user,
                    person_a=pair.person_a,
                    person_b=pair.person_b,
                    decision=decision,
                    survivor=survivor if decision == Decision.SAME else None,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Digabung: data ganda ditandai dan catatannya dipindahkan.")
                    if decision == Decision.SAME
                    else _("Dicatat sebagai dua orang yang berbeda."),
                )
                following = selectors.pairs_for(request.user).order_by("-match_probability", "id")
                nxt = following.values_list("pk", flat=True).first()
                return redirect("linkage:pair", pk=nxt) if nxt else redirect("linkage:queue")
    for person in (pair.person_a, pair.person_b):
        audit.record(
            actor=request.user, action=Action.VIEW, obj=person, wilayah_code=person.desa_id
        )
    return render(
        request,
        "linkage/pair.html",
        {
            "pair": pair,
            "a": a,
            "b": b,
            "rows": _rows(pair, a, b),
            "form": form if reviewer else None,
        },
    )


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    page = Paginator(selectors.merges_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "linkage/merges.html", {"page": page})


@login_required
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW)
    merge = selectors.merges_for(request.user).filter(pk=pk).first()
    if merge is None:
        raise Http404(_("Penggabungan tidak ditemukan."))
    reviewer = can_review(request.user)
    form = UndoForm(request.POST or None)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.undo_merge(
                    actor=request.user, merge=merge, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Penggabungan dibatalkan; catatan dikembalikan."))
                return redirect("linkage:merge", pk=merge.pk)
    return render(
        request,
        "linkage/merge.html",
        {
            "merge": merge,
            "records": merge.records.all(),
            "form": form if reviewer and merge.undone_at is None else None,
        },
    )


@login_required
def model_detail(request: HttpRequest) -> HttpResponse:
    """The latest model's weights, level by level: what each agreement counts for."""
    require(request.user, Cap.VIEW)
    model = selectors.latest_model()
    comparisons = []
    if model is not None:
        parameters = spec.Parameters.from_model(model.model)
        for comparison in spec.COMPARISONS:
            weights = parameters.weights.get(comparison.key, [])
            comparisons.append(
                {
                    "label": comparison.label,
                    "levels": [
                        (level.label, weights[i] if i < len(weights) else None)
                        for i, level in enumerate(comparison.levels)
                    ],
                }
            )
    return render(request, "linkage/model.html", {"model": model, "comparisons": comparisons})
