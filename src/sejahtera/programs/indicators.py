"""The office's indicators computed from operational records for any period: the IKU
"Persentase PPKS yang memperoleh bantuan sosial untuk pemenuhan kebutuhan dasar" and the IKK
of Tabel 4.6. Each result carries its formula, what it could not count yet (records kept by
modules not built, or not kept per person), and the people counted, for drill-down. A result
can be posted into the Renstra as a quarter's realisation (as an entry the unit then submits
for approval)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sejahtera.accounts.scoping import scope
from sejahtera.common.indicators import CountedRow, CountedRows, Result
from sejahtera.programs.criteria.base import Context
from sejahtera.programs.criteria.types import about_person_or_household, current_ppks_q
from sejahtera.programs.models import Distribution
from sejahtera.registry.models import Participation, Person, PpksAssessment
from sejahtera.services.indicators import case_row
from sejahtera.services.models import Case, CaseOutcome, CaseStatus

# National programmes that meet basic needs (not health insurance or school grants).
BASIC_NEEDS = ("PKH", "SEMBAKO", "ATENSI", "BLT")


def _assessed(categories: tuple[str, ...] | None, on: dt.date) -> Q:
    """Persons with a current PPKS assessment (their own or their current KK's) on `on`: the
    same condition as the `ppks` criterion of the eligibility rules."""
    rows = PpksAssessment.objects.filter(current_ppks_q(Context(as_of=on)))
    if categories is not None:
        rows = rows.filter(category__code__in=categories)
    return about_person_or_household(rows)


def _aided(start: dt.date, end: dt.date, national: bool) -> Q:
    """Received assistance in the period: a distribution given, or (when `national`) a
    basic-needs national programme active in the period, for the person or their KK."""
    given = Distribution.objects.filter(
        given_on__gte=start, given_on__lte=end, beneficiary__person_id=OuterRef("pk")
    )
    q = Q(Exists(given))
    if national:
        active = Participation.objects.filter(
            programme__in=BASIC_NEEDS, period_start__lte=end
        ).filter(Q(period_end__isnull=True) | Q(period_end__gte=start))
        q |= about_person_or_household(active)
    return q


def _closed_cases(categories: tuple[str, ...], start: dt.date, end: dt.date) -> QuerySet[Case]:
    """Cases of the categories closed in the period with basic social rehabilitation given.
    The case's own category decides, whatever the person's assessment says."""
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        outcome__in=CaseOutcome.counted(),
        closed_on__gte=start,
        closed_on__lte=end,
        category__code__in=categories,
    )


def _rehabilitated(categories: tuple[str, ...], start: dt.date, end: dt.date) -> Q:
    """Registered persons of the categories aided in the period, or clients of a counted case
    of the categories closed in the period."""
    served = _closed_cases(categories, start, end).filter(person_id=OuterRef("pk"))
    return (_assessed(categories, end) & _aided(start, end, national=False)) | Q(Exists(served))


def _unregistered_cases(
    categories: tuple[str, ...], start: dt.date, end: dt.date, user: Any
) -> QuerySet[Case]:
    """Counted cases whose client is not a registered person (e.g. "Mr. X"): one person
    each, in the user's areas by the desa of the case."""
    cases = _closed_cases(categories, start, end).filter(person__isnull=True)
    return scope(cases, user, "desa__code") if user is not None else cases


def _people(user: Any) -> QuerySet[Person]:
    queryset = Person.objects.filter(is_deceased=False, merged_into__isnull=True)
    return scope(queryset, user, "desa__code") if user is not None else queryset


def people_counted(key: str, *, start: dt.date, end: dt.date, user: Any) -> QuerySet[Person]:
    """The registered persons behind a result's count (its numerator), for drill-down. An
    IKK also counts the closed cases of clients who are not registered persons."""
    spec = IKK.get(key)
    if key == "iku_ppks_aid":
        return _people(user).filter(_assessed(None, end)).filter(_aided(start, end, national=True))
    if spec is not None and spec["categories"]:
        return _people(user).filter(_rehabilitated(spec["categories"], start, end))
    return Person.objects.none()


def person_row(person: Person) -> CountedRow:
    return CountedRow(
        name=person.name,
        desa=person.desa.name,
        nik=person.nik or "",
        url=reverse("registry:person_detail", args=[person.pk]),
    )


def _unregistered_case_row(case: Case) -> CountedRow:
    return case_row(
        case,
        _("klien kasus %(number)s, tidak terdaftar di registri") % {"number": case.number},
    )


def counted(key: str, *, start: dt.date, end: dt.date, user: Any) -> CountedRows | None:
    """The drill-down of this app's results: the registered persons counted, then (for an
    IKK) the closed cases of clients who are not registered, each of whom counts once."""
    if key != "iku_ppks_aid" and key not in IKK:
        return None
    persons = (
        people_counted(key, start=start, end=end, user=user)
        .select_related("desa")
        .order_by("desa_id", "name", "pk")
    )
    if key == "iku_ppks_aid":
        return CountedRows((persons, person_row))
    cases = (
        _unregistered_cases(IKK[key]["categories"], start, end, user)
        .select_related("desa")
        .order_by("closed_on", "pk")
    )
    return CountedRows((persons, person_row), (cases, _unregistered_case_row))


IKK: dict[str, dict[str, Any]] = {
    "ikk_disabilitas": {
        "number": "1",
        "name": gettext_lazy(
            "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar di Luar Panti"
        ),
        "categories": ("PENYANDANG_DISABILITAS",),
    },
    "ikk_anak": {
        "number": "2",
        "name": gettext_lazy("Rehabilitasi Sosial Dasar Anak Telantar di Luar Panti"),
        "categories": ("ANAK_TERLANTAR", "ANAK_BALITA_TERLANTAR"),
    },
    "ikk_lansia": {
        "number": "3",
        "name": gettext_lazy("Rehabilitasi Sosial Dasar Lanjut Usia Terlantar di Luar Panti"),
        "categories": ("LANJUT_USIA_TERLANTAR",),
    },
    "ikk_gepeng": {
        "number": "4",
        "name": gettext_lazy(
            "Rehabilitasi Sosial Dasar Tuna Sosial Khususnya Gelandangan dan Pengemis di Luar Panti"
        ),
        "categories": ("GELANDANGAN", "PENGEMIS"),
    },
}
AID_SERVICES_MISSING = gettext_lazy(
    "Bantuan yang diberikan lewat permohonan layanan (mis. Penyaluran Bantuan YAPI) tidak "
    "tercatat per penerima, jadi belum dihitung: yang dihitung penyaluran lewat siklus program "
    "dan program nasional yang tercatat."
)


def compute(*, start: dt.date, end: dt.date, user: Any = None) -> list[Result]:
    people = _people(user)
    assessed = people.filter(_assessed(None, end))
    denominator = assessed.count()
    numerator = assessed.filter(_aided(start, end, national=True)).count()
    value = (
        (Decimal(numerator) / Decimal(denominator) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if denominator
        else None
    )
    results = [
        Result(
            key="iku_ppks_aid",
            name=_(
                "Persentase PPKS yang memperoleh bantuan sosial untuk pemenuhan kebutuhan dasar"
            ),
            formula=_(
                "PPKS (penilaian PPKS yang berlaku pada %(end)s, perorangan atau KK-nya) yang menerima "
                "penyaluran program daerah pada periode atau tercatat menerima %(national)s pada "
                "periode ÷ seluruh PPKS × 100"
            )
            % {"end": end.strftime("%d-%m-%Y"), "national": "/".join(BASIC_NEEDS)},
            unit="%",
            value=value,
            numerator=numerator,
            denominator=denominator,
            missing=[str(AID_SERVICES_MISSING)],
            drill_down=True,
            target={
                "kind": "plan",
                "name": "Persentase Pemerlu Penyandang Kesejahteraan Sosial (PPKS) yang memperoleh bantuan sosial untuk pemenuhan kebutuhan dasar",
            },
        )
    ]
    for key, spec in IKK.items():
        count = (
            people.filter(_rehabilitated(spec["categories"], start, end)).count()
            + _unregistered_cases(spec["categories"], start, end, user).count()
        )
        results.append(
            Result(
                key=key,
                name=str(spec["name"]),
                formula=_(
                    "Jumlah orang berkategori PPKS %(cats)s yang menerima bantuan pada periode, "
                    "ditambah klien kasus berkategori tersebut yang ditutup pada periode dengan "
                    "hasil %(outcomes)s (penduduk terdaftar dihitung sekali; klien yang tidak "
                    "terdaftar, mis. Mr. X, dihitung per kasus)"
                )
                % {
                    "cats": ", ".join(spec["categories"]),
                    "outcomes": ", ".join(str(CaseOutcome(o).label) for o in CaseOutcome.counted()),
                },
                unit=_("orang"),
                value=Decimal(count),
                numerator=count,
                target={"kind": "ikk", "number": spec["number"]},
                drill_down=True,
            )
        )
    return results


def renstra_indicator(result: Result) -> Any:
    """The indicator of the current Renstra this result reports on, if the plan has it."""
    from sejahtera.planning.loader import name_key
    from sejahtera.planning.models import Indicator, IndicatorKind
    from sejahtera.planning.services import current_plan

    plan = current_plan()
    if plan is None:
        return None
    if result.target.get("kind") == "plan":
        wanted = name_key(result.target["name"])
        for indicator in Indicator.objects.filter(plan=plan, kind=IndicatorKind.PLAN):
            if name_key(indicator.name) == wanted:
                return indicator
        return None
    return Indicator.objects.filter(
        plan=plan, kind=IndicatorKind.IKK, number=result.target.get("number")
    ).first()
