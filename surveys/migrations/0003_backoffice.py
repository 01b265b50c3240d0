"""The back office: the export permission, indexes for the admin's lists and the dashboard, and trigram
indexes for the admin's search on PostgreSQL."""

from django.db import migrations, models

from bigbuyers.migration_operations import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0002_eligibility_review'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='response',
            options={'ordering': ['-updated_at'], 'permissions': [('export_responses', 'Can download exports of responses (personal data)')], 'verbose_name': 'response', 'verbose_name_plural': 'responses'},
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['-updated_at'], name='response_updated_idx'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['campaign', 'submitted_at'], name='response_submitted_idx'),
        ),
        *trigram_indexes(
            ("organisation_name_trgm", "surveys_organisation", "name"),
            ("response_contact_name_trgm", "surveys_response", "contact_name"),
        ),
    ]
