# The transparency log's models move to the transparency app (issue 13): state only, the tables
# keep their delivery_* names and no row is touched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('delivery', '0003_refuse_invisible_and_control_characters'),
        ('transparency', '0001_log_moved_from_delivery'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='delivery',
                    name='checkpoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='transparency.checkpoint'),
                ),
                migrations.AlterField(
                    model_name='deliverypackage',
                    name='checkpoint',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='packages', to='transparency.checkpoint'),
                ),
                migrations.DeleteModel(name='LogEntry'),
                migrations.DeleteModel(name='LogHead'),
                migrations.DeleteModel(name='LogNode'),
                migrations.DeleteModel(name='Checkpoint'),
            ],
            database_operations=[],
        ),
    ]
