# The transparency log's models move from the delivery app (issue 13): state only, the tables
# keep their delivery_* names and no row is touched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0004_refuse_invisible_and_control_characters'),
        ('signatures', '0005_refuse_invisible_and_control_characters'),
        ('delivery', '0003_refuse_invisible_and_control_characters'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LogHead',
                    fields=[
                        ('campaign', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='transparency_log', serialize=False, to='campaigns.campaign')),
                        ('log_name', models.CharField(max_length=80)),
                        ('size', models.PositiveBigIntegerField(default=0)),
                        ('live_count', models.PositiveBigIntegerField(default=0)),
                        ('appended_through', models.DateTimeField(blank=True, null=True)),
                        ('scanned_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'delivery_loghead',
                    },
                ),
                migrations.CreateModel(
                    name='LogNode',
                    fields=[
                        ('pk', models.CompositePrimaryKey('campaign', 'level', 'index', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('level', models.PositiveSmallIntegerField()),
                        ('index', models.PositiveBigIntegerField()),
                        ('hash', models.BinaryField(max_length=32)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                    ],
                    options={
                        'db_table': 'delivery_lognode',
                    },
                ),
                migrations.CreateModel(
                    name='Checkpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('log_name', models.CharField(max_length=80)),
                        ('tree_size', models.PositiveBigIntegerField()),
                        ('root_hash', models.BinaryField(max_length=32)),
                        ('live_count', models.PositiveBigIntegerField()),
                        ('timestamp', models.DateTimeField()),
                        ('signature', models.BinaryField(max_length=68)),
                        ('key_id', models.CharField(max_length=8)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkpoints', to='campaigns.campaign')),
                    ],
                    options={
                        'verbose_name': 'checkpoint',
                        'verbose_name_plural': 'checkpoints',
                        'db_table': 'delivery_checkpoint',
                        'ordering': ['tree_size'],
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'tree_size'), name='one_checkpoint_per_size')],
                    },
                ),
                migrations.CreateModel(
                    name='LogEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('index', models.PositiveBigIntegerField()),
                        ('kind', models.CharField(choices=[('signature', 'Signature'), ('tombstone', 'Tombstone')], max_length=16)),
                        ('leaf_hash', models.BinaryField(max_length=32)),
                        ('appended_at', models.DateTimeField()),
                        ('public_id', models.CharField(blank=True, max_length=32)),
                        ('salt', models.BinaryField(blank=True, max_length=16, null=True)),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_index', models.PositiveBigIntegerField(blank=True, null=True)),
                        ('reason', models.CharField(blank=True, choices=[('withdrawn', "Withdrawn at the signer's request"), ('erased', "Erased at the signer's request"), ('invalidated', 'Invalidated as fraud')], max_length=16)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='log_entries', to='campaigns.campaign')),
                        ('signature', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='log_entry', to='signatures.signature')),
                    ],
                    options={
                        'verbose_name': 'log entry',
                        'verbose_name_plural': 'log entries',
                        'db_table': 'delivery_logentry',
                        'indexes': [models.Index(fields=['campaign', 'public_id'], name='log_entry_public_id_idx')],
                        'constraints': [models.UniqueConstraint(fields=('campaign', 'index'), name='one_leaf_per_index'), models.UniqueConstraint(fields=('campaign', 'revoked_index'), name='one_tombstone_per_leaf')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
