"""Sending an update: each person once, never the unsubscribed or the suppressed, with the
headers mail providers require; a crashed sender's work is picked up by the sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.campaigns.models import TimelineEntry, TimelineKind
from groundswell.updates.addresses import address_hash
from groundswell.updates.models import (
    RecipientStatus,
    Suppression,
    SuppressionReason,
    Unsubscription,
    Update,
    UpdateRecipient,
    UpdateStatus,
)
from groundswell.updates.selectors import campaign_updates_sent
from groundswell.updates.sending import update_recipients_list, update_send, updates_sweep
from groundswell.updates.services import update_schedule, update_send_now, updates_due_start


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def test_each_consenting_signer_gets_the_update_once(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=250)
    update = make_update()

    with run_on_commit():
        update_send_now(update=update, user=owner)

    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT
    assert (update.recipient_count, update.sent_count) == (250, 250)
    addresses = [message.to[0] for message in mail.outbox]
    assert len(addresses) == len(set(addresses)) == 250


def test_every_update_carries_a_one_click_unsubscribe(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    with run_on_commit():
        update_send_now(update=make_update(), user=owner)

    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://sign.example.org/unsubscribe/just-tech/")
    # The one link and no mailto: nothing in Groundswell would read mail sent to one.
    assert link.count("<") == 1 and "mailto:" not in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.strip("<>") in message.body
    assert "<strong>Thank you.</strong>" in message.alternatives[0][0]
    assert "<script" not in message.alternatives[0][0]
    assert message.from_email.startswith("Just Tech Coalition <")


def test_it_never_mails_the_unsubscribed_or_the_suppressed(
    make_update, owner, consenting_signers, campaign, run_on_commit, make_org
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=4)
    Unsubscription.objects.create(
        organization=campaign.organization, address_hash=address_hash("Signer0@Example.org")
    )
    # Unsubscribed from another organization only: still mailed.
    Unsubscription.objects.create(
        organization=make_org(), address_hash=address_hash("signer1@example.org")
    )
    Suppression.objects.create(
        address_hash=address_hash("signer2@example.org"), reason=SuppressionReason.HARD_BOUNCE
    )
    update = make_update()

    with run_on_commit():
        update_send_now(update=update, user=owner)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "signer1@example.org",
        "signer3@example.org",
    ]
    update.refresh_from_db()
    assert (update.sent_count, update.suppressed_count) == (2, 2)


def test_a_scheduled_update_starts_when_due(make_update, owner, consenting_signers, campaign):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=3)
    update = make_update()
    update_schedule(update=update, at=timezone.now() + timedelta(minutes=10), user=owner)

    assert updates_due_start() == 0
    assert updates_due_start(now=timezone.now() + timedelta(minutes=11)) == 1
    assert Update.objects.get().status == UpdateStatus.SENDING


def test_the_sweep_resumes_a_send_whose_worker_died(
    make_update, owner, consenting_signers, campaign, settings
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=30)
    update = make_update()
    # Sent as far as 10 recipients by a worker that then died holding its lease and a claim.
    Update.objects.filter(pk=update.pk).update(
        status=UpdateStatus.SENDING, lease_until=timezone.now() + timedelta(seconds=60)
    )
    update_recipients_list(update=update)
    rows = list(UpdateRecipient.objects.order_by("pk"))
    UpdateRecipient.objects.filter(pk__in=[row.pk for row in rows[:10]]).update(
        status=RecipientStatus.SENT, sent_at=timezone.now()
    )
    UpdateRecipient.objects.filter(pk__in=[row.pk for row in rows[10:20]]).update(
        claimed_at=timezone.now()
    )

    assert updates_sweep() == 0  # the lease is still live: nobody else may send
    assert update_send(update_id=update.pk).sent == 0

    # The lease and the claims run out.
    expired = timezone.now() - timedelta(seconds=settings.UPDATE_SEND_LEASE_SECONDS + 1)
    Update.objects.filter(pk=update.pk).update(lease_until=expired)
    UpdateRecipient.objects.filter(claimed_at__isnull=False).update(claimed_at=expired)
    assert updates_sweep() == 1

    assert sorted(int(m.to[0][6:].split("@")[0]) for m in mail.outbox) == list(range(10, 30))
    assert Update.objects.get().status == UpdateStatus.SENT


def test_a_cancelled_update_stops_sending(make_update, owner, consenting_signers, campaign):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=5)
    update = make_update()
    Update.objects.filter(pk=update.pk).update(status=UpdateStatus.CANCELLED)

    assert update_send(update_id=update.pk).sent == 0
    assert not mail.outbox


def test_a_sent_update_is_listed_for_the_campaigns_timeline(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    draft, sent = make_update(subject="Draft"), make_update(subject="Sent")
    with run_on_commit():
        update_send_now(update=sent, user=owner)

    assert [update.subject for update in campaign_updates_sent(campaign=campaign)] == ["Sent"]
    assert draft.status == UpdateStatus.DRAFT


def test_the_hosts_update_to_signers_joins_the_campaigns_timeline(
    make_update, owner, consenting_signers, campaign, run_on_commit
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=2)
    update = make_update(subject="We delivered the signatures")

    with run_on_commit():
        update_send_now(update=update, user=owner)

    entry = TimelineEntry.objects.get(campaign=campaign, kind=TimelineKind.UPDATE)
    assert (entry.key, entry.title) == (str(update.pk), "We delivered the signatures")
