"""/api/mitra/: partners with the list's filters, and a partner with its status history and
current registration certificate, for the office's other tools. Scoped like the pages."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.api import CapabilityRouter, apply_filters, filter_schema, paginate
from sejahtera.partners import selectors
from sejahtera.partners.filtersets import PartnerFilterSet
from sejahtera.partners.models import Partner

router: Router = CapabilityRouter(Cap.VIEW, tags=["Mitra (PSKS dan LKS)"])
PartnerFilters = filter_schema(PartnerFilterSet)


class PartnerOut(Schema):
    id: int
    kind: str
    name: str
    area_code: str
    lks_type: str
    active: bool
    active_since: dt.date | None
    decree_number: str
    stp_expires_on: dt.date | None

    @staticmethod
    def resolve_kind(obj: Partner) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_area_code(obj: Partner) -> str:
        return obj.area_id

    @staticmethod
    def resolve_stp_expires_on(obj: Partner) -> dt.date | None:
        return getattr(obj, "stp_expires_on", None)


class StatusOut(Schema):
    active: bool
    on: dt.date
    reason: str


class CertificateOut(Schema):
    number: str
    issued_on: dt.date
    expires_on: dt.date


class PartnerDetailOut(PartnerOut):
    phone: str
    email: str
    address: str
    decree_date: dt.date | None
    deed_number: str
    history: list[StatusOut]
    certificate: CertificateOut | None
    members_living: int

    @staticmethod
    def resolve_history(obj: Partner) -> list[StatusOut]:
        return [
            StatusOut(active=c.active, on=c.on, reason=c.reason) for c in obj.status_changes.all()
        ]

    @staticmethod
    def resolve_certificate(obj: Partner) -> CertificateOut | None:
        current = obj.certificates.order_by("-expires_on").first()
        if current is None:
            return None
        return CertificateOut(
            number=current.number, issued_on=current.issued_on, expires_on=current.expires_on
        )

    @staticmethod
    def resolve_members_living(obj: Partner) -> int:
        return obj.members.filter(selectors.living_q(timezone.localdate())).count()


@router.get("/", response=list[PartnerOut], summary="Daftar mitra (PSKS dan LKS)")
@paginate
def list_partners(request: HttpRequest, filters: Query[PartnerFilters]):  # type: ignore[no-untyped-def,valid-type]
    return apply_filters(
        PartnerFilterSet,
        filters,
        selectors.partners_for(request.user).order_by("kind__order", "name", "id"),
    )


@router.get("/{partner_id}", response=PartnerDetailOut, summary="Satu mitra dengan riwayat status")
def partner_detail(request: HttpRequest, partner_id: int) -> Partner:
    partner = selectors.partners_for(request.user).filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    audit.record(actor=request.user, action=Action.VIEW, obj=partner, wilayah_code=partner.area_id)
    return partner
