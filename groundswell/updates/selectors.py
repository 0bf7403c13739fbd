from django.db.models import QuerySet

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.events.models import Event
from groundswell.letters.models import Letter
from groundswell.updates.models import RecipientStatus, Update, UpdateStatus
from groundswell.updates.sending import recipient_status_counts


def updates_of(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    letter: Letter | None = None,
    event: Event | None = None,
) -> QuerySet[Update]:
    """An organization's own updates about a campaign, a letter or an event, newest first:
    where its editors find what it is sending, whoever wrote or scheduled it."""
    updates = Update.objects.filter(organization=organization)
    if campaign is not None:
        updates = updates.filter(campaign=campaign)
    if letter is not None:
        updates = updates.filter(letter=letter)
    if event is not None:
        updates = updates.filter(event=event)
    return updates.order_by("-created_at", "-pk")


def update_progress(*, update: Update) -> dict[str, object]:
    """How far sending has come: counts only, never who."""
    if update.status in {UpdateStatus.SENT}:
        sent, failed, suppressed = update.sent_count, update.failed_count, update.suppressed_count
        total = update.recipient_count
    else:
        counts = recipient_status_counts(update_id=update.pk)
        sent, failed = counts[RecipientStatus.SENT], counts[RecipientStatus.FAILED]
        suppressed = counts[RecipientStatus.SUPPRESSED]
        total = sum(counts.values())
    return {
        "status": update.status,
        "status_label": str(update.get_status_display()),
        "total": total,
        "sent": sent,
        "failed": failed,
        "suppressed": suppressed,
        "remaining": max(total - sent - failed - suppressed, 0),
        "listed": update.recipients_listed_at is not None,
    }


def campaign_updates_sent(*, campaign: Campaign) -> QuerySet[Update]:
    """Every organization's updates about a campaign that were sent, oldest first: what the
    campaign's public timeline may list (subject, sender, date; never whom they went to)."""
    return (
        Update.objects.filter(campaign=campaign, status=UpdateStatus.SENT)
        .select_related("organization")
        .order_by("finished_at", "pk")
    )
