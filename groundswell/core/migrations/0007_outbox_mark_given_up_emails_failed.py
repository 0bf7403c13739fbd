from django.db import migrations
from django.db.models import F


def mark_given_up_emails_failed(apps, schema_editor):
    """E-mails the outbox gave up on before failures were recorded (8 failed attempts) stayed
    unsent without a word; they are failures like any other from now on."""
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    OutboundEmail.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, attempts__gte=8
    ).update(failed_at=F("created_at"), failure="gave-up")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_outbox_failures_shown_to_organizers"),
    ]

    operations = [
        migrations.RunPython(mark_given_up_emails_failed, migrations.RunPython.noop),
    ]
