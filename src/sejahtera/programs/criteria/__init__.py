"""Eligibility rules: a tree of AND (`all`), OR (`any`), NOT (`not`) over criteria.

rule = parse({"all": [{"type": "in_dtks"}, {"type": "desil_max", "max": 4}]})
eligible_base().filter(rule.q(ctx))       # the whole district, one SQL statement
rule.explain(load_subject(person, ctx), ctx)   # one person: each criterion, and why
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from sejahtera.programs.criteria.base import (
    Context,
    Criterion,
    Subject,
    Verdict,
    eligible_base,
)
from sejahtera.programs.criteria.types import TYPES, current_ppks_q, participation_codes
from sejahtera.registry.models import Membership, Person, PpksAssessment

__all__ = [
    "TYPES",
    "Context",
    "Criterion",
    "Node",
    "Subject",
    "Verdict",
    "eligible_base",
    "load_subject",
    "parse",
]
MAX_DEPTH = 6


class Node:
    def q(self, ctx: Context) -> Q:
        raise NotImplementedError

    def explain(self, subject: Subject, ctx: Context) -> Verdict:
        raise NotImplementedError

    def words(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def leaves(self) -> list[Criterion]:
        raise NotImplementedError


class Leaf(Node):
    def __init__(self, criterion: Criterion) -> None:
        self.criterion = criterion

    def q(self, ctx: Context) -> Q:
        return self.criterion.q(ctx)

    def explain(self, subject: Subject, ctx: Context) -> Verdict:
        holds, reason = self.criterion.check(subject, ctx)
        return Verdict(holds, reason, self.criterion.words())

    def words(self) -> str:
        return self.criterion.words()

    def to_json(self) -> dict[str, Any]:
        return self.criterion.to_json()

    def leaves(self) -> list[Criterion]:
        return [self.criterion]


def _manual(node: Node) -> bool:
    return isinstance(node, Leaf) and node.criterion.type == "manual"


def _conjuncts(children: list[Node]) -> list[Node]:
    """The terms of an AND with nested ANDs and negated ORs opened up (De Morgan), so that
    `All.q` sees every criterion it may merge."""
    out: list[Node] = []
    for child in children:
        if isinstance(child, All):
            out += _conjuncts(child.children)
        elif isinstance(child, Not) and isinstance(child.child, AnyOf):
            out += _conjuncts([Not(c) for c in child.child.children])
        elif isinstance(child, Not) and isinstance(child.child, Not):
            out += _conjuncts([child.child.child])
        else:
            out.append(child)
    return out


class All(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children

    def q(self, ctx: Context) -> Q:
        # Criteria that only look at the current membership share one EXISTS; when there is
        # one, the KK side of negated "receives"/"PPKS" criteria joins it too (exact, since a
        # person has one current membership at most).
        membership: list[Q] = []
        negated: list[tuple[Node, tuple[Q, Q]]] = []
        q = Q()
        for child in _conjuncts(self.children):
            on_membership = child.criterion.membership_q(ctx) if isinstance(child, Leaf) else None
            split = (
                child.child.criterion.negated_split(ctx)
                if isinstance(child, Not) and isinstance(child.child, Leaf)
                else None
            )
            if on_membership is not None:
                membership.append(on_membership)
            elif split is not None:
                negated.append((child, split))
            else:
                q &= child.q(ctx)
        if not membership:
            for child, _split in negated:
                q &= child.q(ctx)
            return q
        from sejahtera.programs.criteria.types import _current

        for _child, (on_person, on_kk) in negated:
            q &= on_person
            membership.append(on_kk)
        return q & _current(*membership)

    def explain(self, subject: Subject, ctx: Context) -> Verdict:
        verdicts = tuple(child.explain(subject, ctx) for child in self.children)
        if any(v.holds is False for v in verdicts):
            holds: bool | None = False
        elif any(v.holds is None for v in verdicts):
            holds = None
        else:
            holds = True
        return Verdict(holds, "", self.words(), verdicts)

    def words(self) -> str:
        return (" " + _("dan") + " ").join(c.words() for c in self.children)

    def to_json(self) -> dict[str, Any]:
        return {"all": [c.to_json() for c in self.children]}

    def leaves(self) -> list[Criterion]:
        return [leaf for c in self.children for leaf in c.leaves()]


class AnyOf(Node):
    def __init__(self, children: list[Node]) -> None:
        self.children = children

    def q(self, ctx: Context) -> Q:
        # A hand-checked alternative could hold for anyone: the data cannot narrow the group.
        if any(_manual(c) for c in self.children):
            return Q()
        q = Q(pk__in=[])
        for child in self.children:
            q |= child.q(ctx)
        return q

    def explain(self, subject: Subject, ctx: Context) -> Verdict:
        verdicts = tuple(child.explain(subject, ctx) for child in self.children)
        if any(v.holds is True for v in verdicts):
            holds: bool | None = True
        elif any(v.holds is None for v in verdicts):
            holds = None
        else:
            holds = False
        return Verdict(holds, "", self.words(), verdicts)

    def words(self) -> str:
        return "(" + (" " + _("atau") + " ").join(c.words() for c in self.children) + ")"

    def to_json(self) -> dict[str, Any]:
        return {"any": [c.to_json() for c in self.children]}

    def leaves(self) -> list[Criterion]:
        return [leaf for c in self.children for leaf in c.leaves()]


class Not(Node):
    def __init__(self, child: Node) -> None:
        self.child = child

    def q(self, ctx: Context) -> Q:
        # Pushed down (De Morgan) so that every negated criterion uses its own q_not.
        child = self.child
        if isinstance(child, Leaf):
            return child.criterion.q_not(ctx)
        if isinstance(child, Not):
            return child.child.q(ctx)
        if isinstance(child, AnyOf):
            return All([Not(c) for c in child.children]).q(ctx)
        assert isinstance(child, All)
        q = Q(pk__in=[])
        for c in child.children:
            q |= Not(c).q(ctx)
        return q

    def explain(self, subject: Subject, ctx: Context) -> Verdict:
        inner = self.child.explain(subject, ctx)
        holds = None if inner.holds is None else not inner.holds
        return Verdict(holds, inner.reason, self.words(), (inner,))

    def words(self) -> str:
        return _("tidak %(what)s") % {"what": self.child.words()}

    def to_json(self) -> dict[str, Any]:
        return {"not": self.child.to_json()}

    def leaves(self) -> list[Criterion]:
        return self.child.leaves()


def parse(data: Any, depth: int = 0) -> Node:
    """Check and build a rule tree; every problem is a ValidationError in Bahasa Indonesia."""
    if depth > MAX_DEPTH:
        raise ValidationError(
            _("Aturan terlalu dalam (paling banyak %(n)s tingkat).") % {"n": MAX_DEPTH}
        )
    if not isinstance(data, dict) or len(data) == 0:
        raise ValidationError(_("Setiap bagian aturan harus berupa objek JSON."))
    if "all" in data or "any" in data:
        key = "all" if "all" in data else "any"
        if set(data) != {key} or not isinstance(data[key], list) or not data[key]:
            raise ValidationError(
                _("“%(key)s” harus berisi daftar kriteria yang tidak kosong.") % {"key": key}
            )
        children = [parse(child, depth + 1) for child in data[key]]
        return All(children) if key == "all" else AnyOf(children)
    if "not" in data:
        if set(data) != {"not"}:
            raise ValidationError(_("“not” hanya berisi satu kriteria."))
        child = parse(data["not"], depth + 1)
        if any(leaf.type == "manual" for leaf in child.leaves()):
            raise ValidationError(
                _("Kriteria yang diperiksa petugas tidak dapat dipakai di dalam “tidak” (not).")
            )
        return Not(child)
    kind = data.get("type")
    if kind not in TYPES:
        raise ValidationError(
            _("Jenis kriteria “%(type)s” tidak dikenal. Yang tersedia: %(all)s.")
            % {"type": kind, "all": ", ".join(sorted(TYPES))}
        )
    return Leaf(TYPES[kind](data))


def load_subject(person: Person, ctx: Context) -> Subject:
    """What the criteria need about one person, in a few queries."""
    membership = (
        Membership.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )
    household = membership.household if membership else None
    size = (
        Membership.objects.filter(household=household, end_date__isnull=True).count()
        if household
        else 0
    )
    who = Q(person=person)
    if household is not None:
        who |= Q(household=household)
    ppks = set(
        PpksAssessment.objects.filter(current_ppks_q(ctx))
        .filter(who)
        .values_list("category__code", flat=True)
    )
    return Subject(
        person=person,
        membership=membership,
        household=household,
        household_size=size,
        ppks=ppks,
        programmes=participation_codes(person.pk, household.pk if household else None, ctx.as_of),
    )
