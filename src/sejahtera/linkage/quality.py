"""The data-quality report of the registry (issue 8): checks that find records a clerk should
correct, counted per desa and listed with the proposal that would fix each.

Each check is one SQL statement over the registry, never a Python loop over persons: its
queryset carries `area_code` (the desa code of the record), so the user's scope, the
drill-down and the count per desa are a filter and one GROUP BY on it.

Two checks look for what the database already forbids, because the records may come from
anywhere (older imports, a restored copy): the same NIK on several persons (`person_nik_unique`
forbids equal strings, so the check compares NIKs with spaces, dots and hyphens removed) and a
person in two households at once (`membership_one_open_per_person` forbids two open
memberships, so the check looks for membership periods that overlap; a move ends one
membership on the day the next starts, which is not an overlap).

The age and relation rules (RULES) are office rules: no regulation sets these limits for the
registry. They are chosen so that a flagged record is almost surely a typing error, to be
checked rather than deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models import functions as fn
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import area_q, scope_q
from sejahtera.programs.criteria.base import years_before
from sejahtera.programs.models import Beneficiary, CycleStatus, Distribution
from sejahtera.registry.choices import Relation, Sex
from sejahtera.registry.models import (
    Household,
    Membership,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
)
from sejahtera.wilayah.models import Level, Wilayah

FAR = dt.date(9999, 12, 31)
NEVER = dt.date(1, 1, 1)


class Severity(StrEnum):
    ERROR = "kesalahan"
    WARNING = "peringatan"


class DateNumber(Func):
    """A date as the integer YYYYMMDD: `age(b, t) >= n` exactly when
    `DateNumber(b) <= date_number(t) - 10000 * n` (the day/month comparison of `age_on`).
    One formatting call per row (EXTRACT returns numeric on PostgreSQL, three times slower)."""

    output_field = IntegerField()
    template = "CAST(TO_CHAR(%(expressions)s, 'YYYYMMDD') AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Literal percent signs are doubled in SQL, as for any query with parameters.
        template = "CAST(STRFTIME('%%%%Y%%%%m%%%%d', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


class DayMonthYear(Func):
    """A date as the text DDMMYY, as a man's NIK writes it."""

    output_field = CharField()
    template = "TO_CHAR(%(expressions)s, 'DDMMYY')"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(STRFTIME('%%d%%m', {sql}) || SUBSTR(STRFTIME('%%Y', {sql}), 3, 2))", params * 2


def date_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class Rule:
    """An age or relation rule: its wording, where it comes from, and its condition over the
    check's queryset on a date."""

    code: str
    check: str
    wording: Promise
    source: Promise
    condition: Callable[[dt.date], Q]


def _current_as(relation: str, *, younger_than: int, today: dt.date) -> Q:
    """Persons younger than an age who are now recorded in a household with this relation
    (an uncorrelated IN over the few young ones, which PostgreSQL hashes)."""
    young = Membership.objects.filter(
        end_date__isnull=True,
        relation=relation,
        person__birth_date__gt=years_before(today, younger_than),
    )
    return Q(pk__in=young.values("person_id"))


OFFICE = gettext_lazy("Aturan kantor (tidak ada peraturan yang menetapkan batas ini).")

