"""The CPV vocabulary's table, with its search indexes on PostgreSQL.

The rows come from surveys/cpv/cpv-2008-en.csv.gz, loaded after every migrate (surveys/cpv/loader.py):
a data file updated later needs no new migration.
"""

from typing import Any

from django.db import migrations, models


def search_indexes(apps: Any, schema_editor: Any) -> None:
    """Full text (English stemming: "buses" finds "bus") and trigrams (typing mistakes) on the labels."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "cpvcode_label_fts" ON "surveys_cpvcode" '
                          "USING gin (to_tsvector('english'::regconfig, \"label\"))")
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "cpvcode_label_trgm" ON "surveys_cpvcode" '
                          'USING gin ("label" gin_trgm_ops)')


def drop_search_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "cpvcode_label_fts"')
    schema_editor.execute('DROP INDEX IF EXISTS "cpvcode_label_trgm"')


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0008_questionnaire'),
    ]

    operations = [
        migrations.CreateModel(
            name='CpvCode',
            fields=[
                ('digits', models.CharField(max_length=8, primary_key=True, serialize=False, verbose_name='code without its check digit')),
                ('check_digit', models.CharField(max_length=1, verbose_name='check digit')),
                ('label', models.CharField(max_length=300, verbose_name='label')),
            ],
            options={
                'verbose_name': 'CPV code',
                'verbose_name_plural': 'CPV codes',
                'ordering': ['digits'],
            },
        ),
        migrations.RunPython(search_indexes, drop_search_indexes, elidable=False),
    ]
