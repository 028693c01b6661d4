"""The criterion types a rule may use. Adding one: a subclass here, registered in `TYPES`,
with a test in tests/programs/test_agreement.py that its query and its explanation agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sejahtera.programs.criteria.base import Context, Criterion, Subject, age_on, years_before
from sejahtera.registry.choices import Relation, Severity
from sejahtera.registry.models import Membership, Participation, PpksAssessment, PpksCategory


def _no(reason: str) -> tuple[bool, str]:
    return False, reason


def _current(*conditions: Q, **lookups: Any) -> Q:
    """The person's current membership (one at most) meets the conditions. An EXISTS, so
    negation (NOT) stays exact."""
    return Q(
        Exists(
            Membership.objects.filter(
                *conditions, person_id=OuterRef("pk"), end_date__isnull=True, **lookups
            )
        )
    )


def about_person_or_household(rows: Any) -> Q:
    """Rows (PPKS assessments, participations) about the person or their current KK. The KK
    side is an uncorrelated IN (a hash semi-join), never NULL, so NOT stays exact."""
    return _about_person(rows) | _about_household(rows)


def _about_person(rows: Any) -> Q:
    return Q(Exists(rows.filter(person_id=OuterRef("pk"))))


def _about_household(rows: Any) -> Q:
    households = rows.filter(household_id__isnull=False).values("household_id")
    return _current(household_id__in=households)


def _in_current_household_not(rows: Any) -> Q:
    """NOT (about the person OR about the KK), as two NOT EXISTS: anti-joins."""
    return ~_about_person(rows) & ~_about_household(rows)


def _split_not(rows: Any) -> tuple[Q, Q]:
    """NOT (about the person OR about the KK) split in two: the person's part, and the KK's
    part as a condition on the current membership (NOT EXISTS a row about its KK), for a
    rule that already asks for a current membership (see `Criterion.negated_split`)."""
    return ~_about_person(rows), ~Q(Exists(rows.filter(household_id=OuterRef("household_id"))))


class InDtks(Criterion):
    type = "in_dtks"
    label = _l("Terdaftar di DTKS/DTSEN")

    def q(self, ctx: Context) -> Q:
        return _current(household__in_dtks=True)

    def membership_q(self, ctx: Context) -> Q | None:
        return Q(household__in_dtks=True)

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        if subject.household is None:
            return _no(_("tidak tercatat dalam KK mana pun"))
        if subject.household.in_dtks:
            return True, _("keluarganya terdaftar di DTKS/DTSEN")
        return _no(_("keluarganya tidak terdaftar di DTKS/DTSEN"))

    def words(self) -> str:
        return _("keluarga terdaftar di DTKS/DTSEN")


class DesilMax(Criterion):
    type = "desil_max"
    label = _l("Desil paling tinggi")
    params = {"max": "int"}
    required = ("max",)

    def validate(self) -> None:
        super().validate()
        if not 1 <= self.data["max"] <= 10:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Desil harus 1 sampai 10."))

    def q(self, ctx: Context) -> Q:
        return _current(household__desil__lte=self.data["max"])

    def membership_q(self, ctx: Context) -> Q | None:
        return Q(household__desil__lte=self.data["max"])

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        desil = subject.household.desil if subject.household else None
        if desil is None:
            return _no(_("desil keluarganya belum tercatat"))
        if desil <= self.data["max"]:
            return True, _("desil %(d)s") % {"d": desil}
        return _no(_("desil %(d)s, di atas %(max)s") % {"d": desil, "max": self.data["max"]})

    def words(self) -> str:
        return _("desil 1 sampai %(max)s") % {"max": self.data["max"]}


class Age(Criterion):
    type = "age"
    label = _l("Usia")
    params = {"min": "int", "max": "int"}

    def validate(self) -> None:
        super().validate()
        low, high = self.data.get("min"), self.data.get("max")
        if low is None and high is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Isi usia paling rendah atau paling tinggi."))
        if low is not None and high is not None and low > high:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Usia paling rendah lebih besar dari usia paling tinggi."))

    def q(self, ctx: Context) -> Q:
        q = Q(birth_date__isnull=False)
        if self.data.get("min") is not None:
            q &= Q(birth_date__lte=years_before(ctx.as_of, self.data["min"]))
        if self.data.get("max") is not None:
            q &= Q(birth_date__gt=years_before(ctx.as_of, self.data["max"] + 1))
        return q

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        born = subject.person.birth_date
        if born is None:
            return _no(_("tanggal lahir belum tercatat"))
        age = age_on(born, ctx.as_of)
        low, high = self.data.get("min"), self.data.get("max")
        if (low is None or age >= low) and (high is None or age <= high):
            return True, _("berusia %(age)s tahun") % {"age": age}
        return _no(_("berusia %(age)s tahun") % {"age": age})

    def words(self) -> str:
        low, high = self.data.get("min"), self.data.get("max")
        if low is not None and high is not None:
            return _("berusia %(min)s sampai %(max)s tahun") % {"min": low, "max": high}
        if low is not None:
            return _("berusia %(min)s tahun ke atas") % {"min": low}
        return _("berusia paling tinggi %(max)s tahun") % {"max": high}


class Sex(Criterion):
    type = "sex"
    label = _l("Jenis kelamin")
    params = {"sex": "str"}
    required = ("sex",)

    def validate(self) -> None:
        super().validate()
        if self.data["sex"] not in ("L", "P"):
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Jenis kelamin harus L atau P."))

    def q(self, ctx: Context) -> Q:
        return Q(sex=self.data["sex"])

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        if subject.person.sex == self.data["sex"]:
            return True, self.words()
        return _no(_("jenis kelamin %(sex)s") % {"sex": subject.person.get_sex_display()})

    def words(self) -> str:
        return _("laki-laki") if self.data["sex"] == "L" else _("perempuan")


class HeadOfHousehold(Criterion):
    type = "head_of_household"
    label = _l("Kepala keluarga")

    def q(self, ctx: Context) -> Q:
        return _current(relation=Relation.HEAD)

    def membership_q(self, ctx: Context) -> Q | None:
        return Q(relation=Relation.HEAD)

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        if subject.membership is not None and subject.membership.relation == Relation.HEAD:
            return True, _("kepala keluarga")
        return _no(_("bukan kepala keluarga"))

    def words(self) -> str:
        return _("kepala keluarga")


def _size_between(low: int | None, high: int | None) -> Q:
    """On a membership: its KK has between `low` and `high` current members, counted for
    that KK only (a correlated count on the household index), so the count runs for the
    persons the other criteria leave, not for every KK of the district."""
    size = Subquery(
        Membership.objects.filter(household_id=OuterRef("household_id"), end_date__isnull=True)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    q = Q()
    if low is not None:
        q &= Q(GreaterThanOrEqual(size, low))
    if high is not None:
        q &= Q(LessThanOrEqual(size, high))
    return q


class HouseholdSize(Criterion):
    type = "household_size"
    label = _l("Jumlah anggota keluarga")
    params = {"min": "int", "max": "int"}

    def q(self, ctx: Context) -> Q:
        return _current(_size_between(self.data.get("min"), self.data.get("max")))

    def membership_q(self, ctx: Context) -> Q | None:
        return _size_between(self.data.get("min"), self.data.get("max"))

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        if subject.household is None:
            return _no(_("tidak tercatat dalam KK mana pun"))
        n = subject.household_size
        low, high = self.data.get("min"), self.data.get("max")
        holds = (low is None or n >= low) and (high is None or n <= high)
        return holds, _("KK beranggota %(n)s orang") % {"n": n}

    def words(self) -> str:
        low, high = self.data.get("min"), self.data.get("max")
        if low == high and low is not None:
            return _("KK beranggota %(n)s orang") % {"n": low}
        if low is not None and high is not None:
            return _("KK beranggota %(min)s–%(max)s orang") % {"min": low, "max": high}
        if low is not None:
            return _("KK beranggota paling sedikit %(n)s orang") % {"n": low}
        return _("KK beranggota paling banyak %(n)s orang") % {"n": high}


def current_ppks_q(ctx: Context) -> Q:
    return Q(assessed_on__lte=ctx.as_of, ended_on__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.as_of)
    )


class Ppks(Criterion):
    type = "ppks"
    label = _l("Kategori PPKS")
    params = {"category": "str"}
    required = ("category",)

    def validate(self) -> None:
        super().validate()
        if not PpksCategory.objects.filter(code=self.data["category"]).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError(
                _("Kategori PPKS %(c)s tidak dikenal.") % {"c": self.data["category"]}
            )

    def q(self, ctx: Context) -> Q:
        return about_person_or_household(self._rows(ctx))

    def q_not(self, ctx: Context) -> Q:
        return _in_current_household_not(self._rows(ctx))

    def negated_split(self, ctx: Context) -> tuple[Q, Q] | None:
        return _split_not(self._rows(ctx))

    def _rows(self, ctx: Context) -> Any:
        return PpksAssessment.objects.filter(
            current_ppks_q(ctx), category__code=self.data["category"]
        )

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        name = self._name()
        if self.data["category"] in subject.ppks:
            return True, _("tercatat sebagai %(name)s") % {"name": name}
        return _no(_("tidak tercatat sebagai %(name)s") % {"name": name})

    def _name(self) -> str:
        category = PpksCategory.objects.filter(code=self.data["category"]).first()
        return category.name if category else self.data["category"]

    def words(self) -> str:
        return _("tercatat sebagai PPKS %(name)s") % {"name": self._name()}


SEVERITY_ORDER = [Severity.MILD, Severity.MODERATE, Severity.SEVERE]


class Disability(Criterion):
    type = "disability"
    label = _l("Penyandang disabilitas")
    params = {"min_severity": "str"}

    def validate(self) -> None:
        super().validate()
        if self.data.get("min_severity") not in (None, *SEVERITY_ORDER):
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Tingkat disabilitas harus ringan, sedang atau berat."))

    def _allowed(self) -> list[str]:
        low = self.data.get("min_severity")
        if low is None:
            return list(SEVERITY_ORDER)
        return [str(s) for s in SEVERITY_ORDER[SEVERITY_ORDER.index(low) :]]

    def q(self, ctx: Context) -> Q:
        q = ~Q(disability_type="")
        if self.data.get("min_severity") is not None:
            q &= Q(disability_severity__in=self._allowed())
        return q

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        person = subject.person
        if not person.disability_type:
            return _no(_("tidak tercatat sebagai penyandang disabilitas"))
        shown = _("%(type)s, %(sev)s") % {
            "type": person.get_disability_type_display(),
            "sev": person.get_disability_severity_display() or "-",
        }
        if (
            self.data.get("min_severity") is not None
            and person.disability_severity not in self._allowed()
        ):
            return _no(_("disabilitas %(d)s") % {"d": shown})
        return True, _("disabilitas %(d)s") % {"d": shown}

    def words(self) -> str:
        if self.data.get("min_severity") is None:
            return _("penyandang disabilitas")
        return _("penyandang disabilitas tingkat %(sev)s atau lebih") % {
            "sev": Severity(self.data["min_severity"]).label
        }


def _participation_q(ctx: Context, programme: str) -> Any:
    return Participation.objects.filter(programme=programme, period_start__lte=ctx.as_of).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=ctx.as_of)
    )


class Receives(Criterion):
    """Receives a national programme on the date (from the imported recipient lists)."""

    type = "receives"
    label = _l("Menerima program lain")
    params = {"programme": "str"}
    required = ("programme",)

    def validate(self) -> None:
        super().validate()
        from sejahtera.registry.models import NationalProgramme

        if self.data["programme"] not in NationalProgramme.values:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                _("Program %(p)s tidak dikenal; pilih dari %(all)s.")
                % {"p": self.data["programme"], "all": ", ".join(NationalProgramme.values)}
            )

    def q(self, ctx: Context) -> Q:
        return about_person_or_household(_participation_q(ctx, self.data["programme"]))

    def q_not(self, ctx: Context) -> Q:
        return _in_current_household_not(_participation_q(ctx, self.data["programme"]))

    def negated_split(self, ctx: Context) -> tuple[Q, Q] | None:
        return _split_not(_participation_q(ctx, self.data["programme"]))

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        name = self.data["programme"]
        if name in subject.programmes:
            return True, _("menerima %(p)s pada %(d)s") % {
                "p": name,
                "d": ctx.as_of.strftime("%d-%m-%Y"),
            }
        return _no(
            _("tidak menerima %(p)s pada %(d)s") % {"p": name, "d": ctx.as_of.strftime("%d-%m-%Y")}
        )

    def words(self) -> str:
        return _("menerima %(p)s") % {"p": self.data["programme"]}


class Area(Criterion):
    type = "area"
    label = _l("Wilayah")
    params = {"codes": "list"}
    required = ("codes",)

    def q(self, ctx: Context) -> Q:
        q = Q()
        for code in self.data["codes"]:
            q |= Q(desa_id=code) | Q(desa__code__startswith=code + ".")
        return q

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        desa = subject.person.desa_id
        inside = any(desa == c or desa.startswith(c + ".") for c in self.data["codes"])
        return inside, _("berdomisili di %(d)s") % {"d": desa}

    def words(self) -> str:
        return _("berdomisili di wilayah %(codes)s") % {"codes": ", ".join(self.data["codes"])}


class LksMember(Criterion):
    """Lives on the date in an active LKS of the given service kinds (children in an LKSA,
    residents of an elderly or ODGJ home), as the partners app records who an institution
    cares for."""

    type = "lks_member"
    label = _l("Tinggal di LKS")
    params = {"kinds": "list"}

    def validate(self) -> None:
        super().validate()
        from django.core.exceptions import ValidationError

        from sejahtera.partners.models import LksType

        unknown = set(self.data.get("kinds") or []) - set(LksType.values)
        if unknown:
            raise ValidationError(
                _("Jenis LKS %(k)s tidak dikenal; pilih dari %(all)s.")
                % {"k": ", ".join(sorted(unknown)), "all": ", ".join(LksType.values)}
            )

    def _members(self, ctx: Context) -> Any:
        from sejahtera.partners.selectors import members_on

        return members_on(kinds=self.data.get("kinds") or None, on=ctx.as_of)

    def q(self, ctx: Context) -> Q:
        return Q(pk__in=self._members(ctx).values("pk"))

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        day = ctx.as_of.strftime("%d-%m-%Y")
        if self._members(ctx).filter(pk=subject.person.pk).exists():
            return True, _("tinggal di LKS %(kinds)s pada %(d)s") % {
                "kinds": self._kinds(),
                "d": day,
            }
        return _no(
            _("tidak tercatat tinggal di LKS %(kinds)s pada %(d)s")
            % {"kinds": self._kinds(), "d": day}
        )

    def _kinds(self) -> str:
        from sejahtera.partners.models import LksType

        kinds = self.data.get("kinds") or []
        return ", ".join(str(LksType(k).label) for k in kinds) if kinds else _("apa pun")

    def words(self) -> str:
        return _("tinggal di LKS (%(kinds)s)") % {"kinds": self._kinds()}


class Manual(Criterion):
    """A criterion no data can decide ("sehat jasmani dan rohani"): checked by hand when a
    cycle's list is verified; it does not narrow the query."""

    type = "manual"
    label = _l("Diperiksa petugas")
    params = {"text": "str"}
    required = ("text",)

    def q(self, ctx: Context) -> Q:
        return Q()

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        return None, _("diperiksa petugas saat verifikasi daftar")

    def words(self) -> str:
        return _("%(text)s (diperiksa petugas)") % {"text": self.data["text"]}


TYPES: dict[str, type[Criterion]] = {
    c.type: c
    for c in (
        InDtks,
        DesilMax,
        Age,
        Sex,
        HeadOfHousehold,
        HouseholdSize,
        Ppks,
        Disability,
        Receives,
        Area,
        LksMember,
        Manual,
    )
}


def participation_codes(person_id: int, household_id: int | None, on: dt.date) -> set[str]:
    rows = Participation.objects.filter(period_start__lte=on).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=on)
    )
    who = Q(person_id=person_id)
    if household_id is not None:
        who |= Q(household_id=household_id)
    return set(rows.filter(who).values_list("programme", flat=True))
