"""The Renstra indicators of kegiatan 1.06.02.2.03 computed from the partners registry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from sejahtera.accounts.roles import Role
from sejahtera.common.indicators import all_results
from sejahtera.partners import indicators
from sejahtera.partners.capacity import add_participant, create_training, grant_uep, record_result
from sejahtera.partners.models import Partner, PartnerKind
from sejahtera.partners.services import change_status
from tests.accounts.factories import UserFactory
from tests.conftest import DESA_B, KEC_A, MOJOKERTO
from tests.partners.factories import days, make_partner

pytestmark = pytest.mark.django_db
RENSTRA = (
    Path(__file__).resolve().parents[2] / "data" / "renstra" / "2025-2029" / "t432-1.06.02-04.yaml"
)


def test_target_names_are_the_renstras() -> None:
    data = yaml.safe_load(RENSTRA.read_text(encoding="utf-8"))
    names = {i["name"] for row in data["rows"] for i in row.get("indicators") or []}
    targets = [r.target["name"] for r in indicators.compute(start=days(-30), end=days(0))]
    assert len(targets) == 4 and set(targets) <= names


def _trained(name: str, ended: int, results: dict[Partner, bool]) -> None:
    training = create_training(
        actor=None,
        name=name,
        starts_on=days(ended - 2),
        ends_on=days(ended),
        organiser="Dinas Sosial",
        place="Aula",
        area_code=MOJOKERTO,
    )
    for partner, passed in results.items():
        participant = add_participant(actor=None, training=training, partner=partner)
        record_result(actor=None, participant=participant, passed=passed)


def test_values_for_a_period(kinds: dict[str, PartnerKind]) -> None:
    psm_a = make_partner("psm", name="PSM A")
    psm_b = make_partner("psm", name="PSM B", area=DESA_B)
    psm_late = make_partner("psm", name="PSM Baru", registered_on=days(-10))
    tksk = make_partner("tksk", area=KEC_A)
    lks = make_partner("lks")
    karang = make_partner("karang-taruna", area=DESA_B, decree_number="188/1/2024")
    make_partner("karang-taruna", name="Karang Taruna Lain")
    change_status(actor=None, partner=psm_b, active=False, on=days(-45), reason="Mengundurkan diri")
    _trained("Bimtek PSM", -50, {psm_a: True, psm_b: False})
    _trained("Bimtek TKSK dan LKS", -40, {tksk: True, lks: True})
    _trained("Bimtek PSM sesudah periode", -5, {psm_late: True})
    _trained("Bimtek PSM sebelum periode", -250, {psm_b: True})
    grant_uep(
        actor=None,
        partner=karang,
        amount=10_000_000,
        granted_on=days(-60),
        business="Usaha sablon kaos",
    )
    results = {r.key: r for r in indicators.compute(start=days(-200), end=days(-30))}
    active = results["psks_active"]
    assert (active.numerator, active.denominator, active.value) == (5, 6, Decimal("83.33"))
    assert results["psm_trained"].value == Decimal(1)
    assert results["tksk_trained"].value == Decimal(1)
    assert results["institutions_capacity"].value == Decimal(2)
    assert results["psks_active"].target == {"kind": "plan", "name": "Persentase PSKS yang aktif"}
    # The whole period up to today counts the later PSM too.
    later = {r.key: r for r in indicators.compute(start=days(-200), end=days(0))}
    assert later["psm_trained"].value == Decimal(2)
    assert (later["psks_active"].numerator, later["psks_active"].denominator) == (6, 7)
    # Scoped: a desa operator of DESA_B sees PSM B (inactive) and the granted Karang Taruna.
    clerk = UserFactory(role=Role.OPERATOR_DESA, area_codes=[DESA_B])
    scoped = {r.key: r for r in indicators.compute(start=days(-200), end=days(-30), user=clerk)}
    assert (scoped["psks_active"].numerator, scoped["psks_active"].denominator) == (1, 2)
    assert scoped["psm_trained"].value == 0 and scoped["institutions_capacity"].value == 1
    assert {"psks_active", "psm_trained"} <= {
        r.key for r in all_results(start=days(-200), end=days(-30))
    }


def test_nothing_registered(kinds: dict[str, PartnerKind]) -> None:
    [active, *_rest] = indicators.compute(start=days(-30), end=days(0))
    assert active.value is None and active.missing
