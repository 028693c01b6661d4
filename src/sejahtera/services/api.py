"""/api/layanan/: complaints (with the list's filters) and their handling, for the office's
other tools. Personal data of complainants is left out of the list."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate
from sejahtera.services import complaints as service_complaints
from sejahtera.services import requests as service_requests
from sejahtera.services.filtersets import ComplaintFilterSet, RequestFilterSet
from sejahtera.services.models import Complaint, ServiceRequest

router: Router = CapabilityRouter(Cap.VIEW, tags=["layanan dan pengaduan"])
ComplaintFilters = filter_schema(ComplaintFilterSet)
RequestFilters = filter_schema(RequestFilterSet)


class RequestOut(Schema):
    id: int
    tracking_code: str
    service: int
    channel: str
    desa_code: str
    status: str
    reason: str
    received_on: dt.date
    due_on: dt.date | None
    closed_on: dt.date | None
    escalated_on: dt.date | None

    @staticmethod
    def resolve_service(obj: ServiceRequest) -> int:
        return obj.service.number

    @staticmethod
    def resolve_desa_code(obj: ServiceRequest) -> str:
        return obj.desa_id


@router.get(
    "/permohonan",
    response=list[RequestOut],
    summary="Daftar permohonan layanan (tanpa data pribadi pemohon)",
)
@paginate
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(
        RequestFilterSet,
        filters,
        service_requests.requests_for(request.user).order_by("-received_on", "-id"),
    )


class ComplaintOut(Schema):
    id: int
    tracking_code: str
    channel: str
    category: str
    desa_code: str
    status: str
    received_on: dt.date
    due_on: dt.date
    answered_on: dt.date | None
    escalated_on: dt.date | None
    rating: int | None
    proposal_id: int | None

    @staticmethod
    def resolve_category(obj: Complaint) -> str:
        return obj.category.code

    @staticmethod
    def resolve_desa_code(obj: Complaint) -> str:
        return obj.desa_id


class ReplyIn(Schema):
    reply: str


@router.get("/pengaduan", response=list[ComplaintOut], summary="Daftar pengaduan")
@paginate
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(
        ComplaintFilterSet,
        filters,
        service_complaints.complaints_for(request.user).order_by("-received_on", "-id"),
    )


@router.post(
    "/pengaduan/{complaint_id}/jawab",
    response=ComplaintOut,
    summary="Jawab pengaduan (jawaban tampil di halaman lacak publik)",
)
def answer(request: HttpRequest, complaint_id: int, data: ReplyIn) -> Complaint:
    complaint = service_complaints.complaints_for(request.user).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    try:
        return service_complaints.answer_complaint(
            actor=request.user, complaint=complaint, reply=data.reply
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
