"""Pages of the data-quality report: counts per check for an area with a drill-down to its
kecamatan and desa, the list of what a check finds (masked NIKs, links to the record and to
the proposal that would fix it), and both as .xlsx. What a listed record shows (the reasons in
the words of `check_nik` and `category_refusals`, the links) is worked out here for the rows
of one page, or one export chunk, at a time."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import area_codes, in_scope
from sejahtera.common.exports import Export, start_export
from sejahtera.common.formatting import mask_nik
from sejahtera.common.nik import check_nik, region_code
from sejahtera.linkage import quality
from sejahtera.registry.choices import Relation
from sejahtera.registry.models import Household, Membership, Person, PpksAssessment
from sejahtera.registry.rules import category_refusals
from sejahtera.wilayah.models import Level, Wilayah


@dataclass
class AreaRow:
    code: str
    name: str
    level: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Report:
    area: Wilayah | None
    rows: list[AreaRow]
    totals: dict[str, int]
    seconds: dict[str, float]
    computed_at: dt.datetime
    kept: bool  # taken from the cache, not computed for this request
    checks: tuple[quality.Check, ...] = quality.CHECKS


# The counts of an area are kept this long: at district scale the nine statements take
# seconds, and a registry changes through proposals that take days, not minutes.
CACHE_SECONDS = 300


def report(
    *, user: Any, today: dt.date, area: Wilayah | None = None, fresh: bool = False
) -> Report:
    """Counts of every check in `area` (or in all the user's areas), in total and per
    child area (kecamatan of a kabupaten, desa of a kecamatan; the user's own areas when no
    area is chosen). Kept for CACHE_SECONDS per scope, area and day unless `fresh`."""
    if area is not None:
        children = list(Wilayah.objects.filter(parent_id=area.code).order_by("code"))
    else:
        children = list(Wilayah.objects.filter(code__in=area_codes(user)).order_by("code"))
    codes = area_codes(user) if can(user, Cap.VIEW) else ()
    key = "linkage:quality:" + ":".join([today.isoformat(), area.code if area else "", *codes])
    kept = None if fresh else cache.get(key)
    if kept is None:
        per_check: dict[str, dict[str, int]] = {}
        seconds: dict[str, float] = {}
        for check in quality.CHECKS:
            start = time.perf_counter()
            per_check[check.key] = (
                quality.counts_by_desa(
                    check, user=user, today=today, area=area.code if area else None
                )
                if codes
                else {}
            )
            seconds[check.key] = time.perf_counter() - start
        computed_at = timezone.now()
        cache.set(key, (per_check, seconds, computed_at), CACHE_SECONDS)
    else:
        per_check, seconds, computed_at = kept
    rows = [AreaRow(code=w.code, name=w.name, level=w.level) for w in children]
    for row in rows:
        prefix = row.code + "."
        for check in quality.CHECKS:
            row.counts[check.key] = sum(
                n
                for code, n in per_check[check.key].items()
                if code == row.code or code.startswith(prefix)
            )
    totals = {key: sum(counts.values()) for key, counts in per_check.items()}
    return Report(
        area=area,
        rows=rows,
        totals=totals,
        seconds=seconds,
        computed_at=computed_at,
        kept=kept is not None,
    )


PAGE_SIZE = 50


def visible_area(user: Any, code: str) -> Wilayah | None:
    """The area `code` if it is one of the user's areas or inside one."""
    if not code or not in_scope(user, code):
        return None
    return Wilayah.objects.filter(code=code).first()


def _trail(user: Any, area: Wilayah | None) -> list[Wilayah]:
    """The area and those above it that are the user's too, for the breadcrumb."""
    if area is None:
        return []
    parts = area.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return list(
        Wilayah.objects.filter(code__in=[c for c in codes if in_scope(user, c)]).order_by("code")
    )


def _area(request: HttpRequest) -> Wilayah | None:
    """The area asked for (`?area=`), which must be one of the user's areas or inside one
    (otherwise 404); without it, the user's only area, or None for all of several."""
    code = request.GET.get("area", "").strip()
    if not code:
        codes = area_codes(request.user)
        return visible_area(request.user, codes[0]) if len(codes) == 1 else None
    area = visible_area(request.user, code)
    if area is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    return area


def _list_url(key: str, area: str | None) -> str:
    url = reverse("linkage:quality_list", args=[key])
    return f"{url}?{urlencode({'area': area})}" if area else url


def _area_label(area: Wilayah | None) -> str:
    return area.display_name if area is not None else _("Semua wilayah Anda")


@login_required
def quality_report(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW)
    area = _area(request)
    fresh = request.GET.get("segar") == "1"
    data = report(user=request.user, today=timezone.localdate(), area=area, fresh=fresh)
    if request.GET.get("format") == "xlsx":
        return _export_report(request, data)
    code = area.code if area else None
    summary = [
        {
            "check": check,
            "count": data.totals[check.key],
            "url": _list_url(check.key, code),
            "seconds": data.seconds[check.key],
        }
        for check in data.checks
    ]
    drill = area is None or area.level < Level.DESA
    matrix = [
        {
            "row": row,
            "url": f"?{urlencode({'area': row.code})}" if drill else "",
            "cells": [
                {"count": row.counts[check.key], "url": _list_url(check.key, row.code)}
                for check in data.checks
            ],
        }
        for row in data.rows
    ]
    return render(
        request,
        "linkage/quality.html",
        {
            "report": data,
            "trail": _trail(request.user, area),
            "area_label": _area_label(area),
            "summary": summary,
            "matrix": matrix,
            "child_label": _child_label(area),
            "rules": quality.RULES,
            "seconds": sum(data.seconds.values()),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _child_label(area: Wilayah | None) -> str:
    if area is None:
        return _("Wilayah")
    return {
        Level.PROVINSI: _("Kabupaten/kota"),
        Level.KABUPATEN: _("Kecamatan"),
        Level.KECAMATAN: _("Desa/kelurahan"),
    }.get(Level(area.level), _("Wilayah"))


def _export_report(request: HttpRequest, data: Report) -> HttpResponse:
    # Counts of findings per area: no person in it, so no purpose is asked.
    area = data.area
    title = _("Laporan kualitas data: %(area)s") % {"area": _area_label(area)}
    export = start_export(request, what=title, personal=False)
    if not isinstance(export, Export):
        return export
    headers = [_("Kode wilayah"), _("Wilayah")] + [str(c.title) for c in data.checks]
    rows: list[list[Any]] = [
        [row.code, row.name] + [row.counts[c.key] for c in data.checks] for row in data.rows
    ]
    rows.append(
        [area.code if area else "", _("Jumlah")] + [data.totals[c.key] for c in data.checks]
    )
    return export.xlsx(
        headers,
        rows,
        title=_("Kualitas data"),
        name="kualitas-data",
        object_type="linkage.quality",
        object_repr=title,
        wilayah_code=area.code if area else "",
        extra={"area": area.code if area else "", "totals": data.totals},
    )


@login_required
def quality_list(request: HttpRequest, check: str) -> HttpResponse:
    require(request.user, Cap.VIEW)
    found = quality.BY_KEY.get(check)
    if found is None:
        raise Http404(_("Pemeriksaan tidak dikenal."))
    area = _area(request)
    today = timezone.localdate()
    records = quality.listing(
        found, user=request.user, today=today, area=area.code if area else None
    )
    if request.GET.get("format") == "xlsx":
        return _export_list(request, found, area, records)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "linkage/quality_list.html",
        {
            "check": found,
            "area": area,
            "area_label": _area_label(area),
            "page": page,
            "items": describe(found, list(page.object_list), user=request.user, today=today),
            "query": query.urlencode(),
            "back": f"{reverse('linkage:quality')}?{urlencode({'area': area.code})}"
            if area
            else reverse("linkage:quality"),
            "can_export": can(request.user, Cap.EXPORT),
        },
    )


def _export_list(
    request: HttpRequest, check: quality.Check, area: Wilayah | None, records: Any
) -> HttpResponse:
    export = start_export(request, what=str(check.title))
    if not isinstance(export, Export):
        return export
    today = timezone.localdate()
    rows: list[list[Any]] = []
    for chunk in chunks(records):
        for item in describe(check, chunk, user=request.user, today=today):
            person, household = item.person, item.household
            rows.append(
                [
                    item.desa,
                    person.name if person else "",
                    mask_nik(person.nik) if person and person.nik else "",
                    mask_nik(household.kk_number) if household and household.kk_number else "",
                    " ".join(item.reasons),
                ]
            )
    headers = [_("Desa/kelurahan"), _("Nama"), _("NIK"), _("Nomor KK"), _("Temuan")]
    return export.xlsx(
        headers,
        rows,
        title=check.key,
        name=f"kualitas-{check.key}",
        object_type="linkage.quality",
        object_repr=str(check.title),
        wilayah_code=area.code if area else "",
        extra={"check": check.key, "area": area.code if area else ""},
    )


@dataclass
class Item:
    person: Person | None
    household: Household | None
    desa: str
    reasons: list[str]
    links: list[tuple[str, str]]


def describe(
    check: quality.Check, records: Sequence[Any], *, user: Any, today: dt.date
) -> list[Item]:
    """The rows of one page: the reasons in words and the links to see and to fix."""
    propose = can(user, Cap.PROPOSE)
    return _EXPLAINERS[check.key](check, list(records), user, today, propose)


def _person_links(person: Person, propose: bool, *, removal: bool = False) -> list[tuple[str, str]]:
    links = [(_("Lihat penduduk"), reverse("registry:person_detail", args=[person.pk]))]
    if propose:
        links.append(
            (
                _("Usul perbaikan data"),
                reverse("registry:propose_change", kwargs={"kind": "penduduk", "pk": person.pk}),
            )
        )
        if removal:
            links.append(
                (_("Usul penghapusan"), reverse("registry:propose_removal", args=[person.pk]))
            )
    return links


def _household_links(household: Household, propose: bool) -> list[tuple[str, str]]:
    links = [(_("Lihat keluarga"), reverse("registry:household_detail", args=[household.pk]))]
    if propose:
        links.append(
            (
                _("Usul susunan keluarga"),
                reverse("registry:propose_composition", args=[household.pk]),
            )
        )
    return links


def _rule_reasons(check: quality.Check, record: Any) -> list[str]:
    return [
        str(rule.wording)
        for i, rule in enumerate(check.rules)
        if getattr(record, f"rule_{i}", False)
    ]


def _explain_nik(
    check: quality.Check, persons: list[Person], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    regions = {region_code(p.nik) for p in persons if p.nik and len(p.nik) == 16}
    known = set(
        Wilayah.objects.filter(level=Level.KECAMATAN, code__in=regions).values_list(
            "code", flat=True
        )
    )
    items = []
    for p in persons:
        result = check_nik(
            p.nik or "",
            birth_date=p.birth_date,
            sex=p.sex,
            region_exists=known.__contains__,
            today=today,
        )
        reasons = result.errors if check.key == "nik-tidak-sah" else result.warnings
        if not reasons:  # a stored value that check_nik tidies (spaces) before checking
            reasons = [_("NIK tersimpan tidak berupa 16 angka.")]
        reasons = [_scrub(reason, p.nik or "") for reason in reasons]
        items.append(Item(p, None, p.desa.name, reasons, _person_links(p, propose)))
    return items


def _scrub(text: str, nik: str) -> str:
    """Hide in `check_nik`'s words the digits that the masked NIK hides (5-12)."""
    if len(nik) >= 12:
        text = text.replace(nik[6:12], "••••••")
        region = region_code(nik)
        text = text.replace(region, region[:6] + "••")
    return text


def _explain_shared(
    check: quality.Check, persons: list[Person], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    keys = {p.nik.replace(" ", "").replace(".", "").replace("-", "") for p in persons if p.nik}
    separated = Q(nik__contains=" ") | Q(nik__contains=".") | Q(nik__contains="-")
    users = dict(
        quality.persons()
        .filter(Q(nik__in=keys) | separated)
        .annotate(key=quality.nik_key())
        .filter(key__in=keys)
        .values("key")
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )
    items = []
    for p in persons:
        key = (p.nik or "").replace(" ", "").replace(".", "").replace("-", "")
        reason = _("NIK %(nik)s tercatat pada %(n)d orang.") % {"nik": key, "n": users.get(key, 0)}
        items.append(Item(p, None, p.desa.name, [_mask(reason, key)], _person_links(p, propose)))
    return items


def _mask(text: str, nik: str) -> str:
    return text.replace(nik, mask_nik(nik)) if nik else text


def _explain_overlap(
    check: quality.Check, persons: list[Person], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for m in (
        quality.overlapping_memberships()
        .filter(person__in=persons)
        .select_related("household")
        .order_by("start_date")
    ):
        memberships[m.person_id].append(m)
    items = []
    for p in persons:
        reasons, links = [], _person_links(p, propose)
        for m in memberships[p.pk]:
            until = m.end_date.strftime("%d-%m-%Y") if m.end_date else _("sekarang")
            reasons.append(
                _("KK %(kk)s sebagai %(relation)s, %(start)s sampai %(end)s.")
                % {
                    "kk": _masked_kk(m.household),
                    "relation": m.get_relation_display().lower(),
                    "start": m.start_date.strftime("%d-%m-%Y"),
                    "end": until,
                }
            )
            if m.end_date is None and in_scope(user, m.household.desa_id):
                links += _household_links(m.household, propose)
        items.append(Item(p, None, p.desa.name, reasons, links))
    return items


def _masked_kk(household: Household) -> str:
    return mask_nik(household.kk_number) if household.kk_number else "-"


def _explain_heads(
    check: quality.Check, households: list[Household], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    counts: dict[int, tuple[int, int]] = {
        household: (heads, members)
        for household, heads, members in quality.open_memberships()
        .filter(household__in=households)
        .values("household_id")
        .annotate(heads=Count("pk", filter=Q(relation=Relation.HEAD)), members=Count("pk"))
        .values_list("household_id", "heads", "members")
    }
    items = []
    for h in households:
        heads, members = counts.get(h.pk, (0, 0))
        if heads == 0:
            reason = _("Tidak ada kepala keluarga di antara %(n)d anggota.") % {"n": members}
        else:
            reason = _("%(heads)d kepala keluarga di antara %(n)d anggota.") % {
                "heads": heads,
                "n": members,
            }
        items.append(Item(None, h, h.desa.name, [reason], _household_links(h, propose)))
    return items


def _explain_ages(
    check: quality.Check, persons: list[Person], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    return [
        Item(p, None, p.desa.name, _rule_reasons(check, p), _person_links(p, propose))
        for p in persons
    ]


def _explain_relations(
    check: quality.Check, rows: list[Membership], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    def day(value: dt.date | None) -> str:
        return value.strftime("%d-%m-%Y") if value else "-"

    return [
        Item(
            m.person,
            m.household,
            m.household.desa.name,
            [
                _("Tercatat sebagai %(relation)s, lahir %(born)s; kepala keluarga lahir %(head)s.")
                % {
                    "relation": m.get_relation_display().lower(),
                    "born": day(m.person.birth_date),
                    "head": day(getattr(m, "head_born", None)),
                },
                *_rule_reasons(check, m),
            ],
            _person_links(m.person, propose) + _household_links(m.household, propose),
        )
        for m in rows
    ]


def _explain_deceased(
    check: quality.Check, persons: list[Person], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    reasons: dict[int, list[str]] = defaultdict(list)
    cycles: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for b in (
        quality.listed_beneficiaries()
        .filter(person__in=persons)
        .select_related("cycle__programme")
        .order_by("cycle_id")
    ):
        reasons[b.person_id].append(
            _("Penerima %(cycle)s (siklus berstatus %(status)s).")
            % {"cycle": str(b.cycle), "status": b.cycle.get_status_display().lower()}
        )
        cycles[b.person_id].append(
            (_("Lihat siklus"), reverse("programs:cycle", args=[b.cycle_id]))
        )
    for part in quality.open_participations().filter(person__in=persons).order_by("period_start"):
        end = part.period_end.strftime("%d-%m-%Y") if part.period_end else _("tanpa akhir")
        reasons[part.person_id or 0].append(
            _("Peserta %(programme)s sejak %(start)s, %(end)s.")
            % {
                "programme": part.programme,
                "start": part.period_start.strftime("%d-%m-%Y"),
                "end": end,
            }
        )
    items = []
    for p in persons:
        died = p.death_date.strftime("%d-%m-%Y") if p.death_date else _("tanggal tidak tercatat")
        items.append(
            Item(
                p,
                None,
                p.desa.name,
                [_("Meninggal: %(date)s.") % {"date": died}, *reasons[p.pk]],
                _person_links(p, propose, removal=True) + cycles[p.pk],
            )
        )
    return items


def _explain_ppks(
    check: quality.Check, rows: list[PpksAssessment], user: Any, today: dt.date, propose: bool
) -> list[Item]:
    items = []
    for a in rows:
        refusals = category_refusals(
            category=a.category, person=a.person, household=a.household, on=today
        )
        head = _("%(category)s, dinilai %(date)s.") % {
            "category": a.category.name,
            "date": a.assessed_on.strftime("%d-%m-%Y"),
        }
        if a.person is not None:
            links = _person_links(a.person, propose)
            desa = a.person.desa.name
        else:
            assert a.household is not None
            links = _household_links(a.household, propose=False)
            desa = a.household.desa.name
        items.append(Item(a.person, a.household, desa, [head, *refusals], links))
    return items


Explainer = Callable[[quality.Check, list[Any], Any, dt.date, bool], list[Item]]
_EXPLAINERS: dict[str, Explainer] = {
    "nik-tidak-sah": _explain_nik,
    "nik-tidak-cocok": _explain_nik,
    "nik-ganda": _explain_shared,
    "dua-keluarga": _explain_overlap,
    "kepala-keluarga": _explain_heads,
    "umur": _explain_ages,
    "hubungan": _explain_relations,
    "meninggal-penerima": _explain_deceased,
    "ppks": _explain_ppks,
}


def chunks(qs: QuerySet[Any], size: int = 2000) -> Iterable[list[Any]]:
    """The records of a listing in chunks, for an export described a chunk at a time."""
    batch: list[Any] = []
    for record in qs.iterator(chunk_size=size):
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
