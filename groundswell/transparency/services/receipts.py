"""A signer's receipt: what lets them prove, later and without us, that their signature counted.

The receipt holds the leaf's salt and confirmation time; it is e-mailed once, when the leaf is
appended, and shown on a page whose link carries a signed token of the signature's public id
(made with the signer's other links, groundswell.signatures.links.RECEIPT_LINK). The token does
not expire: a receipt is meant to be checked long after the campaign.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.models import OutboundEmail
from groundswell.core.page_cache import text_with_holes
from groundswell.core.signed_links import LinkInvalid
from groundswell.signatures.links import RECEIPT_LINK, receipt_url, withdrawal_url
from groundswell.transparency.models import LogEntry
from groundswell.transparency.proof_documents import Receipt, receipt_to_json

RECEIPT_EMAIL_KIND = "signature-receipt"
RECEIPT_EMAILS_PER_TASK = 100
RECEIPT_TEXT_KEPT_SECONDS = 60
# Signatures appended long after they were confirmed (a log started on an old campaign) get no
# e-mail: a receipt out of the blue months later would puzzle people. Nor do signatures dated
# before their campaign existed, which were imported (the demo's seeded signers), not confirmed.
RECEIPT_EMAIL_MAX_AGE = timedelta(days=1)


class InvalidReceiptLink(Exception):
    """The link's token was not made by this instance; the message is safe to show."""


@dataclass(frozen=True)
class AppendedSignature:
    index: int
    public_id: str
    confirmed_at: datetime
    salt: bytes


@dataclass(frozen=True)
class ReceiptRecipient:
    """A just-appended signature whose signer gets a receipt e-mail (kept in memory only)."""

    leaf: AppendedSignature
    signature_id: int
    name: str
    email: str
    language: str = ""  # the signer's (groundswell.signatures.models.Signature.language)


def receipt_token_read(*, token: str) -> str:
    try:
        return RECEIPT_LINK.read(token)
    except LinkInvalid:
        raise InvalidReceiptLink(
            _("This receipt link is not valid. Please use the link from your e-mail.")
        ) from None


def receipt_document(*, entry: "LogEntry | AppendedSignature", log_name: str) -> dict[str, object]:
    """The receipt JSON read by `groundswell verify receipt`, of a signature leaf: a LogEntry,
    or a leaf just appended."""
    return receipt_to_json(
        Receipt(
            campaign=log_name,
            leaf_index=entry.index,
            public_id=entry.public_id,
            # A signature leaf has both.
            confirmed_at=cast(datetime, entry.confirmed_at),
            salt=bytes(cast(bytes, entry.salt)),
        )
    )


def receipt_emails_queue(
    *, campaign: Campaign, log_name: str, recipients: Sequence[ReceiptRecipient], now: datetime
) -> int:
    """Store one receipt e-mail per recently confirmed signer, sent once the transaction commits.

    This is what `groundswell.core.outbox.outbound_email_queue` does, for a batch: the rows are
    inserted in one statement (this runs while the log's head row is locked), and one task per
    RECEIPT_EMAILS_PER_TASK e-mails sends them as one batch of the outbox
    (`outbound_emails_send`): one task per e-mail would spend most of a batch publishing
    messages.
    """
    petition_url = f"{settings.GROUNDSWELL_BASE_URL}{campaign.get_absolute_url()}"
    emails = []
    # The campaign as each language's readers see it (the organizers' translation, if any).
    shown: dict[str, Campaign] = {}
    for recipient in recipients:
        confirmed_at = recipient.leaf.confirmed_at
        if confirmed_at < now - RECEIPT_EMAIL_MAX_AGE or confirmed_at < campaign.created_at:
            continue
        document = receipt_document(entry=recipient.leaf, log_name=log_name)
        public_id = recipient.leaf.public_id
        language = recipient.language or settings.LANGUAGE_CODE
        # In the language the person signed in. Rendered once per batch and language, then each
        # signer's own values are filled in.
        if language not in shown:
            shown[language] = campaign_in_language(campaign=campaign, language=language).campaign
        with translation.override(language):
            subject = _("Your receipt: %(title)s") % {"title": shown[language].title}
            body = text_with_holes(
                "delivery/email/receipt.txt",
                {"campaign": shown[language], "petition_url": petition_url},
                holes={
                    "name": recipient.name,
                    "receipt_url": receipt_url(campaign_slug=campaign.slug, public_id=public_id),
                    "receipt_json": receipt_json_text(document),
                    "withdrawal_url": withdrawal_url(
                        campaign_slug=campaign.slug, public_id=public_id
                    ),
                },
                key=(campaign.pk, shown[language].title, petition_url, language),
                seconds=RECEIPT_TEXT_KEPT_SECONDS,
            )
        emails.append(
            OutboundEmail(
                to=recipient.email,
                subject=subject,
                body=body,
                language=language,
                kind=RECEIPT_EMAIL_KIND,
                signature_id=recipient.signature_id,
                campaign_id=campaign.pk,
            )
        )
    OutboundEmail.objects.bulk_create(emails)
    ids = sorted(email.pk for email in emails)
    for start in range(0, len(ids), RECEIPT_EMAILS_PER_TASK):
        chunk = ids[start : start + RECEIPT_EMAILS_PER_TASK]
        enqueue_on_commit(
            "groundswell.transparency.tasks.receipt_emails_send_task", chunk[0], chunk[-1]
        )
    return len(emails)


def receipt_emails_between(*, first_id: int, last_id: int) -> QuerySet[OutboundEmail]:
    """Receipt e-mails with ids in [first_id, last_id] (other batches' ones included); the
    outbox sends those still unsent."""
    return OutboundEmail.objects.filter(pk__range=(first_id, last_id), kind=RECEIPT_EMAIL_KIND)


def receipt_json_text(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2)
