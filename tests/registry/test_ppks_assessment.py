from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sejahtera.accounts.roles import Role
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.registry.models import PpksAssessment, PpksCategory
from sejahtera.registry.selectors import current_assessments
from sejahtera.registry.services import assess_ppks
from tests.conftest import DESA_A, DESA_B
from tests.registry.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 1)


def category(code: str) -> PpksCategory:
    return PpksCategory.objects.get(code=code)


@pytest.fixture
def operator(make_user: Any) -> Any:
    return make_user(Role.OPERATOR_DESA, [DESA_A])


def assess(actor: Any, code: str, **kwargs: Any) -> PpksAssessment:
    cat = category(code)
    kwargs.setdefault("criteria", list(cat.criteria.all()[:1]))
    return assess_ppks(actor=actor, category=cat, assessed_on=kwargs.pop("on", ON), **kwargs)


def test_elderly_under_60_is_refused_with_the_reason(operator: Any) -> None:
    person = PersonFactory(name="Sumarni", birth_date=dt.date(1967, 11, 2))  # 58 on ON
    with pytest.raises(ValidationError) as exc:
        assess(operator, "LANJUT_USIA_TERLANTAR", person=person)
    message = " ".join(exc.value.messages)
    assert "paling rendah 60 tahun" in message and "Sumarni berusia 58 tahun" in message
    assert not PpksAssessment.objects.exists()


def test_elderly_at_60_is_accepted_and_audited(operator: Any) -> None:
    person = PersonFactory(birth_date=dt.date(1966, 11, 1))  # 60 exactly on ON
    assessment = assess(operator, "LANJUT_USIA_TERLANTAR", person=person)
    assert list(current_assessments(person=person, on=ON)) == [assessment]
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="registry.ppksassessment")
    assert event.wilayah_code == DESA_A


def test_upper_age_bound(operator: Any) -> None:
    child = PersonFactory(birth_date=dt.date(2007, 10, 31))  # 19 on ON
    with pytest.raises(ValidationError, match="paling tinggi 18 tahun"):
        assess(operator, "ANAK_TERLANTAR", person=child)
    assert assess(operator, "ANAK_TERLANTAR", person=PersonFactory(birth_date=dt.date(2010, 1, 1)))


def test_missing_birth_date_is_refused_for_age_bound_category(operator: Any) -> None:
    person = PersonFactory(birth_date=None, nik="3516011208850009")
    with pytest.raises(ValidationError, match="tanggal lahir"):
        assess(operator, "ANAK_BALITA_TERLANTAR", person=person)


def test_sex_bound_category(operator: Any) -> None:
    man = PersonFactory(sex="L", birth_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError, match="hanya untuk perempuan"):
        assess(operator, "PEREMPUAN_RAWAN_SOSIAL_EKONOMI", person=man)
    woman = PersonFactory(sex="P", birth_date=dt.date(1990, 1, 1))
    assert assess(operator, "PEREMPUAN_RAWAN_SOSIAL_EKONOMI", person=woman)


def test_household_category_needs_a_household(operator: Any) -> None:
    with pytest.raises(ValidationError, match="untuk keluarga"):
        assess(operator, "KELUARGA_BERUMAH_TIDAK_LAYAK_HUNI", person=PersonFactory())
    assert assess(operator, "KELUARGA_BERUMAH_TIDAK_LAYAK_HUNI", household=HouseholdFactory())


def test_criteria_must_belong_to_category_and_be_ticked(operator: Any) -> None:
    person = PersonFactory(birth_date=dt.date(1950, 1, 1))
    other = list(category("ANAK_TERLANTAR").criteria.all()[:1])
    with pytest.raises(ValidationError, match="bukan kriteria kategori ini"):
        assess(operator, "LANJUT_USIA_TERLANTAR", person=person, criteria=other)
    with pytest.raises(ValidationError, match="paling sedikit satu kriteria"):
        assess(operator, "LANJUT_USIA_TERLANTAR", person=person, criteria=[])


def test_outside_area_and_read_only_roles_are_refused(operator: Any, make_user: Any) -> None:
    elsewhere = PersonFactory(desa_id=DESA_B, birth_date=dt.date(1950, 1, 1))
    with pytest.raises(ValidationError, match="di luar wilayah kerja"):
        assess(operator, "LANJUT_USIA_TERLANTAR", person=elsewhere)
    with pytest.raises(PermissionDenied):
        assess(
            make_user(Role.AUDITOR),
            "LANJUT_USIA_TERLANTAR",
            person=PersonFactory(birth_date=dt.date(1950, 1, 1)),
        )


def test_status_is_derived_from_validity(operator: Any) -> None:
    person = PersonFactory(birth_date=dt.date(1950, 1, 1))
    assess(operator, "LANJUT_USIA_TERLANTAR", person=person, valid_until=dt.date(2026, 12, 31))
    assert current_assessments(person=person, on=dt.date(2026, 12, 31)).count() == 1
    assert current_assessments(person=person, on=dt.date(2027, 1, 1)).count() == 0
    with pytest.raises(ValidationError, match="sebelum tanggal penilaian"):
        assess(operator, "LANJUT_USIA_TERLANTAR", person=person, valid_until=dt.date(2026, 1, 1))
