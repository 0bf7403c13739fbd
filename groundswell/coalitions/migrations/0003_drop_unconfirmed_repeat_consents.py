"""Drop the consents a repeat submission attached to an existing signature and nobody confirmed.

Before PendingChange, a repeat submission (by anyone who typed the address, or a +tag variant
of it) added its consents straight to the signature, and the signature's own confirmation link,
pressed by its owner, then confirmed them with everything else. Such a consent was given after
the signature was taken. Nothing can confirm one any more, and until now the owner's link would
have: they are deleted. Confirmed ones are kept (there is no telling who ticked them).
"""

from django.db import migrations
from django.db.models import F


def drop_unconfirmed_repeat_consents(apps, schema_editor):
    Consent = apps.get_model("coalitions", "Consent")
    Consent.objects.filter(
        confirmed_at__isnull=True, given_at__gt=F("signature__created_at")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("coalitions", "0002_pending_change")]

    operations = [
        migrations.RunPython(drop_unconfirmed_repeat_consents, migrations.RunPython.noop),
    ]
