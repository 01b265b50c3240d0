"""The campaign's content version, renewed by PostgreSQL triggers whenever what the survey pages read of a
campaign changes: its row, its thematic areas, its questionnaire's pages, questions and choices.

Triggers, not signals: queryset updates, bulk creations, imports and deletions send no signal, and the version
must change with any of them. Each new version is the next value of one sequence, never used twice (a rolled
back change's value is not handed out again), so that surveys/kept.py can keep what it read under it. Other
databases keep the version at 0 and the pages read everything at every request.
"""

from typing import Any

from django.db import migrations, models

SEQUENCE = "surveys_campaign_content_version_seq"

# The campaign's own row: every INSERT or UPDATE takes a new version, whatever it sets.
CAMPAIGN_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION surveys_campaign_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.content_version := nextval('{SEQUENCE}');
    RETURN NEW;
END $$;
CREATE TRIGGER surveys_campaign_new_version BEFORE INSERT OR UPDATE ON surveys_campaign
    FOR EACH ROW EXECUTE FUNCTION surveys_campaign_new_version();
"""

# A row that belongs to a campaign changed: touch that campaign (the trigger above gives it a new version).
# TG_ARGV[0] is the SQL that finds the campaign from the row, with $1 the row.
CONTENT_SQL = """
CREATE OR REPLACE FUNCTION surveys_campaign_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    campaign bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        EXECUTE TG_ARGV[0] INTO campaign USING OLD;
        UPDATE surveys_campaign SET content_version = 0 WHERE id = campaign;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        EXECUTE TG_ARGV[0] INTO campaign USING NEW;
        UPDATE surveys_campaign SET content_version = 0 WHERE id = campaign;
    END IF;
    RETURN NULL;
END $$;
"""

# (table, how its rows name their campaign)
CONTENT_TABLES = [
    ("surveys_thematicarea", "SELECT ($1).campaign_id"),
    ("surveys_questionnairepage", "SELECT ($1).campaign_id"),
    ("surveys_question", "SELECT ($1).campaign_id"),
    ("surveys_choice", "SELECT campaign_id FROM surveys_question WHERE id = ($1).question_id"),
]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CAMPAIGN_SQL)
    schema_editor.execute(CONTENT_SQL)
    for table, campaign_of in CONTENT_TABLES:
        quoted = campaign_of.replace("'", "''")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_content_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION surveys_campaign_content_changed('{quoted}')")
    schema_editor.execute("UPDATE surveys_campaign SET content_version = 0")  # the trigger gives each its version


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _campaign_of in CONTENT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_content_changed ON {table}")
    schema_editor.execute("DROP TRIGGER IF EXISTS surveys_campaign_new_version ON surveys_campaign")
    schema_editor.execute("DROP FUNCTION IF EXISTS surveys_campaign_content_changed()")
    schema_editor.execute("DROP FUNCTION IF EXISTS surveys_campaign_new_version()")
    # The sequence stays: applied again, the versions go on from where they were, never repeating one that
    # a running process may still keep content under.


class Migration(migrations.Migration):

    dependencies = [("surveys", "0009_cpv_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="content_version",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="content version"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
