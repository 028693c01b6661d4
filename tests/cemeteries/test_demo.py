"""The demo data: 6 cemeteries marked "(demo)" in the demo accounts' kecamatan, some not kept
up this year, ceremonies on 17 August and 10 November, synthetic veterans; loaded once."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from sejahtera.cemeteries import demo
from sejahtera.cemeteries.models import Cemetery, Ceremony, Grave, MaintenancePhoto, Veteran
from sejahtera.cemeteries.selectors import kept_up_counts
from sejahtera.common.nik import check_nik
from tests.conftest import DESA_A, DESA_A2, DESA_B

pytestmark = pytest.mark.django_db


def test_demo_loads_once() -> None:
    out = io.StringIO()
    demo.load(stdout=out)
    cemeteries = list(Cemetery.objects.order_by("id"))
    assert len(cemeteries) == 6 and all(c.name.endswith("(demo)") for c in cemeteries)
    assert {DESA_A, DESA_A2, DESA_B} <= {c.desa_id for c in cemeteries}
    today = timezone.localdate()
    kept, total = kept_up_counts(Cemetery.objects.all(), year=today.year, until=today)
    assert total == 6
    if today.timetuple().tm_yday > 45:  # the demo records this year's works after mid-February
        assert 0 < kept < 6
    assert kept_up_counts(Cemetery.objects.all(), year=today.year - 1) == (6, 6)
    days = {(c.held_on.month, c.held_on.day) for c in Ceremony.objects.all()}
    assert days <= {(8, 17), (11, 10)} and (8, 17) in days
    assert Grave.objects.count() > 50 and MaintenancePhoto.objects.exists()
    photo = MaintenancePhoto.objects.first()
    assert photo is not None and photo.file.read(8) == b"\x89PNG\r\n\x1a\n"
    veterans = list(Veteran.objects.all())
    assert 5 <= len(veterans) <= 10
    for v in veterans:
        if v.nik:
            assert check_nik(v.nik, birth_date=v.birth_date).ok
    demo.load(stdout=out)
    assert Cemetery.objects.count() == 6 and "dilewati" in out.getvalue()