RULES: tuple[Rule, ...] = (
    Rule(
        "lebih-120",
        "umur",
        gettext_lazy("Berumur lebih dari 120 tahun dan tidak tercatat meninggal."),
        OFFICE,
        lambda today: Q(is_deceased=False, birth_date__lte=years_before(today, 121)),
    ),
    Rule(
        "lahir-kemudian",
        "umur",
        gettext_lazy("Tanggal lahir sesudah hari ini."),
        OFFICE,
        lambda today: Q(birth_date__gt=today),
    ),
    Rule(
        "meninggal-sebelum-lahir",
        "umur",
        gettext_lazy("Tanggal meninggal sebelum tanggal lahir."),
        OFFICE,
        lambda today: Q(death_date__lt=F("birth_date")),
    ),
    Rule(
        "kepala-di-bawah-10",
        "umur",
        gettext_lazy("Kepala keluarga berumur di bawah 10 tahun."),
        OFFICE,
        lambda today: _current_as(Relation.HEAD, younger_than=10, today=today),
    ),
    Rule(
        "pasangan-di-bawah-13",
        "umur",
        gettext_lazy("Suami/istri berumur di bawah 13 tahun."),
        gettext_lazy(
            "Aturan kantor. UU 1/1974 jo. UU 16/2019 Pasal 7 menetapkan umur kawin 19 tahun "
            "dan memberi dispensasi pengadilan di bawahnya, jadi pasangan di bawah 19 tahun "
            "bisa sah; di bawah 13 tahun dianggap salah catat."
        ),
        lambda today: _current_as(Relation.SPOUSE, younger_than=13, today=today),
    ),
    Rule(
        "anak-hampir-seumur",
        "hubungan",
        gettext_lazy(
            "Anak lahir kurang dari 10 tahun sesudah kepala keluarga, atau lebih tua darinya "
            "(anak tiri dan anak angkat juga tercatat sebagai anak: periksa dulu)."
        ),
        OFFICE,
        lambda today: Q(relation=Relation.CHILD, person_ord__lt=F("head_ord") + 10 * 10000),
    ),
    Rule(
        "cucu-hampir-seumur",
        "hubungan",
        gettext_lazy("Cucu lahir kurang dari 20 tahun sesudah kepala keluarga."),
        OFFICE,
        lambda today: Q(relation=Relation.GRANDCHILD, person_ord__lt=F("head_ord") + 20 * 10000),
    ),
    Rule(
        "orang-tua-hampir-seumur",
        "hubungan",
        gettext_lazy(
            "Orang tua kepala keluarga lahir kurang dari 10 tahun sebelum kepala keluarga, "
            "atau sesudahnya."
        ),
        OFFICE,
        lambda today: Q(relation=Relation.PARENT, person_ord__gt=F("head_ord") - 10 * 10000),
    ),
)


def rules_of(check: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.check == check)


# --- The checks, one queryset each -------------------------------------------------------


def persons() -> QuerySet[Person]:
    """Person records in use: a duplicate merged into another record (linkage) is kept for
    the history but is no longer checked."""
    return Person.objects.filter(merged_into__isnull=True)


# Digits 7-10 of a NIK are a day and month, DDMM, with 40 added to the day for women; 29
# February only when the year's digits 11-12 are divisible by 4 (19YY and 20YY agree, and for
# 00 `check_nik` takes 2000). Lists of strings, not a regular expression: PostgreSQL hashes a
# long IN list, and its regular expressions cost three times as much over a district.
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
DAY_MONTHS = [
    f"{day + extra:02d}{month:02d}"
    for month, days in enumerate(_DAYS, start=1)
    for day in range(1, days + 1)
    for extra in (0, 40)
]
LEAP_YEARS = [f"{year:02d}" for year in range(0, 100, 4)]
DIGITS = "0123456789"


def nik_valid_q() -> Q:
    """What `check_nik` accepts without error: 16 digits with a date in digits 7-12, a serial
    other than 0000, and a kecamatan code (digits 1-6) in the wilayah table. Over
    `_nik_parts`."""
    kecamatan = (
        Wilayah.objects.filter(level=Level.KECAMATAN)
        .annotate(digits=fn.Replace("code", Value("."), Value("")))
        .values("digits")
    )
    return (
        Q(nik_length=16, nik_other="")
        & (Q(nik_ddmm__in=DAY_MONTHS) | Q(nik_ddmm__in=["2902", "6902"], nik_yy__in=LEAP_YEARS))
        & ~Q(nik__endswith="0000")
        & Q(nik_region__in=kecamatan)
    )


