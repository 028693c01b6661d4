"""The entry-time check: is this person perhaps already registered?

Candidates come from a few small indexed queries (the same NIK or the same first twelve
digits, the desa and birth year, which holds day/month swaps, the name key in the
kecamatan); each is scored in Python with the stored model's parameters (`spec.score`, the
same levels and weights Splink uses), so one check takes milliseconds and needs no DuckDB.
Without a trained model there is no check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from sejahtera.common.names import name_key
from sejahtera.linkage import records, spec
from sejahtera.linkage.models import LinkageModel
from sejahtera.registry.models import Person

DEFAULT_THRESHOLD = 0.5
MAX_CANDIDATES = 500
_parameters: dict[int, spec.Parameters] = {}


def current_parameters() -> tuple[int, spec.Parameters] | None:
    """The latest model's version and parameters (cached per version)."""
    latest = LinkageModel.objects.order_by("-version").values_list("pk", "version").first()
    if latest is None:
        return None
    pk, version = latest
    if version not in _parameters:
        model = LinkageModel.objects.get(pk=pk).model
        if not spec.compatible(model):
            return None
        _parameters.clear()
        _parameters[version] = spec.Parameters.from_model(model)
    return version, _parameters[version]


def _kecamatan_range(desa_code: str) -> Q:
    kecamatan = desa_code.rsplit(".", 1)[0]
    return Q(desa_id__gte=kecamatan + ".", desa_id__lt=kecamatan + "/")


def candidate_ids(
    *,
    name: str,
    birth_date: dt.date | None,
    nik: str,
    desa_code: str,
    within: Q | None = None,
) -> set[int]:
    """Ids of persons worth scoring: each query is small and uses an index. `within`
    narrows them (e.g. to a user's areas)."""
    base = Person.objects.filter(merged_into__isnull=True)
    if within is not None:
        base = base.filter(within)
    ids: set[int] = set()
    digits = "".join(ch for ch in nik if ch.isdigit())
    if digits:
        ids.update(base.filter(nik=digits).values_list("pk", flat=True)[:MAX_CANDIDATES])
    if len(digits) == 16:
        prefix = digits[:12]
        ids.update(
            base.filter(nik__gte=prefix + "0000", nik__lte=prefix + "9999").values_list(
                "pk", flat=True
            )[:MAX_CANDIDATES]
        )
    if desa_code and birth_date is not None:
        years = Q(birth_date__gte=dt.date(birth_date.year, 1, 1)) & Q(
            birth_date__lte=dt.date(birth_date.year, 12, 31)
        )
        ids.update(
            base.filter(years, desa_id=desa_code).values_list("pk", flat=True)[:MAX_CANDIDATES]
        )
    key = name_key(name)
    if not desa_code and key and birth_date is not None:
        # No desa (an outside list without one): the same name key and birth date anywhere.
        ids.update(
            base.filter(name_key=key, birth_date=birth_date).values_list("pk", flat=True)[
                :MAX_CANDIDATES
            ]
        )
    if desa_code and key:
        ids.update(
            base.filter(_kecamatan_range(desa_code), name_key=key).values_list("pk", flat=True)[
                :MAX_CANDIDATES
            ]
        )
    return ids


def likely_duplicates(
    *,
    name: str,
    birth_date: dt.date | None,
    nik: str | None,
    desa_code: str,
    mother_name: str = "",
    sex: str = "",
    kk_number: str = "",
    street: str = "",
    rt: str = "",
    rw: str = "",
    birth_place: str = "",
    exclude: tuple[int, ...] = (),
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
    within: Q | None = None,
) -> list[tuple[Person, float]]:
    """Registered persons who may be the person described, with the model's probability,
    most likely first. Empty when no model has been trained yet."""
    scored = score_candidates(
        name=name,
        birth_date=birth_date,
        nik=nik,
        desa_code=desa_code,
        mother_name=mother_name,
        sex=sex,
        kk_number=kk_number,
        street=street,
        rt=rt,
        rw=rw,
        birth_place=birth_place,
        exclude=exclude,
        within=within,
    )
    kept = [(pk, s.match_probability) for pk, s in scored if s.match_probability >= threshold]
    kept = kept[:limit]
    persons = Person.objects.select_related("desa").in_bulk([pk for pk, _p in kept])
    return [(persons[pk], probability) for pk, probability in kept if pk in persons]


