"""Public deliveries recorded before campaigns had a timeline join it."""

from django.db import migrations


def backfill(apps, schema_editor):
    Delivery = apps.get_model("delivery", "Delivery")
    TimelineEntry = apps.get_model("campaigns", "TimelineEntry")
    entries = [
        TimelineEntry(
            campaign_id=delivery.campaign_id,
            kind="delivery",
            key=str(delivery.pk),
            at=delivery.delivered_at,
            title=f"{delivery.received_by}, {delivery.place}"[:300],
            url=f"/p/{delivery.campaign.slug}/deliveries/{delivery.pk}/",
        )
        for delivery in Delivery.objects.filter(is_public=True).select_related("campaign")
    ]
    TimelineEntry.objects.bulk_create(entries, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0004_log_moved_to_transparency"),
        ("campaigns", "0006_timeline_backfill"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
