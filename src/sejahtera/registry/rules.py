"""The computable conditions of PPKS categories (age band, sex), in one place, for the
assessment service and for checks that an old assessment still holds."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from sejahtera.registry.models import Household, Person, PpksCategory


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Whole years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def category_refusals(
    *, category: PpksCategory, person: Person | None, household: Household | None, on: dt.date
) -> list[str]:
    """Why this subject cannot be put in this category on this date (empty when it can)."""
    reasons: list[str] = []
    if category.subject == PpksCategory.Subject.PERSON and person is None:
        reasons.append(
            _("Kategori %(name)s untuk perorangan, bukan keluarga.") % {"name": category.name}
        )
    if category.subject == PpksCategory.Subject.HOUSEHOLD and household is None:
        reasons.append(
            _("Kategori %(name)s untuk keluarga, bukan perorangan.") % {"name": category.name}
        )
    if person is None:
        return reasons
    if category.age_min is not None or category.age_max is not None:
        if person.birth_date is None:
            reasons.append(
                _("Kategori %(name)s mensyaratkan usia; tanggal lahir %(person)s belum tercatat.")
                % {"name": category.name, "person": person.name}
            )
        else:
            age = age_on(person.birth_date, on)
            if category.age_min is not None and age < category.age_min:
                reasons.append(
                    _(
                        "%(name)s mensyaratkan usia paling rendah %(min)d tahun; %(person)s berusia %(age)d tahun pada %(date)s."
                    )
                    % {
                        "name": category.name,
                        "min": category.age_min,
                        "person": person.name,
                        "age": age,
                        "date": on.strftime("%d-%m-%Y"),
                    }
                )
            if category.age_max is not None and age > category.age_max:
                reasons.append(
                    _(
                        "%(name)s mensyaratkan usia paling tinggi %(max)d tahun; %(person)s berusia %(age)d tahun pada %(date)s."
                    )
                    % {
                        "name": category.name,
                        "max": category.age_max,
                        "person": person.name,
                        "age": age,
                        "date": on.strftime("%d-%m-%Y"),
                    }
                )
    if category.sex and person.sex != category.sex:
        reasons.append(
            _("%(name)s hanya untuk %(sex)s.")
            % {"name": category.name, "sex": category.get_sex_display().lower()}
        )
    if person.is_deceased:
        reasons.append(_("%(person)s tercatat meninggal.") % {"person": person.name})
    return reasons
