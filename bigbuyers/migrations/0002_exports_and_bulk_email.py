"""Records of exports of personal data and of e-mails to many people; trigram search on users."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from bigbuyers.migration_operations import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('bigbuyers', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='BulkEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('body', models.TextField(verbose_name='message')),
                ('source', models.CharField(max_length=40, verbose_name='chosen from')),
                ('audience', models.CharField(max_length=300, verbose_name='recipients')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('recipient_count', models.PositiveIntegerField(default=0, verbose_name='number of recipients')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
            ],
            options={
                'verbose_name': 'e-mail to many people',
                'verbose_name_plural': 'e-mails to many people',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='BulkEmailRecipient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bulk_email', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipients', to='bigbuyers.bulkemail')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'recipient',
                'verbose_name_plural': 'recipients',
                'constraints': [models.UniqueConstraint(fields=('bulk_email', 'user'), name='one_bulk_email_per_person')],
            },
        ),
        migrations.CreateModel(
            name='ExportRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='what')),
                ('title', models.CharField(max_length=300, verbose_name='description')),
                ('format', models.CharField(choices=[('csv', 'CSV'), ('xlsx', 'XLSX')], max_length=4, verbose_name='format')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('row_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='downloaded at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='downloaded by')),
            ],
            options={
                'verbose_name': 'export of personal data',
                'verbose_name_plural': 'exports of personal data',
                'ordering': ['-started_at', '-pk'],
                'indexes': [models.Index(fields=['-started_at'], name='bigbuyers_e_started_3f2308_idx'), models.Index(fields=['kind', '-started_at'], name='bigbuyers_e_kind_0c162c_idx')],
                'permissions': [('export_groups', 'Can download exports of group members, observers and interviews (personal data)'), ('export_communities', 'Can download exports of community members and travel claims (personal data)')],
            },
        ),
        *trigram_indexes(
            ("user_email_trgm", "bigbuyers_user", "email"),
            ("user_full_name_trgm", "bigbuyers_user", "full_name"),
        ),
    ]
