"""The JSON types of what a proposal's payload carries, checked before anything reads it. A
form always puts a string, a list or an object where the checks expect one; a payload sent
through the API may hold any JSON value anywhere. A value of the wrong type (or one its column
cannot hold) is refused with a message, never a server error."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from sejahtera.registry.models import Household, Person, ProposalKind

TEXT = "text"
WHOLE = "whole"
PERSON = "person"  # an object of a person's fields (and the relation to the head)
HOUSEHOLD = "household"  # an object of a household's fields

# What a proposal of each kind carries, key by key: a type, a list of one shape (`[TEXT]`), or
# an object of shapes. Keys not named here are left to the payload checks.
SHAPES: dict[str, dict[str, Any]] = {
    ProposalKind.NEW_HOUSEHOLD: {"household": HOUSEHOLD, "members": [PERSON]},
    ProposalKind.NEW_PERSON: {"member": PERSON},
    ProposalKind.REMOVAL: {"reason": TEXT, "date": TEXT},
    ProposalKind.PPKS: {
        "category": TEXT,
        "criteria": [WHOLE],
        "assessed_on": TEXT,
        "valid_until": TEXT,
        "notes": TEXT,
    },
    ProposalKind.COMPOSITION: {
        "members": [{"person": WHOLE, "relation": TEXT, "to": TEXT}],
        "join_kk": TEXT,
        "new_household": HOUSEHOLD,
    },
}
RELATION_LENGTH = 20


def _fits_field(value: Any, field: models.Field[Any, Any]) -> bool:
    """Whether a JSON value can be stored in the field (dates are text, YYYY-MM-DD)."""
    if value is None:
        return True
    if isinstance(field, models.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, models.DecimalField):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return False
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return False
        whole_digits = (field.max_digits or 0) - (field.decimal_places or 0)
        return number.is_finite() and abs(number) < 10**whole_digits
    if isinstance(field, models.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**15
    return isinstance(value, str) and len(value) <= (field.max_length or len(value))


def _fits(value: Any, kind: str) -> bool:
    if value is None:
        return True
    if kind == WHOLE:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31
    return isinstance(value, str)


class _Checker:
    def __init__(self, person_fields: Any, household_fields: Any) -> None:
        self.person = {n: Person._meta.get_field(n) for n in person_fields}
        self.household = {n: Household._meta.get_field(n) for n in household_fields}
        self.errors: list[str] = []

    def invalid(self, where: str, field: str) -> None:
        self.errors.append(
            _("%(where)s: isian %(field)s tidak sah.") % {"where": where, "field": field}
        )

    def record(self, data: Any, fields: dict[str, Any], where: str, relation: bool) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            self.errors.append(_("%(where)s harus berupa objek JSON.") % {"where": where})
            return
        for name, value in data.items():
            if name in fields:
                if not _fits_field(value, fields[name]):
                    self.invalid(where, name)
            elif relation and name == "relation":
                if not (_fits(value, TEXT) and len(value or "") <= RELATION_LENGTH):
                    self.invalid(where, name)
            else:
                self.errors.append(
                    _("%(where)s: isian tidak dikenal: %(field)s") % {"where": where, "field": name}
                )

    def check(self, value: Any, shape: Any, where: str) -> None:
        if value is None:
            return
        if shape == PERSON:
            self.record(value, self.person, where, relation=True)
        elif shape == HOUSEHOLD:
            self.record(value, self.household, where, relation=False)
        elif isinstance(shape, list):
            if not isinstance(value, list):
                self.errors.append(_("%(where)s harus berupa daftar.") % {"where": where})
                return
            for i, item in enumerate(value, start=1):
                self.check(item, shape[0], f"{where} {i}")
        elif isinstance(shape, dict):
            if not isinstance(value, dict):
                self.errors.append(_("%(where)s harus berupa objek JSON.") % {"where": where})
                return
            for key, inner in shape.items():
                self.check(value.get(key), inner, f"{where}.{key}" if where else key)
        elif not _fits(value, shape):
            self.errors.append(_("Isian %(field)s tidak sah.") % {"field": where})


def shape_errors(
    *,
    kind: str,
    payload: Any,
    person_fields: Any,
    household_fields: Any,
    changes_of: Person | Household | None = None,
) -> list[str]:
    """What in `payload` has the wrong JSON type for a proposal of `kind` (or is a field a
    change of `changes_of`, the person or household changed, may not carry). The field names
    a person and a household may carry are the payload checks'."""
    if not isinstance(payload, dict):
        return [_("Isi usulan harus berupa objek JSON.")]
    checker = _Checker(person_fields, household_fields)
    if kind == ProposalKind.CHANGE:
        if isinstance(changes_of, Person):
            checker.record(payload.get("changes"), checker.person, "changes", relation=False)
        elif isinstance(changes_of, Household):
            checker.record(payload.get("changes"), checker.household, "changes", relation=False)
        elif payload.get("changes") is not None and not isinstance(payload["changes"], dict):
            checker.errors.append(_("%(where)s harus berupa objek JSON.") % {"where": "changes"})
    else:
        checker.check(payload, SHAPES.get(kind, {}), "")
    return checker.errors
