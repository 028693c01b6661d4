"""Every programme of the seed with a person rule: a person built to meet every criterion
qualifies, and for each criterion a person who fails only that one does not, checked through
the query (the whole district) and through the explanation (one person); the two agree."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sejahtera.programs.criteria import All, AnyOf, Leaf, Node, Not, parse
from sejahtera.programs.models import Programme
from sejahtera.programs.selectors import eligible, explain
from tests.programs.people import AS_OF, Profile, build

pytestmark = pytest.mark.django_db
OTHER_DESA = "35.16.02.2001"
Change = Callable[[Profile], None]


def _meet(criterion: dict[str, Any], p: Profile) -> None:
    kind = criterion["type"]
    if kind == "age":
        low, high = criterion.get("min"), criterion.get("max")
        p.age = low if low is not None else max(0, high - 1)
    elif kind == "desil_max":
        p.desil = 1
    elif kind == "in_dtks":
        p.in_dtks = True
    elif kind == "head_of_household":
        p.head = True
    elif kind == "household_size":
        p.size = criterion.get("min") or 1
    elif kind == "sex":
        p.sex = criterion["sex"]
    elif kind == "disability":
        p.disability = "berat"
    elif kind == "receives":
        p.receives.add(criterion["programme"])
    elif kind == "ppks":
        p.ppks.add(criterion["category"])
    elif kind == "area":
        p.desa = criterion["codes"][0] if criterion["codes"][0].count(".") == 3 else p.desa


def _fail(criterion: dict[str, Any]) -> Change | None:
    kind = criterion["type"]
    if kind == "age":
        low, high = criterion.get("min"), criterion.get("max")

        def age(p: Profile) -> None:
            p.age = low - 1 if low else high + 1

        return age
    if kind == "desil_max":
        return (
            None if criterion["max"] >= 10 else lambda p: setattr(p, "desil", criterion["max"] + 1)
        )
    if kind == "in_dtks":
        return lambda p: setattr(p, "in_dtks", False)
    if kind == "head_of_household":
        return lambda p: setattr(p, "head", False)
    if kind == "household_size":
        return lambda p: setattr(p, "size", (criterion.get("max") or 0) + 1)
    if kind == "sex":
        return lambda p: setattr(p, "sex", "L" if criterion["sex"] == "P" else "P")
    if kind == "disability":
        return lambda p: setattr(p, "disability", "")
    if kind == "receives":
        return lambda p: p.receives.discard(criterion["programme"])
    if kind == "area":
        # Outside Jawa Timur (35) and outside Mojokerto: Kepulauan Seribu, DKI Jakarta.
        return lambda p: setattr(p, "desa", "31.01.01.1001")
    return None  # manual: the data cannot fail it


def plan(node: Node) -> tuple[list[Change], list[tuple[str, Change]]]:
    """How to meet the node, and for each criterion a change that makes only it fail."""
    if isinstance(node, Leaf):
        data = node.criterion.to_json()
        fail = _fail(data)
        return [lambda p, d=data: _meet(d, p)], ([(node.words(), fail)] if fail else [])
    if isinstance(node, All):
        meets: list[Change] = []
        fails: list[tuple[str, Change]] = []
        for child in node.children:
            m, f = plan(child)
            meets += m
            fails += f
        return meets, fails
    if isinstance(node, AnyOf):
        alternatives = [
            c for c in node.children if not (isinstance(c, Leaf) and c.criterion.type == "manual")
        ]
        if len(alternatives) < len(node.children):
            return [], []  # a hand-checked alternative: the data cannot fail the group
        meets, _ = plan(alternatives[0])
        undo = [f for c in alternatives for f in plan(c)[1]]
        return meets, [(node.words(), lambda p: [change(p) for _w, change in undo])]
    assert isinstance(node, Not)
    inner_meets, _inner_fails = plan(node.child)
    # NOT x: met by doing nothing (x's conditions absent); failed by meeting x.
    return [], [(node.words(), lambda p: [m(p) for m in inner_meets])]


def _eligible_and_explained(programme: Programme, profile: Profile) -> tuple[bool, bool | None]:
    person = build(profile)
    in_query = eligible(programme, as_of=AS_OF).filter(pk=person.pk).exists()
    return in_query, explain(programme, person, as_of=AS_OF).holds


PROGRAMMES_WITH_RULES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 22]


@pytest.mark.parametrize("number", PROGRAMMES_WITH_RULES)
def test_programme_rule_query_and_explanation_agree(programmes: None, number: int) -> None:
    programme = Programme.objects.get(number=number)
    tree = parse(programme.rules.get(version=1).rule)
    meets, fails = plan(tree)
    base = Profile()
    for meet in meets:
        meet(base)
    in_query, holds = _eligible_and_explained(programme, base)
    assert in_query, f"{programme.code}: the person built to qualify is not in the query"
    assert holds in (True, None), f"{programme.code}: explanation says {holds}"
    assert fails, f"{programme.code}: no criterion the data can fail"
    for words, change in fails:
        profile = copy.deepcopy(base)
        change(profile)
        in_query, holds = _eligible_and_explained(programme, profile)
        assert not in_query, f"{programme.code}: failing “{words}” still in the query"
        assert holds is False, f"{programme.code}: failing “{words}” explained as {holds}"


def test_deceased_never_qualify(programmes: None) -> None:
    programme = Programme.objects.get(code="pkh")
    in_query, holds = _eligible_and_explained(programme, Profile(alive=False))
    assert not in_query and holds is False


def test_institution_programmes_have_no_person_rule(programmes: None) -> None:
    for code in ("uep-karang-taruna", "uep-lks", "banmas-pkh-graduasi"):
        programme = Programme.objects.get(code=code)
        assert not programme.rules.exists()
        assert not eligible(programme, as_of=AS_OF).exists()


def test_permakanan_lksa_counts_the_children_living_in_an_lksa(programmes: None) -> None:
    """Programme 19's rule reads the partners app's record of who an LKS cares for: a child
    living in an active LKSA on the date qualifies; one who left, one in an elderly home, and
    one in an LKS that has closed do not; the explanation agrees with the query."""
    import datetime as dt
    import io

    from sejahtera.partners import services as partner_services
    from sejahtera.partners.reference import load as load_partners
    from tests.partners.factories import make_partner

    load_partners(stdout=io.StringIO())
    lksa = make_partner("lks", lks_type="anak")
    home = make_partner("lks", lks_type="lansia")
    closed = make_partner("lks", lks_type="anak")
    inside, left, elsewhere, in_closed = (build(Profile(age=10)) for _ in range(4))
    start = AS_OF - dt.timedelta(days=100)
    partner_services.add_member(actor=None, partner=lksa, person=inside, since=start)
    stay = partner_services.add_member(actor=None, partner=lksa, person=left, since=start)
    partner_services.end_member(
        actor=None, member=stay, until=AS_OF - dt.timedelta(days=5), reason="kembali ke keluarga"
    )
    partner_services.add_member(actor=None, partner=home, person=elsewhere, since=start)
    partner_services.add_member(actor=None, partner=closed, person=in_closed, since=start)
    partner_services.change_status(
        actor=None,
        partner=closed,
        active=False,
        on=AS_OF - dt.timedelta(days=10),
        reason="izin operasional dicabut",
    )
    programme = Programme.objects.get(code="permakanan-lksa")
    chosen = set(eligible(programme, as_of=AS_OF).values_list("pk", flat=True))
    assert chosen == {inside.pk}
    for person in (inside, left, elsewhere, in_closed):
        verdict = explain(programme, person, as_of=AS_OF)
        assert (verdict.holds is True) == (person.pk in chosen)
    assert "tinggal di LKS" in parse(programme.rules.get(version=1).rule).words()