def _nik_parts(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.filter(nik__isnull=False).alias(
        nik_length=fn.Length("nik"),
        nik_other=Func(F("nik"), Value(DIGITS), function="LTRIM", output_field=CharField()),
        nik_region=fn.Substr("nik", 1, 6),
        nik_ddmm=fn.Substr("nik", 7, 4),
        nik_yy=fn.Substr("nik", 11, 2),
    )


def nik_invalid(today: dt.date) -> QuerySet[Person]:
    return _nik_parts(persons()).filter(~nik_valid_q())


def nik_mismatch(today: dt.date) -> QuerySet[Person]:
    """Valid NIKs whose date part disagrees with the recorded birth date, or whose sex (day
    plus 40) with the recorded sex: `check_nik`'s warnings."""
    first: Any = fn.Substr("nik", 7, 1)  # the day's first digit: 4-7 for women
    for woman, man in (("4", "0"), ("5", "1"), ("6", "2"), ("7", "3")):
        first = fn.Replace(first, Value(woman), Value(man))
    qs = _nik_parts(persons()).alias(
        nik_day1=fn.Substr("nik", 7, 1),
        nik_date=fn.Concat(first, fn.Substr("nik", 8, 5), output_field=CharField()),
    )
    date_differs = Q(birth_date__isnull=False) & ~Q(nik_date=DayMonthYear("birth_date"))
    sex_differs = Q(sex=Sex.MALE, nik_day1__gte="4") | Q(sex=Sex.FEMALE, nik_day1__lt="4")
    return qs.filter(nik_valid_q()).filter(date_differs | sex_differs)


def nik_key() -> Any:
    return fn.Replace(
        fn.Replace(fn.Replace(F("nik"), Value(" "), Value("")), Value("."), Value("")),
        Value("-"),
        Value(""),
    )


def nik_shared(today: dt.date) -> QuerySet[Person]:
    """Persons whose NIK, without spaces, dots and hyphens, is another person's too. Equal
    strings are refused by `person_nik_unique`, so every collision involves a NIK written
    with a separator (few): such a NIK is found when its cleaned form is another of those or
    a stored NIK, and a stored NIK when it is the cleaned form of one. Every subquery is over
    those few, so PostgreSQL hashes them."""
    separated = (
        persons()
        .filter(Q(nik__contains=" ") | Q(nik__contains=".") | Q(nik__contains="-"))
        .annotate(key=nik_key())
    )
    among = separated.values("key").annotate(n=Count("pk")).filter(n__gt=1).values("key")
    stored = persons().filter(nik__in=separated.values("key")).values("nik")
    flagged = separated.filter(Q(key__in=among) | Q(key__in=stored)).values("pk")
    return persons().filter(Q(pk__in=flagged) | Q(nik__in=stored))


def overlapping_memberships() -> QuerySet[Membership]:
    """Memberships that share some day with another membership of the same person (the end
    date is the first day outside the household)."""
    other = (
        Membership.objects.filter(person_id=OuterRef("person_id"))
        .exclude(pk=OuterRef("pk"))
        .filter(start_date__lt=fn.Coalesce(OuterRef("end_date"), Value(FAR, DateField())))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("start_date")))
    )
    return Membership.objects.filter(Exists(other))


def two_households(today: dt.date) -> QuerySet[Person]:
    return persons().filter(pk__in=overlapping_memberships().values("person_id"))


def open_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(end_date__isnull=True)


def heads_wrong(today: dt.date) -> QuerySet[Household]:
    """Households with current members but no head, or more than one."""
    wrong = (
        open_memberships()
        .values("household_id")
        .annotate(heads=Count("pk", filter=Q(relation=Relation.HEAD)))
        .exclude(heads=1)
        .values("household_id")
    )
    return Household.objects.filter(pk__in=wrong)


def rules_q(check: str, today: dt.date) -> Q:
    q = Q(pk__in=[])
    for rule in rules_of(check):
        q |= rule.condition(today)
    return q


def impossible_ages(today: dt.date) -> QuerySet[Person]:
    return persons().filter(rules_q("umur", today))


def head_pairs() -> QuerySet[Membership]:
    """Current memberships of children, grandchildren and parents, each paired with every
    current head of the same household (one join; a member of a household with two heads
    comes twice, counted once), with both birth dates as YYYYMMDD."""
    return Membership.objects.filter(
        end_date__isnull=True,
        relation__in=[Relation.CHILD, Relation.GRANDCHILD, Relation.PARENT],
        household__memberships__end_date__isnull=True,
        household__memberships__relation=Relation.HEAD,
    ).alias(
        person_ord=DateNumber("person__birth_date"),
        head_ord=DateNumber("household__memberships__person__birth_date"),
    )


def impossible_relations(today: dt.date) -> QuerySet[Membership]:
    return head_pairs().filter(rules_q("hubungan", today))


def listed_beneficiaries() -> QuerySet[Beneficiary]:
    """Rows of dead persons in cycles not yet closed, not excluded at verification, whose
    period reaches the death date (or the date is unknown), and not given before the death."""
    death = fn.Coalesce("person__death_date", Value(NEVER, DateField()))
    given_before = Distribution.objects.filter(
        beneficiary_id=OuterRef("pk"),
        given_on__lt=fn.Coalesce(OuterRef("person__death_date"), Value(NEVER, DateField())),
    )
    return (
        Beneficiary.objects.filter(person__is_deceased=True, excluded_reason="")
        .exclude(cycle__status=CycleStatus.CLOSED)
        .filter(cycle__period_end__gte=death)
        .exclude(Exists(given_before))
    )


