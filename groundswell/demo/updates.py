"""The demo campaign's news to its signers: the host told its consenting signers, after the
target answered, that the signatures were delivered and what the CEO said.

Seeded like the signatures (without sending a real e-mail to every demo address): the update is
drafted and its recipients listed by the updates app's own services, then recorded as sent three
hours ago, which puts it on the campaign's timeline as a real send would. Idempotent.
"""

from datetime import timedelta

from django.utils import timezone

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign
from groundswell.updates.audiences import HOST_SIGNERS
from groundswell.updates.models import RecipientStatus, Update, UpdateRecipient, UpdateStatus
from groundswell.updates.sending import update_finish_if_done, update_recipients_list
from groundswell.updates.services import update_draft_create

SENT_HOURS_AGO = 3
SUBJECT = "We delivered your signatures, and Northwind's CEO answered"
BODY = """Yesterday we carried your signatures to Northwind Cloud's headquarters, with a signed
checkpoint of the count that anyone can verify.

This morning its CEO answered in a public post: she finds the policy **cruel and abusive**, and
keeps the contract. A refusal, on the record.

What comes next: the rally at the headquarters, and the open letter of Northwind's own
employees. Thank you for signing.
"""


def updates_demo_seed(*, campaign: Campaign, organizer: User) -> Update:
    existing = Update.objects.filter(campaign=campaign, audience=HOST_SIGNERS).first()
    if existing is not None:
        return existing
    update = update_draft_create(
        organization=campaign.organization,
        campaign=campaign,
        subject=SUBJECT,
        body_markdown=BODY,
        audience=HOST_SIGNERS,
        created_by=organizer,
    )
    sent_at = timezone.now() - timedelta(hours=SENT_HOURS_AGO)
    Update.objects.filter(pk=update.pk).update(status=UpdateStatus.SENDING, started_at=sent_at)
    update_recipients_list(update=update, now=sent_at)
    UpdateRecipient.objects.filter(update=update).update(
        status=RecipientStatus.SENT, sent_at=sent_at
    )
    update_finish_if_done(update_id=update.pk, now=sent_at)
    update.refresh_from_db()
    return update
