"""Backup and verified restore: back up, wipe, restore, compare (row counts and the audit
chain); a restore whose result does not match the manifest says so; no restore without
--yes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sejahtera.audit import services as audit
from sejahtera.audit.models import Action, AuditEvent
from sejahtera.common.backup import row_counts
from sejahtera.registry.models import Person
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_wipe_restore_compare(tmp_path: Path) -> None:
    kept = PersonFactory(name="Warga Dicadangkan")
    audit.record(actor=None, action=Action.UPDATE, obj=kept)
    target = tmp_path / "cadangan.db"
    out = io.StringIO()
    call_command("backup", "--output", str(target), stdout=out)
    assert target.exists() and Path(f"{target}.json").exists()
    manifest = json.loads(Path(f"{target}.json").read_text())
    before = row_counts()
    assert manifest["tables"]["registry_person"] == before["registry_person"] >= 1
    # Wipe what matters and add something that was not there.
    Person.objects.filter(pk=kept.pk).delete()
    PersonFactory(name="Warga Sesudah Cadangan")
    out = io.StringIO()
    call_command("restore", str(target), "--yes", stdout=out)
    assert "rantai audit utuh" in out.getvalue()
    assert Person.objects.filter(name="Warga Dicadangkan").exists()
    assert not Person.objects.filter(name="Warga Sesudah Cadangan").exists()
    after = row_counts()
    # The restore writes one audit event after its check; everything else is as backed up.
    assert after["audit_auditevent"] == before["audit_auditevent"] + 1
    assert {t: n for t, n in after.items() if not t.startswith("audit_")} == {
        t: n for t, n in before.items() if not t.startswith("audit_")
    }
    assert AuditEvent.objects.filter(object_type="system.backup", action="import").exists()
    # (One test: each transactional test costs a reload of the reference data.)
    # No restore without --yes; a result that does not match the manifest is reported.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target), stdout=io.StringIO())
    manifest_path = Path(f"{target}.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["registry_person"] += 5
    manifest_path.write_text(json.dumps(manifest))
    out = io.StringIO()
    with pytest.raises(CommandError, match="tidak cocok"):
        call_command("restore", str(target), "--yes", stdout=out)
    assert "registry_person" in out.getvalue()
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("restore", str(tmp_path / "tidak-ada.db"), "--yes", stdout=io.StringIO())
