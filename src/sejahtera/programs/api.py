import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.params.functions import Path as PathParam

from sejahtera.accounts.roles import Cap
from sejahtera.audit import services as audit
from sejahtera.audit.models import Action
from sejahtera.common.api import CapabilityRouter
from sejahtera.programs.criteria import Verdict
from sejahtera.programs.models import Programme
from sejahtera.programs.selectors import eligible, explain, programmes_for, rule_in_force
from sejahtera.registry.selectors import persons_for

router: Router = CapabilityRouter(Cap.VIEW, tags=["program bantuan"])
ProgrammeCode = Annotated[str, PathParam(pattern=r"^[-a-zA-Z0-9_]{1,40}$")]


class ProgrammeOut(Schema):
    code: str
    number: int
    name: str
    funding: str
    funding_written: str
    subject: str
    target_groups: list[str]
    criteria_written: list[str]
    rule_version: int | None
    rule: Any
    rule_words: str


def _programme(request: HttpRequest, code: str) -> Programme:
    programme = programmes_for(request.user).filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


@router.get("/", response=list[ProgrammeOut], summary="Program bantuan dan aturan yang berlaku")
def programmes(request: HttpRequest) -> list[dict[str, Any]]:
    from sejahtera.programs.criteria import parse

    today = timezone.localdate()
    out = []
    for p in programmes_for(request.user):
        version = rule_in_force(p, today)
        out.append(
            {
                "code": p.code,
                "number": p.number,
                "name": p.name,
                "funding": p.funding,
                "funding_written": p.funding_written,
                "subject": p.subject,
                "target_groups": p.target_groups or [],
                "criteria_written": p.criteria_written or [],
                "rule_version": version.version if version else None,
                "rule": version.rule if version else None,
                "rule_words": parse(version.rule).words() if version else "",
            }
        )
    return out


class AsOf(Schema):
    as_of: dt.date | None = None


class EligibleCountOut(Schema):
    code: str
    as_of: dt.date
    eligible: int


@router.get(
    "/{code}/layak",
    response=EligibleCountOut,
    summary="Jumlah yang memenuhi syarat di wilayah pengguna",
)
def eligible_count(request: HttpRequest, code: ProgrammeCode, query: Query[AsOf]) -> dict[str, Any]:
    programme = _programme(request, code)
    as_of = query.as_of or timezone.localdate()
    return {
        "code": code,
        "as_of": as_of,
        "eligible": eligible(programme, as_of=as_of, user=request.user).count(),
    }


class ExplainQuery(Schema):
    nik: str
    as_of: dt.date | None = None


class VerdictOut(Schema):
    holds: bool | None
    words: str
    reason: str
    children: list["VerdictOut"]


def _verdict(v: Verdict) -> dict[str, Any]:
    return {
        "holds": v.holds,
        "words": v.words,
        "reason": v.reason,
        "children": [_verdict(c) for c in v.children],
    }


@router.get(
    "/{code}/penjelasan",
    response=VerdictOut,
    summary="Mengapa satu orang memenuhi atau tidak memenuhi syarat",
)
def explanation(
    request: HttpRequest, code: ProgrammeCode, query: Query[ExplainQuery]
) -> dict[str, Any]:
    programme = _programme(request, code)
    person = persons_for(request.user).filter(nik=query.nik).first()
    if person is None:
        raise Http404
    audit.record(
        actor=request.user,
        action=Action.VIEW,
        obj=person,
        wilayah_code=person.desa_id,
        extra={"programme": code, "explain": True, "api": True},
    )
    return _verdict(explain(programme, person, as_of=query.as_of or timezone.localdate()))
