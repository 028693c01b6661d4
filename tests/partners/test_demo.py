from __future__ import annotations

import io

import pytest
from django.db.models import Count

from sejahtera.partners import demo
from sejahtera.partners.capacity import CHECKS
from sejahtera.partners.models import (
    InstitutionMember,
    Partner,
    PartnerKind,
    Training,
    UepGrant,
)
from sejahtera.partners.reference import uep_conditions
from sejahtera.partners.selectors import expiring_certificates
from tests.partners.factories import TODAY

pytestmark = pytest.mark.django_db


def test_demo_data(kinds: dict[str, PartnerKind]) -> None:
    out = io.StringIO()
    demo.load(stdout=out, today=TODAY)
    assert set(Partner.objects.values_list("kind__code", flat=True)) == set(kinds)
    assert all(p.name.endswith("(demo)") for p in Partner.objects.all())
    # Across kecamatan, with inactive partners and their history.
    assert Partner.objects.filter(area__level=3).values("area").distinct().count() == 18
    inactive = Partner.objects.filter(active=False)
    assert inactive.exists()
    assert all(p.status_changes.count() >= 2 for p in inactive)
    assert not Partner.objects.annotate(n=Count("status_changes")).filter(n=0).exists()
    # Certificates: some expiring or expired, one LKS without.
    expiring = list(expiring_certificates(today=TODAY))
    assert len(expiring) == 4 and any(c.expires_on < TODAY for c in expiring)
    assert InstitutionMember.objects.filter(until__isnull=True).exists()
    assert Training.objects.count() == 4
    # Every demo grant meets the seed's conditions.
    grants = list(UepGrant.objects.select_related("partner__kind", "partner__area"))
    assert grants
    for grant in grants:
        for condition in uep_conditions(grant.partner.kind.code):
            met, why = CHECKS[condition.ref](grant.partner, grant.granted_on, grant.business)
            assert met is not None, (grant.partner.name, why)
    count = Partner.objects.count()
    demo.load(stdout=out, today=TODAY)
    assert Partner.objects.count() == count and "dilewati" in out.getvalue()
