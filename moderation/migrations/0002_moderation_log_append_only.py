"""The moderation log is append-only in the database itself: a trigger
refuses every UPDATE, so no code path (admin, shell, a future bug) can
rewrite history. PostgreSQL also refuses DELETE; SQLite cannot tell a test
database flush from a deletion, so there DELETE stays guarded by the PROTECT
foreign keys and the absence of any delete path in the code."""

from django.db import migrations

TABLE = "moderation_moderationaction"

POSTGRES_UP = f"""
CREATE FUNCTION moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the moderation log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_log_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION moderation_log_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS moderation_log_no_change ON {TABLE};
DROP FUNCTION IF EXISTS moderation_log_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER moderation_log_no_update BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'the moderation log is append-only (UPDATE refused)');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS moderation_log_no_update;"


def _run(sql_by_vendor: dict[str, str]):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
