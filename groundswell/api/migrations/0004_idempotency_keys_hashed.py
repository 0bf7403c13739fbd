"""Replace each stored Idempotency-Key by its keyed hash.

A client's key is its own string, and some use the signer's e-mail address: it was kept in clear
for IDEMPOTENCY_RETENTION_HOURS. The keys stored before are hashed in place, as
groundswell.api.idempotency.idempotency_key_hash hashes them now, so a retry in flight across
the upgrade still gets its first answer. The hashes cannot be turned back into keys: reversing
leaves them, and a retry of those requests then acts anew.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

# groundswell.api.idempotency.KEY_HASH_SALT, as it was when this migration was written.
KEY_HASH_SALT = "groundswell.api.idempotency-key"


def hash_stored_keys(apps, schema_editor):
    IdempotentRequest = apps.get_model("api", "IdempotentRequest")
    for row in IdempotentRequest.objects.only("pk", "key").iterator():
        hashed = salted_hmac(KEY_HASH_SALT, row.key, algorithm="sha256").hexdigest()
        IdempotentRequest.objects.filter(pk=row.pk).update(key=hashed)


class Migration(migrations.Migration):
    dependencies = [("api", "0003_makers_cascade")]

    operations = [migrations.RunPython(hash_stored_keys, migrations.RunPython.noop)]
