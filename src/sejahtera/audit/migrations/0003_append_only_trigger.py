"""On PostgreSQL, the database itself refuses to delete audit events or to change a sealed
one (only the link to a deleted user may be cleared). SQLite, the single-user demo default,
relies on the chain alone."""

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION USING MESSAGE =
      'Jejak audit hanya boleh ditambah, tidak dihapus (kejadian ' || OLD.id || ')';
  END IF;
  IF OLD.hash <> '' AND (
    NEW.at, NEW.actor_username, NEW.action, NEW.object_type, NEW.object_id, NEW.object_repr,
    NEW.changes, NEW.wilayah_code, NEW.ip, NEW.user_agent, NEW.extra, NEW.seq, NEW.prev_hash,
    NEW.hash
  ) IS DISTINCT FROM (
    OLD.at, OLD.actor_username, OLD.action, OLD.object_type, OLD.object_id, OLD.object_repr,
    OLD.changes, OLD.wilayah_code, OLD.ip, OLD.user_agent, OLD.extra, OLD.seq, OLD.prev_hash,
    OLD.hash
  ) THEN
    RAISE EXCEPTION USING MESSAGE =
      'Kejadian audit ' || OLD.id || ' sudah disegel dan tidak boleh diubah';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_guard();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_guard();
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
