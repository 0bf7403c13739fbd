from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0004_idempotency_keys_hashed")]

    operations = [
        migrations.RemoveConstraint(model_name="idempotentrequest", name="one_request_per_key"),
        migrations.RenameField(model_name="idempotentrequest", old_name="key", new_name="key_hash"),
        migrations.AlterField(
            model_name="idempotentrequest",
            name="key_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="idempotentrequest",
            constraint=models.UniqueConstraint(
                fields=("organization", "key_hash"), name="one_request_per_key"
            ),
        ),
    ]
