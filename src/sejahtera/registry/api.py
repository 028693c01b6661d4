import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.api import (
    CapabilityRouter,
    ErrorOut,
    api_auth,
    apply_filters,
    filter_schema,
    paginate,
)
from sejahtera.common.formatting import mask_nik
from sejahtera.registry import selectors, services
from sejahtera.registry.filtersets import HouseholdFilterSet, PersonFilterSet, ProposalFilterSet
from sejahtera.registry.models import Household, Person, Proposal

router: Router = CapabilityRouter(Cap.VIEW, tags=["registri"])

PersonFilters = filter_schema(PersonFilterSet)
HouseholdFilters = filter_schema(HouseholdFilterSet)
ProposalFilters = filter_schema(ProposalFilterSet)


class PersonListOut(Schema):
    id: int
    nik_masked: str
    name: str
    sex: str
    birth_date: dt.date | None
    desa: str

    @staticmethod
    def resolve_nik_masked(obj: Person) -> str:
        return mask_nik(obj.nik) if obj.nik else ""

    @staticmethod
    def resolve_desa(obj: Person) -> str:
        return obj.desa_id


class PersonOut(PersonListOut):
    nik: str | None
    no_nik: bool
    birth_place: str
    mother_name: str
    disability_type: str
    disability_severity: str
    is_deceased: bool
    death_date: dt.date | None


class HouseholdOut(Schema):
    id: int
    kk_masked: str
    desa: str
    rt: str
    rw: str
    in_dtks: bool
    desil: int | None

    @staticmethod
    def resolve_kk_masked(obj: Household) -> str:
        return mask_nik(obj.kk_number) if obj.kk_number else ""

    @staticmethod
    def resolve_desa(obj: Household) -> str:
        return obj.desa_id


class ProposalOut(Schema):
    id: int
    kind: str
    status: str
    desa: str
    summary: str
    proposed_at: dt.datetime
    decision_reason: str

    @staticmethod
    def resolve_desa(obj: Proposal) -> str:
        return obj.desa_id

    @staticmethod
    def resolve_summary(obj: Proposal) -> str:
        return obj.payload_summary


class ProposalIn(Schema):
    kind: str
    desa: str
    payload: dict[str, Any]
    household_id: int | None = None
    person_id: int | None = None
    reason: str = ""


class ProposalCreated(Schema):
    proposal: ProposalOut
    warnings: list[str]


@router.get("/penduduk", response=list[PersonListOut], summary="Daftar penduduk (NIK disamarkan)")
@paginate
def list_persons(request: HttpRequest, filters: Query[PersonFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(PersonFilterSet, filters, selectors.persons_for(request.user))


@router.get(
    "/penduduk/{person_id}",
    response=PersonOut,
    summary="Data lengkap satu penduduk (tercatat di jejak audit)",
)
def get_person(request: HttpRequest, person_id: int) -> Person:
    person = get_object_or_404(selectors.persons_for(request.user), pk=person_id)
    audit.record(
        actor=request.user,
        action=Action.VIEW,
        obj=person,
        wilayah_code=person.desa_id,
        extra={"via": "api"},
    )
    return person


@router.get(
    "/keluarga", response=list[HouseholdOut], summary="Daftar keluarga (nomor KK disamarkan)"
)
@paginate
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(HouseholdFilterSet, filters, selectors.households_for(request.user))


@router.get("/usulan", response=list[ProposalOut], summary="Daftar usulan")
@paginate
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(ProposalFilterSet, filters, selectors.proposals_for(request.user))


@router.get("/usulan/{proposal_id}", response=ProposalOut, summary="Satu usulan")
def get_proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    return get_object_or_404(selectors.proposals_for(request.user), pk=proposal_id)


@router.post(
    "/usulan",
    response={201: ProposalCreated, 404: ErrorOut},
    auth=api_auth(Cap.PROPOSE),
    summary="Ajukan usulan (404: desa, keluarga atau penduduk tidak ada dalam cakupan Anda)",
)
def create_proposal(request: HttpRequest, data: ProposalIn) -> Status:
    from sejahtera.wilayah.models import Level
    from sejahtera.wilayah.selectors import wilayah_for

    desa = get_object_or_404(wilayah_for(request.user).filter(level=Level.DESA), code=data.desa)
    household = (
        get_object_or_404(selectors.households_for(request.user), pk=data.household_id)
        if data.household_id
        else None
    )
    person = (
        get_object_or_404(selectors.persons_for(request.user), pk=data.person_id)
        if data.person_id
        else None
    )
    proposal, warnings = services.submit_proposal(
        actor=request.user,
        kind=data.kind,
        desa=desa,
        payload=data.payload,
        household=household,
        person=person,
        reason=data.reason,
    )
    return Status(201, {"proposal": proposal, "warnings": warnings})