def open_participations() -> QuerySet[Participation]:
    """Dead persons' national-programme participation without an end, or ending after the
    death."""
    return Participation.objects.filter(person__is_deceased=True).filter(
        Q(period_end__isnull=True) | Q(period_end__gt=F("person__death_date"))
    )


def deceased_recipients(today: dt.date) -> QuerySet[Person]:
    """Two uncorrelated IN lists over the few dead recipients (hashed), not a subquery per
    person."""
    return persons().filter(
        Q(pk__in=listed_beneficiaries().values("person_id"))
        | Q(pk__in=open_participations().values("person_id")),
        is_deceased=True,
    )


def current_assessments(today: dt.date) -> QuerySet[PpksAssessment]:
    return PpksAssessment.objects.filter(assessed_on__lte=today, ended_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def stale_ppks(today: dt.date) -> QuerySet[PpksAssessment]:
    """Current assessments that `category_refusals` would refuse today: the age band, the
    sex, a missing birth date where the category has an age band, a person since dead, or a
    subject (person or household) the category is not for."""
    t = date_number(today)  # comparisons with a missing birth date or age bound are false
    banded = Q(category__age_min__isnull=False) | Q(category__age_max__isnull=False)
    refused = (
        Q(b__gt=t - F("category__age_min") * 10000)
        | Q(b__lte=t - (F("category__age_max") + 1) * 10000)
        | (Q(person__isnull=False, person__birth_date__isnull=True) & banded)
        | (Q(person__isnull=False) & ~Q(category__sex="") & ~Q(person__sex=F("category__sex")))
        | Q(person__is_deceased=True)
        | Q(category__subject=PpksCategory.Subject.HOUSEHOLD, person__isnull=False)
        | Q(category__subject=PpksCategory.Subject.PERSON, household__isnull=False)
    )
    return current_assessments(today).alias(b=DateNumber("person__birth_date")).filter(refused)


@dataclass(frozen=True)
class Check:
    key: str
    title: Promise
    description: Promise
    severity: Severity
    subject: str  # person, household, membership or assessment
    build: Callable[[dt.date], QuerySet[Any]]
    area: str  # the path of the record's desa code
    short: Promise  # the column heading of the drill-down table

    @property
    def rules(self) -> tuple[Rule, ...]:
        return rules_of(self.key)


CHECKS: tuple[Check, ...] = (
    Check(
        "nik-tidak-sah",
        gettext_lazy("NIK tidak sah"),
        gettext_lazy(
            "Bukan 16 angka, nomor urut 0000, kode kecamatan tidak ada dalam data wilayah, "
            "atau bagian tanggal lahir bukan tanggal."
        ),
        Severity.ERROR,
        "person",
        nik_invalid,
        "desa_id",
        gettext_lazy("NIK tidak sah"),
    ),
    Check(
        "nik-tidak-cocok",
        gettext_lazy("NIK tidak cocok dengan tanggal lahir/jenis kelamin"),
        gettext_lazy(
            "NIK sah, tetapi tanggal lahir atau jenis kelamin di dalamnya berbeda dengan yang "
            "tercatat. NIK tidak pernah diganti: periksa tanggal lahir dan jenis kelamin."
        ),
        Severity.WARNING,
        "person",
        nik_mismatch,
        "desa_id",
        gettext_lazy("NIK tak cocok"),
    ),
    Check(
        "nik-ganda",
        gettext_lazy("Satu NIK untuk beberapa orang"),
        gettext_lazy(
            "NIK yang sama (tanpa spasi, titik, tanda hubung) tercatat pada lebih dari satu orang."
        ),
        Severity.ERROR,
        "person",
        nik_shared,
        "desa_id",
        gettext_lazy("NIK ganda"),
    ),
    Check(
        "dua-keluarga",
        gettext_lazy("Satu orang di dua keluarga sekaligus"),
        gettext_lazy("Masa keanggotaan di dua KK beririsan."),
        Severity.ERROR,
        "person",
        two_households,
        "desa_id",
        gettext_lazy("Dua KK"),
    ),
    Check(
        "kepala-keluarga",
        gettext_lazy("Keluarga tanpa kepala atau dengan dua kepala"),
        gettext_lazy("KK yang masih beranggota tetapi kepala keluarganya tidak tepat satu."),
        Severity.ERROR,
        "household",
        heads_wrong,
        "desa_id",
        gettext_lazy("Kepala KK"),
    ),
    Check(
        "umur",
        gettext_lazy("Umur mustahil"),
        gettext_lazy(
            "Umur lebih dari 120 tahun, lahir sesudah hari ini, meninggal sebelum lahir, atau "
            "terlalu muda untuk kedudukannya di keluarga (kepala keluarga, suami/istri)."
        ),
        Severity.ERROR,
        "person",
        impossible_ages,
        "desa_id",
        gettext_lazy("Umur"),
    ),
    Check(
        "hubungan",
        gettext_lazy("Umur tidak sesuai hubungan dengan kepala keluarga"),
        gettext_lazy(
            "Anak atau cucu hampir seumur (atau lebih tua dari) kepala keluarga; orang tua "
            "kepala keluarga hampir seumur (atau lebih muda dari) dia."
        ),
        Severity.WARNING,
        "membership",
        impossible_relations,
        "household__desa_id",
        gettext_lazy("Hubungan"),
    ),
    Check(
        "meninggal-penerima",
        gettext_lazy("Meninggal tetapi masih penerima"),
        gettext_lazy(
            "Tercatat meninggal, tetapi masih ada di daftar penerima siklus yang belum ditutup, "
            "atau kepesertaan program nasionalnya tidak berakhir sebelum meninggal."
        ),
        Severity.ERROR,
        "person",
        deceased_recipients,
        "desa_id",
        gettext_lazy("Meninggal"),
    ),
    Check(
        "ppks",
        gettext_lazy("Penilaian PPKS yang tidak lagi berlaku"),
        gettext_lazy(
            "Penilaian PPKS yang masih berlaku, tetapi syarat yang dapat dihitung (umur, jenis "
            "kelamin, masih hidup, sasaran) tidak terpenuhi lagi hari ini."
        ),
        Severity.ERROR,
        "assessment",
        stale_ppks,
        "area",
        gettext_lazy("PPKS"),
    ),
)
BY_KEY = {check.key: check for check in CHECKS}


# --- Scoped reads ------------------------------------------------------------------------


def _area_expression(check: Check) -> Any:
    if check.area == "area":
        return fn.Coalesce("person__desa_id", "household__desa_id")
    return F(check.area)


def findings(check: Check, *, user: Any, today: dt.date, area: str | None = None) -> QuerySet[Any]:
    """The records a check finds in the user's areas (and inside `area`), each with
    `area_code`. Empty without Cap.VIEW."""
    qs = check.build(today)
    if not can(user, Cap.VIEW):
        return qs.none()
    qs = qs.annotate(area_code=_area_expression(check)).filter(scope_q(user, "area_code"))
    if area:
        qs = qs.filter(area_q("area_code", area))
    return qs


def counts_by_desa(check: Check, *, user: Any, today: dt.date, area: str | None) -> dict[str, int]:
    """One GROUP BY: how many records the check finds in each desa."""
    rows = (
        findings(check, user=user, today=today, area=area)
        .values("area_code")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return {row["area_code"]: row["n"] for row in rows}


def listing(check: Check, *, user: Any, today: dt.date, area: str | None) -> QuerySet[Any]:
    """The check's records for a list page or an export, in a stable order, with what the
    rows show loaded in the same statement."""
    qs = findings(check, user=user, today=today, area=area)
    if check.subject == "person":
        qs = qs.select_related("desa").order_by("desa_id", "name", "pk")
    elif check.subject == "household":
        qs = qs.select_related("desa").order_by("desa_id", "kk_number", "pk")
    elif check.subject == "membership":
        qs = (
            qs.select_related("person", "household__desa")
            .annotate(head_born=F("household__memberships__person__birth_date"))
            .order_by("household_id", "pk")
        )
    else:
        qs = qs.select_related("category", "person__desa", "household__desa").order_by("pk")
    if check.rules:
        qs = qs.annotate(
            **{
                f"rule_{i}": ExpressionWrapper(rule.condition(today), output_field=BooleanField())
                for i, rule in enumerate(check.rules)
            }
        )
    return qs
