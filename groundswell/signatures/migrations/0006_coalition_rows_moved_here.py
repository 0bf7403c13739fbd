# Consent, PartnerReferral, PendingChange and CoalitionTally move here from the coalitions app
# (issue 13). State only: the tables keep their coalitions_ names and no row is touched.

import django.db.models.deletion
import groundswell.signatures.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_refuse_invisible_and_control_characters'),
        ('campaigns', '0004_refuse_invisible_and_control_characters'),
        ('coalitions', '0006_rows_moved_to_signatures'),
        ('signatures', '0005_refuse_invisible_and_control_characters'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CoalitionTally',
                    fields=[
                        ('campaign', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='coalition_tally', serialize=False, to='campaigns.campaign')),
                        ('unattributed_count', models.PositiveIntegerField(default=0)),
                        ('multi_partner_count', models.PositiveIntegerField(default=0)),
                        ('referral_count', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'coalitions_coalitiontally',
                    },
                ),
                migrations.CreateModel(
                    name='PendingChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.CharField(default=groundswell.signatures.models.new_change_id, max_length=32, unique=True)),
                        ('consents', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField()),
                        ('applied_at', models.DateTimeField(blank=True, null=True)),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coalitions.partner')),
                        ('signature', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='pending_change', to='signatures.signature')),
                    ],
                    options={
                        'db_table': 'coalitions_pendingchange',
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('wording', models.CharField(max_length=500)),
                        ('language', models.CharField(max_length=10)),
                        ('given_at', models.DateTimeField()),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='accounts.organization')),
                        ('signature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='signatures.signature')),
                    ],
                    options={
                        'db_table': 'coalitions_consent',
                        'indexes': [models.Index(fields=['organization', 'confirmed_at'], name='consent_org_idx')],
                        'constraints': [models.UniqueConstraint(fields=('signature', 'organization'), name='one_consent_each')],
                    },
                ),
                migrations.CreateModel(
                    name='PartnerReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField()),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='coalitions.partner')),
                        ('signature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referrals', to='signatures.signature')),
                    ],
                    options={
                        'db_table': 'coalitions_partnerreferral',
                        'constraints': [models.UniqueConstraint(fields=('signature', 'partner'), name='one_referral_each')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
