"""The timeline of campaigns published before it existed: the launch (from the opening time, else
the creation: no publication time was recorded) and the last status change of ended campaigns
(from their last update). Deliveries are the delivery app's backfill."""

from django.db import migrations

ENDED = ("closed", "won", "lost")


def backfill(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    TimelineEntry = apps.get_model("campaigns", "TimelineEntry")
    entries = []
    for campaign in Campaign.objects.exclude(status="draft").iterator():
        entries.append(
            TimelineEntry(
                campaign_id=campaign.pk,
                kind="launched",
                key="",
                at=campaign.opens_at or campaign.created_at,
            )
        )
        if campaign.status in ENDED:
            at = campaign.updated_at
            if campaign.status == "closed" and campaign.closes_at and campaign.closes_at <= at:
                at = campaign.closes_at
            entries.append(
                TimelineEntry(
                    campaign_id=campaign.pk,
                    kind="status",
                    key=f"{campaign.status}:{at:%Y%m%d%H%M%S}",
                    at=at,
                )
            )
    TimelineEntry.objects.bulk_create(entries, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_story_responses_timeline_milestones")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
