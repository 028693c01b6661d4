"""The building blocks of an eligibility rule.

A rule is data (JSON): `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}` or a criterion
`{"type": "desil_max", "max": 4}`. Each criterion type is a small class with three methods:

- `q(ctx)`: a Q over living `Person`s (criteria about the household are EXISTS over the
  current membership, so NOT stays exact) so a whole district is one SQL statement;
- `check(subject, ctx)`: for one person, whether it holds and why, in Bahasa Indonesia;
- `words()`: the criterion as a clerk or a citizen reads it.

The two must agree for every person: `tests/programs/test_agreement.py` checks it with
generated people. A criterion that no data can decide (`manual`) does not restrict the query
and is reported as "checked by hand".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sejahtera.registry.models import Household, Membership, Person


@dataclass(frozen=True)
class Context:
    """What a rule is evaluated against: the reference date (ages, validity periods)."""

    as_of: dt.date


@dataclass
class Subject:
    """One person with what the criteria need, loaded once for an explanation."""

    person: Person
    membership: Membership | None
    household: Household | None
    household_size: int
    ppks: set[str] = field(default_factory=set)  # current PPKS category codes (person or KK)
    programmes: set[str] = field(default_factory=set)  # programmes received on the date


@dataclass(frozen=True)
class Verdict:
    """Whether a criterion holds for a subject (None: to be checked by hand) and why."""

    holds: bool | None
    reason: str
    words: str
    children: tuple[Verdict, ...] = ()


def eligible_base() -> QuerySet[Person]:
    """Living persons (not records merged into another); criteria about the household look
    at the current membership."""
    return Person.objects.filter(is_deceased=False, merged_into__isnull=True)


class Criterion:
    """A criterion type. Subclasses set `type`, `label`, `params` (name → kind) and
    implement `q`, `check` and `words`."""

    type: ClassVar[str]
    label: ClassVar[Any]
    params: ClassVar[dict[str, str]] = {}  # name -> "int" | "str" | "list" | "bool"
    required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.validate()

    def validate(self) -> None:
        for name in self.required:
            if self.data.get(name) in (None, "", []):
                raise ValidationError(
                    _("Kriteria “%(label)s” perlu nilai %(name)s.")
                    % {"label": self.label, "name": name}
                )
        for name, kind in self.params.items():
            value = self.data.get(name)
            if value is None:
                continue
            ok = {
                "int": isinstance(value, int) and not isinstance(value, bool),
                "str": isinstance(value, str),
                "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
                "bool": isinstance(value, bool),
            }[kind]
            if not ok:
                raise ValidationError(
                    _("Nilai %(name)s pada kriteria “%(label)s” tidak sah: %(value)s")
                    % {"name": name, "label": self.label, "value": value}
                )
        unknown = set(self.data) - set(self.params) - {"type", "source"}
        if unknown:
            raise ValidationError(
                _("Kriteria “%(label)s” tidak mengenal %(names)s.")
                % {"label": self.label, "names": ", ".join(sorted(unknown))}
            )

    def q(self, ctx: Context) -> Q:
        raise NotImplementedError

    def q_not(self, ctx: Context) -> Q:
        """The negation as a query; types whose positive form is an OR of EXISTS give a
        NOT EXISTS AND NOT EXISTS here, which PostgreSQL runs as anti-joins."""
        return ~self.q(ctx)

    def membership_q(self, ctx: Context) -> Q | None:
        """Conditions on the person's current membership, when the criterion is only that:
        an AND of such criteria is merged into one EXISTS."""
        return None

    def negated_split(self, ctx: Context) -> tuple[Q, Q] | None:
        """For a criterion about the person or their KK: its negation as (a query on the
        person, a condition on the current membership). Inside an AND that already asks for
        a current membership (one at most per person), the second part joins that EXISTS
        instead of scanning the memberships again."""
        return None

    def check(self, subject: Subject, ctx: Context) -> tuple[bool | None, str]:
        raise NotImplementedError

    def words(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def years_before(on: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)
