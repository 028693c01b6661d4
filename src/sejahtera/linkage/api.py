"""/api/data/: the duplicate queue and the one-record check, for the office's other tools
(and the registry forms)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import in_scope
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate
from sejahtera.common.formatting import mask_nik
from sejahtera.linkage import selectors, services
from sejahtera.linkage.check import current_parameters, likely_duplicates
from sejahtera.linkage.filtersets import PairFilterSet
from sejahtera.linkage.models import CandidatePair, Decision, PairDecision

router: Router = CapabilityRouter(Cap.VIEW, tags=["kualitas data"])
PairFilters = filter_schema(PairFilterSet)


class PairOut(Schema):
    id: int
    person_a: int
    person_b: int
    name_a: str
    name_b: str
    nik_a: str
    nik_b: str
    desa_a: str
    desa_b: str
    match_probability: float
    match_weight: float
    model_version: int
    levels: dict[str, dict[str, object]]

    @staticmethod
    def resolve_person_a(obj: CandidatePair) -> int:
        return obj.person_a_id

    @staticmethod
    def resolve_person_b(obj: CandidatePair) -> int:
        return obj.person_b_id

    @staticmethod
    def resolve_name_a(obj: CandidatePair) -> str:
        return obj.person_a.name

    @staticmethod
    def resolve_name_b(obj: CandidatePair) -> str:
        return obj.person_b.name

    @staticmethod
    def resolve_nik_a(obj: CandidatePair) -> str:
        return mask_nik(obj.person_a.nik)

    @staticmethod
    def resolve_nik_b(obj: CandidatePair) -> str:
        return mask_nik(obj.person_b.nik)

    @staticmethod
    def resolve_model_version(obj: CandidatePair) -> int:
        return obj.linkage_model.version


@router.get("/pasangan", response=list[PairOut], summary="Pasangan calon data ganda")
@paginate
def list_pairs(request: HttpRequest, filters: Query[PairFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(
        PairFilterSet,
        filters,
        selectors.pairs_for(request.user).order_by("-match_probability", "id"),
    )


class DecisionIn(Schema):
    decision: str
    survivor: int | None = None
    note: str = ""


class DecisionOut(Schema):
    id: int
    person_a: int
    person_b: int
    decision: str

    @staticmethod
    def resolve_person_a(obj: PairDecision) -> int:
        return obj.person_a_id

    @staticmethod
    def resolve_person_b(obj: PairDecision) -> int:
        return obj.person_b_id


@router.post(
    "/pasangan/{pair_id}/keputusan",
    response=DecisionOut,
    summary="Putuskan pasangan: orang yang sama (digabung) atau berbeda",
)
def decide(request: HttpRequest, pair_id: int, data: DecisionIn) -> PairDecision:
    pair = selectors.pairs_for(request.user).filter(pk=pair_id).first()
    if pair is None:
        raise HttpError(404, "Pasangan tidak ditemukan atau sudah diputuskan.")
    survivor = None
    if data.decision == Decision.SAME:
        survivor = {pair.person_a_id: pair.person_a, pair.person_b_id: pair.person_b}.get(
            data.survivor or 0
        )
    try:
        return services.decide_pair(
            actor=request.user,
            person_a=pair.person_a,
            person_b=pair.person_b,
            decision=data.decision,
            survivor=survivor,
            note=data.note,
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc


class CheckIn(Schema):
    name: str
    birth_date: dt.date | None = None
    nik: str = ""
    desa_code: str
    mother_name: str = ""
    sex: str = ""
    kk_number: str = ""


class MatchOut(Schema):
    person_id: int | None
    name: str | None
    nik: str | None
    desa_code: str
    probability: float


class CheckOut(Schema):
    model_version: int | None
    matches: list[MatchOut]


@router.post(
    "/periksa",
    response=CheckOut,
    summary="Periksa satu orang: mungkin sudah terdaftar? (data orang di luar wilayah Anda disembunyikan)",
)
def check(request: HttpRequest, data: CheckIn) -> CheckOut:
    if not in_scope(request.user, data.desa_code):
        raise HttpError(403, "Desa di luar wilayah kerja Anda.")
    current = current_parameters()
    found = likely_duplicates(
        name=data.name,
        birth_date=data.birth_date,
        nik=data.nik,
        desa_code=data.desa_code,
        mother_name=data.mother_name,
        sex=data.sex,
        kk_number=data.kk_number,
    )
    matches = []
    for person, probability in found:
        visible = in_scope(request.user, person.desa_id)
        matches.append(
            MatchOut(
                person_id=person.pk if visible else None,
                name=person.name if visible else None,
                nik=mask_nik(person.nik) if visible else None,
                desa_code=person.desa_id,
                probability=round(probability, 4),
            )
        )
    return CheckOut(model_version=current[0] if current else None, matches=matches)
