"""Reads of the programmes app: programmes, their rule in force, who is eligible (one SQL
statement, scoped to the user's area) and why one person is or is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sejahtera.accounts.permissions import can
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.scoping import scope
from sejahtera.programs.criteria import Context, Node, Verdict, eligible_base, load_subject, parse
from sejahtera.programs.models import Programme, RuleVersion
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
