"""Each data-quality check finds what it should and nothing else, on small synthetic cases;
the NIK checks agree with `check_nik` and the PPKS check with `category_refusals` on every
generated case."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sejahtera.accounts.roles import Role
from sejahtera.common.nik import check_nik, make_nik
from sejahtera.linkage import quality
from sejahtera.programs.criteria.base import years_before
from sejahtera.programs.models import Beneficiary, Cycle, CycleStatus, Distribution, Programme
from sejahtera.registry.models import (
    Household,
    Membership,
    Participation,
    Person,
    PpksAssessment,
    PpksCategory,
)
from sejahtera.registry.rules import category_refusals
from sejahtera.wilayah.selectors import kecamatan_exists
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_A, KEC_A, MOJOKERTO
from tests.programs.people import Profile, build
from tests.registry.factories import HouseholdFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def found(key: str, today: dt.date = TODAY) -> set[int]:
    return set(quality.BY_KEY[key].build(today).values_list("pk", flat=True))


def born(age: int, days_after: int = 3) -> dt.date:
    """A birth date `age` whole years before TODAY (a few days after the birthday)."""
    return years_before(TODAY, age) - dt.timedelta(days=days_after)


def person(nik: str | None = None, **kwargs: object) -> Person:
    if nik is None and "birth_date" in kwargs and kwargs["birth_date"] is None:
        nik = make_nik_for(dt.date(1980, 1, 1), str(kwargs.get("sex", "L")))
    if nik is not None:
        kwargs["nik"] = nik
    return PersonFactory(**kwargs)


def test_a_clean_registry_has_no_findings() -> None:
    build(Profile(age=40, size=4))
    build(Profile(age=30, head=False, sex="P"))
    build(Profile(age=70, ppks={"LANJUT_USIA_TERLANTAR"}, receives={"PBI_JK", "PKH"}))
    build(Profile(age=80, alive=False))  # dead, but on no list
    for check in quality.CHECKS:
        assert found(check.key) == set(), check.key


def test_invalid_niks() -> None:
    good = person(birth_date=dt.date(1985, 1, 12))
    leap = person("3516012902840001", birth_date=dt.date(1984, 2, 29))
    woman = person("3516017101850001", birth_date=dt.date(1985, 1, 31), sex="P")
    bad = {
        "short": person("35160112018", birth_date=None),
        "letters": person("35160112AB850001"),
        "serial": person("3516011201850000", birth_date=dt.date(1985, 1, 12)),
        "region": person("9999011201850001", birth_date=dt.date(1985, 1, 12)),
        "day32": person("3516013201850001", birth_date=None),
        "day72": person("3516017201850002", birth_date=None),
        "day40": person("3516014001850001", birth_date=None),
        "feb31": person("3516013102850001", birth_date=None),
        "feb29": person("3516012902850001", birth_date=None),
        "apr31": person("3516013104850001", birth_date=None),
        "month13": person("3516011213850001", birth_date=None),
    }
    merged = person("3516013201850077", birth_date=None, merged_into=good)  # a merged duplicate
    assert found("nik-tidak-sah") == {p.pk for p in bad.values()}
    assert merged.pk not in found("nik-tidak-sah")
    assert {good.pk, leap.pk, woman.pk}.isdisjoint(found("nik-tidak-sah"))


def test_nik_that_disagrees_with_birth_date_or_sex_is_a_warning_only() -> None:
    matching = person(birth_date=dt.date(1985, 1, 12))
    other_date = person(make_nik_for(dt.date(1985, 1, 13), "L"), birth_date=dt.date(1985, 1, 12))
    other_year = person(make_nik_for(dt.date(1986, 1, 12), "L"), birth_date=dt.date(1985, 1, 12))
    other_sex = person(make_nik_for(dt.date(1985, 1, 12), "P"), birth_date=dt.date(1985, 1, 12))
    woman_ok = person(make_nik_for(dt.date(1985, 1, 12), "P"), sex="P", birth_date=None)
    no_birth = person(make_nik_for(dt.date(1990, 3, 3), "L"), birth_date=None)
    invalid = person("3516013201850009", birth_date=dt.date(1980, 1, 1))  # an error, not a warning
    assert found("nik-tidak-cocok") == {other_date.pk, other_year.pk, other_sex.pk}
    assert {matching.pk, woman_ok.pk, no_birth.pk, invalid.pk}.isdisjoint(found("nik-tidak-cocok"))


_serials = iter(range(5000, 9999))


def make_nik_for(birth: dt.date, sex: str) -> str:
    return make_nik(kecamatan_code=KEC_A, birth_date=birth, sex=sex, serial=next(_serials))


def test_nik_checks_agree_with_check_nik() -> None:
    """Generated NIKs (most nearly right, some broken in one place) and recorded birth
    dates/sexes: the SQL finds exactly what `check_nik` calls an error or (for valid NIKs) a
    warning."""
    rng = random.Random(8)
    niks: set[str] = set()
    people = []
    while len(people) < 300:
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(35_000))
        sex = rng.choice("LP")
        nik = list(
            make_nik(kecamatan_code=KEC_A, birth_date=birth, sex=sex, serial=rng.randint(0, 9999))
        )
        roll = rng.random()
        if roll < 0.5:  # break one digit anywhere
            nik[rng.randrange(16)] = rng.choice("0123456789")
        elif roll < 0.6:
            nik[rng.randrange(16)] = rng.choice("X. ")
        elif roll < 0.65:
            nik = nik[: rng.randint(8, 15)]
        text = "".join(nik)
        if text in niks:
            continue
        niks.add(text)
        recorded = birth if rng.random() < 0.7 else birth + dt.timedelta(days=rng.randint(1, 400))
        people.append(
            Person.objects.create(
                nik=text,
                name="Uji",
                sex=sex if rng.random() < 0.85 else ("P" if sex == "L" else "L"),
                birth_date=recorded if rng.random() < 0.95 else None,
                desa_id=DESA_A,
            )
        )
    errors, warnings = set(), set()
    for p in people:
        result = check_nik(
            p.nik, birth_date=p.birth_date, sex=p.sex, region_exists=kecamatan_exists, today=TODAY
        )
        if result.errors:
            errors.add(p.pk)
        elif result.warnings:
            warnings.add(p.pk)
    assert len(errors) > 50 and len(warnings) > 30  # the generator covers both
    assert found("nik-tidak-sah") == errors
    assert found("nik-tidak-cocok") == warnings


def test_one_nik_on_several_persons() -> None:
    # Equal strings are refused by the database; written with dots or hyphens they collide.
    first = person("3516.01120580001")
    second = person("3516-01120580001")
    alone = person("3516 01120580002")
    stored = person("351601120580003")  # as written, without separators
    written_apart = person("3516-01120580003")
    person(birth_date=dt.date(1980, 5, 12))
    assert found("nik-ganda") == {first.pk, second.pk, stored.pk, written_apart.pk}
    assert alone.pk not in found("nik-ganda")


def test_a_person_in_two_households_at_once() -> None:
    h1, h2, h3 = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    both = person()
    add_member(both, h1, "kepala", start=dt.date(2020, 1, 1))
    Membership.objects.create(
        person=both,
        household=h2,
        relation="anak",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    moved = person()
    Membership.objects.create(
        person=moved,
        household=h2,
        relation="anak",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2022, 5, 1),
    )
    add_member(moved, h3, "kepala", start=dt.date(2022, 5, 1))  # moved out and in the same day
    add_member(person(), h2, "kepala")
    assert found("dua-keluarga") == {both.pk}


def test_households_without_a_head_or_with_two() -> None:
    good, headless, two_heads, empty = (HouseholdFactory() for _ in range(4))
    add_member(person(), good, "kepala")
    add_member(person(birth_date=dt.date(2000, 1, 1)), good, "anak")
    add_member(person(birth_date=dt.date(2000, 1, 1)), headless, "anak")
    former_head = person()
    Membership.objects.create(
        person=former_head,
        household=headless,
        relation="kepala",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 1, 1),
    )
    add_member(person(), two_heads, "kepala")
    add_member(person(), two_heads, "kepala")
    Membership.objects.create(
        person=person(),
        household=empty,
        relation="kepala",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 1, 1),
    )
    assert found("kepala-keluarga") == {headless.pk, two_heads.pk}


def test_impossible_ages() -> None:
    too_old = person(birth_date=born(121))
    oldest_alive = person(birth_date=born(120))
    old_and_dead = person(birth_date=born(125), is_deceased=True, death_date=dt.date(1990, 1, 1))
    not_born = person(birth_date=TODAY + dt.timedelta(days=1))
    born_today = person(birth_date=TODAY)
    died_first = person(
        birth_date=dt.date(1990, 1, 1), is_deceased=True, death_date=dt.date(1989, 12, 31)
    )
    _h, young_head = _family(born(9), ("anak", born(1)))
    _h, head_of_ten = _family(born(10))
    _h, spouses = _family(born(40), ("pasangan", born(12)), ("pasangan", born(13)))
    former = HouseholdFactory()
    Membership.objects.create(
        person=person(birth_date=born(8)),
        household=former,
        relation="kepala",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    assert found("umur") == {
        too_old.pk,
        not_born.pk,
        died_first.pk,
        young_head[0].person_id,
        spouses[1].person_id,
    }
    kept = {oldest_alive.pk, old_and_dead.pk, born_today.pk, head_of_ten[0].person_id}
    assert kept.isdisjoint(found("umur"))


def _family(
    head_birth: dt.date, *members: tuple[str, dt.date]
) -> tuple[Household, list[Membership]]:
    household = HouseholdFactory()
    rows = [add_member(person(birth_date=head_birth), household, "kepala")]
    rows += [add_member(person(birth_date=b), household, relation) for relation, b in members]
    return household, rows


def test_impossible_relations() -> None:
    head = dt.date(1980, 6, 15)
    _h, children = _family(
        head,
        ("anak", dt.date(1990, 6, 14)),  # one day short of 10 years after the head
        ("anak", dt.date(1990, 6, 15)),  # exactly 10 years: allowed
        ("anak", dt.date(1975, 1, 1)),  # older than the head
        ("cucu", dt.date(1999, 1, 1)),
        ("cucu", dt.date(2001, 1, 1)),
        ("orang_tua", dt.date(1975, 1, 1)),
        ("orang_tua", dt.date(1950, 1, 1)),
        ("mertua", dt.date(1979, 1, 1)),  # a spouse may be much younger: not checked
        ("pasangan", dt.date(1990, 1, 1)),
    )
    household, _rows = _family(head)
    Membership.objects.create(
        person=person(birth_date=dt.date(1979, 1, 1)),
        household=household,
        relation="anak",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    # A household without a head: its members are not compared with anyone.
    headless = HouseholdFactory()
    add_member(person(birth_date=dt.date(1990, 1, 1)), headless, "anak")
    # Two heads: the child is paired with both and found once.
    two, both_heads = _family(dt.date(1970, 1, 1), ("anak", dt.date(1975, 1, 1)))
    add_member(person(birth_date=dt.date(1972, 1, 1)), two, "kepala")
    assert found("hubungan") == {
        children[1].pk,
        children[3].pk,
        children[4].pk,
        children[6].pk,
        both_heads[1].pk,
    }
    check = quality.BY_KEY["hubungan"]
    office = UserFactory(role=Role.OPERATOR_DINAS, area_codes=[MOJOKERTO])
    assert quality.counts_by_desa(check, user=office, today=TODAY, area=None) == {DESA_A: 5}


def _programme() -> Programme:
    return Programme.objects.create(
        code="uji", number=99, name="Bantuan uji", funding="APBD_KABUPATEN", funding_written="APBD"
    )


def _cycle(programme: Programme, status: str, end: dt.date = dt.date(2026, 12, 31)) -> Cycle:
    return Cycle.objects.create(
        programme=programme,
        name=f"Tahap {status}",
        as_of=dt.date(2026, 1, 1),
        period_start=dt.date(2026, 1, 1),
        period_end=end,
        area_id=MOJOKERTO,
        status=status,
    )


def _listed(cycle: Cycle, who: Person, **kwargs: object) -> Beneficiary:
    return Beneficiary.objects.create(
        cycle=cycle, person=who, desa_id=who.desa_id, rank=1, **kwargs
    )


def test_dead_persons_still_listed_as_recipients() -> None:
    programme = _programme()
    open_cycle = _cycle(programme, CycleStatus.APPROVED)
    closed = _cycle(programme, CycleStatus.CLOSED)
    early = _cycle(programme, CycleStatus.DISTRIBUTED, end=dt.date(2026, 3, 31))
    died = dt.date(2026, 5, 1)

    def dead(**kwargs: object) -> Person:
        return person(is_deceased=True, death_date=died, **kwargs)

    on_open_cycle = dead()
    _listed(open_cycle, on_open_cycle)
    unknown_date = person(is_deceased=True, death_date=None)
    _listed(open_cycle, unknown_date)
    on_closed_cycle = dead()
    _listed(closed, on_closed_cycle)
    excluded = dead()
    _listed(open_cycle, excluded, excluded_reason="Meninggal dunia", selected=False)
    after_period = dead()
    _listed(early, after_period)  # the period ended before the death
    given_alive = dead()
    Distribution.objects.create(
        beneficiary=_listed(open_cycle, given_alive), given_on=dt.date(2026, 4, 1), given="Beras"
    )
    given_dead = dead()
    Distribution.objects.create(
        beneficiary=_listed(open_cycle, given_dead), given_on=dt.date(2026, 5, 2), given="Beras"
    )
    alive = person()
    _listed(open_cycle, alive)
    pbi_open = dead()
    Participation.objects.create(
        programme="PBI_JK", person=pbi_open, period_start=dt.date(2025, 1, 1)
    )
    pbi_after = dead()
    Participation.objects.create(
        programme="PBI_JK",
        person=pbi_after,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 6, 30),
    )
    pbi_ended = dead()
    Participation.objects.create(
        programme="PBI_JK", person=pbi_ended, period_start=dt.date(2025, 1, 1), period_end=died
    )
    pkh_household = build(Profile(alive=False, receives={"PKH"}))  # the family's, not the person's
    assert found("meninggal-penerima") == {
        on_open_cycle.pk,
        unknown_date.pk,
        given_dead.pk,
        pbi_open.pk,
        pbi_after.pk,
    }
    assert pkh_household.pk not in found("meninggal-penerima")


def _assess(
    who: Person | None, code: str, household: Household | None = None, **kwargs: object
) -> PpksAssessment:
    return PpksAssessment.objects.create(
        category=PpksCategory.objects.get(code=code),
        person=who,
        household=household,
        assessed_on=kwargs.pop("assessed_on", dt.date(2024, 1, 1)),
        **kwargs,
    )


def test_ppks_assessments_whose_computable_criteria_no_longer_hold() -> None:
    elderly = _assess(person(birth_date=born(60)), "LANJUT_USIA_TERLANTAR")
    too_young = _assess(person(birth_date=born(59)), "LANJUT_USIA_TERLANTAR")
    child = _assess(person(birth_date=born(18)), "ANAK_TERLANTAR")
    grown_up = _assess(person(birth_date=born(19)), "ANAK_TERLANTAR")
    toddler = _assess(person(birth_date=born(3)), "ANAK_BALITA_TERLANTAR")
    unknown = _assess(person(birth_date=None), "ANAK_TERLANTAR")
    man = _assess(person(birth_date=born(30), sex="L"), "PEREMPUAN_RAWAN_SOSIAL_EKONOMI")
    woman = _assess(person(birth_date=born(30), sex="P"), "PEREMPUAN_RAWAN_SOSIAL_EKONOMI")
    dead = _assess(
        person(is_deceased=True, death_date=dt.date(2025, 1, 1)), "PENYANDANG_DISABILITAS"
    )
    household = HouseholdFactory()
    family = _assess(None, "KELUARGA_BERUMAH_TIDAK_LAYAK_HUNI", household=household)
    wrong_subject = _assess(None, "LANJUT_USIA_TERLANTAR", household=HouseholdFactory())
    ended = _assess(
        person(birth_date=born(30)), "LANJUT_USIA_TERLANTAR", ended_on=dt.date(2025, 1, 1)
    )
    expired = _assess(
        person(birth_date=born(30)), "LANJUT_USIA_TERLANTAR", valid_until=dt.date(2026, 1, 1)
    )
    future = _assess(
        person(birth_date=born(30)), "LANJUT_USIA_TERLANTAR", assessed_on=dt.date(2026, 7, 1)
    )
    assert found("ppks") == {
        too_young.pk,
        grown_up.pk,
        unknown.pk,
        man.pk,
        dead.pk,
        wrong_subject.pk,
    }
    kept = {elderly.pk, child.pk, toddler.pk, woman.pk, family.pk, ended.pk, expired.pk, future.pk}
    assert kept.isdisjoint(found("ppks"))


def test_ppks_check_agrees_with_category_refusals() -> None:
    rng = random.Random(3)
    categories = list(PpksCategory.objects.filter(subject__in=["person", "either"]))
    for _ in range(150):
        who = person(
            birth_date=None
            if rng.random() < 0.05
            else TODAY - dt.timedelta(days=rng.randrange(1, 100 * 365)),
            sex=rng.choice("LP"),
            is_deceased=rng.random() < 0.05,
        )
        _assess(who, rng.choice(categories).code)
    expected = {
        a.pk
        for a in quality.current_assessments(TODAY).select_related(
            "category", "person", "household"
        )
        if category_refusals(category=a.category, person=a.person, household=a.household, on=TODAY)
    }
    assert 20 < len(expected) < 150
    assert found("ppks") == expected
