"""Reads of the programmes app: programmes, their rule in force, who is eligible (one SQL
statement, scoped to the user's area) and why one person is or is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope
from sejahtera.programs.criteria import Context, Node, Verdict, eligible_base, load_subject, parse
from sejahtera.programs.models import Distribution, Programme, RuleVersion
from sejahtera.registry.models import Person


def programmes_for(user: Any) -> QuerySet[Programme]:
    if user is not None and not can(user, Cap.VIEW):
        return Programme.objects.none()
    return Programme.objects.all()


def rule_in_force(programme: Programme, as_of: dt.date) -> RuleVersion | None:
    """The latest version in force in the year of `as_of`."""
    return programme.rules.filter(valid_from_year__lte=as_of.year).order_by("-version").first()


def rule_tree(programme: Programme, as_of: dt.date) -> Node | None:
    version = rule_in_force(programme, as_of)
    return parse(version.rule) if version is not None else None


def eligible(
    programme: Programme, *, as_of: dt.date, user: Any = None, rule: Node | None = None
) -> QuerySet[Person]:
    """Living persons who meet the programme's rule on `as_of` (hand-checked criteria are
    left to the cycle's verification), within the user's area (`None`: the whole office)."""
    tree = rule or rule_tree(programme, as_of)
    if tree is None:
        return Person.objects.none()
    queryset = eligible_base().filter(tree.q(Context(as_of=as_of)))
    if user is not None:
        queryset = scope(queryset, user, "desa__code")
    return queryset


def explain(programme: Programme, person: Person, *, as_of: dt.date) -> Verdict:
    """For one person: does the rule hold, and why, criterion by criterion."""
    tree = rule_tree(programme, as_of)
    if tree is None:
        return Verdict(False, _("Program ini belum punya aturan kelayakan."), "")
    if person.is_deceased:
        return Verdict(False, _("Tercatat meninggal."), tree.words())
    ctx = Context(as_of=as_of)
    return tree.explain(load_subject(person, ctx), ctx)


def _given(user: Any) -> QuerySet[Distribution]:
    return scope(
        Distribution.objects.filter(given_on__isnull=False), user, "beneficiary__desa__code"
    )


def recipients_per_programme_and_year(user: Any) -> dict[int, dict[int, int]]:
    """Persons who received (a distribution with a date) per programme id and year, within
    the user's area: the layout of Tabel 2.4.3."""
    table: dict[int, dict[int, int]] = {}
    rows = (
        _given(user)
        .annotate(year=ExtractYear("given_on"))
        .values("beneficiary__cycle__programme_id", "year")
        .annotate(n=Count("beneficiary__person", distinct=True))
    )
    for row in rows:
        table.setdefault(row["beneficiary__cycle__programme_id"], {})[row["year"]] = row["n"]
    return table


def recipients_per_kecamatan(user: Any, year: int) -> dict[str, dict[str, Any]]:
    """For one year: kecamatan code → {name, counts: programme id → persons}."""
    areas: dict[str, dict[str, Any]] = {}
    rows = (
        _given(user)
        .filter(given_on__year=year)
        .values(
            "beneficiary__desa__parent_id",
            "beneficiary__desa__parent__name",
            "beneficiary__cycle__programme_id",
        )
        .annotate(n=Count("beneficiary__person", distinct=True))
    )
    for row in rows:
        area = areas.setdefault(
            row["beneficiary__desa__parent_id"],
            {"name": row["beneficiary__desa__parent__name"], "counts": {}},
        )
        area["counts"][row["beneficiary__cycle__programme_id"]] = row["n"]
    return areas