def score_candidates(
    *,
    name: str,
    birth_date: dt.date | None,
    nik: str | None,
    desa_code: str,
    mother_name: str = "",
    sex: str = "",
    kk_number: str = "",
    street: str = "",
    rt: str = "",
    rw: str = "",
    birth_place: str = "",
    exclude: tuple[int, ...] = (),
    within: Q | None = None,
) -> list[tuple[int, spec.Scored]]:
    """Every candidate's id and score (with its levels), most likely first."""
    current = current_parameters()
    if current is None or not (name or "").strip():
        return []
    _version, parameters = current
    new = spec.features(
        unique_id=0,
        name=name,
        birth_date=birth_date,
        sex=sex,
        nik=nik,
        mother_name=mother_name,
        kk_number=kk_number,
        desa_code=desa_code,
        street=street,
        rt=rt,
        rw=rw,
        birth_place=birth_place,
    )
    ids = candidate_ids(
        name=name, birth_date=birth_date, nik=nik or "", desa_code=desa_code, within=within
    )
    ids.difference_update(exclude)
    if not ids:
        return []
    scored: list[tuple[int, spec.Scored]] = []
    rows = records.with_household(Person.objects.filter(pk__in=ids)).values_list(*records.FIELDS)
    for row in rows:
        found = records.record_of(row)
        gammas = {c.key: c.level_of(new, found) for c in spec.COMPARISONS}
        if not spec.siblings(gammas):
            scored.append((found["unique_id"], spec.explain(parameters, gammas)))
    scored.sort(key=lambda item: (-item[1].match_weight, item[0]))
    return scored


def describe(result: list[tuple[Person, float]]) -> list[dict[str, Any]]:
    return [
        {"person_id": person.pk, "name": person.name, "probability": round(probability, 4)}
        for person, probability in result
    ]


def proposal_warnings(user: Any, proposal: Any) -> list[str]:
    """Warnings for a new-household or new-person proposal whose members look like persons
    already registered (shown with the proposal's other warnings). A match outside the
    user's areas is named by its desa only."""
    from django.utils.translation import gettext as _

    from sejahtera.accounts.scoping import in_scope
    from sejahtera.common.formatting import mask_nik
    from sejahtera.registry.models import ProposalKind

    payload = proposal.payload or {}
    if proposal.kind == ProposalKind.NEW_HOUSEHOLD:
        household = payload.get("household") or {}
        members = payload.get("members") or []
    elif proposal.kind == ProposalKind.NEW_PERSON:
        current = proposal.household
        household = {
            "kk_number": current.kk_number if current else "",
            "street": current.street if current else "",
            "rt": current.rt if current else "",
            "rw": current.rw if current else "",
        }
        members = [payload.get("member") or {}]
    else:
        return []
    warnings = []
    for index, member in enumerate(members, start=1):
        born = member.get("birth_date") or None
        try:
            birth_date = dt.date.fromisoformat(born) if born else None
        except (TypeError, ValueError):
            birth_date = None
        found = likely_duplicates(
            name=str(member.get("name") or ""),
            birth_date=birth_date,
            nik=str(member.get("nik") or ""),
            desa_code=proposal.desa_id,
            mother_name=str(member.get("mother_name") or ""),
            sex=str(member.get("sex") or ""),
            kk_number=str(household.get("kk_number") or ""),
            street=str(household.get("street") or ""),
            rt=str(household.get("rt") or ""),
            rw=str(household.get("rw") or ""),
            birth_place=str(member.get("birth_place") or ""),
        )
        for person, probability in found:
            if in_scope(user, person.desa_id):
                who = _("%(name)s (#%(id)d, NIK %(nik)s, %(desa)s)") % {
                    "name": person.name,
                    "id": person.pk,
                    "nik": mask_nik(person.nik),
                    "desa": person.desa.name,
                }
            else:
                who = _("seseorang di %(desa)s") % {"desa": person.desa.name}
            warnings.append(
                _(
                    "%(member)s mungkin sudah terdaftar: mirip dengan %(who)s, peluang %(p)d%%. Periksa sebelum usulan diverifikasi."
                )
                % {
                    "member": member.get("name") or _("Anggota %(n)d") % {"n": index},
                    "who": who,
                    "p": round(probability * 100),
                }
            )
    return warnings
