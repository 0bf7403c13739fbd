from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailFailure(models.TextChoices):
    """Why an e-mail will never be sent, in words for organizers: never the address or the
    server's message, which may quote it."""

    INVALID_MESSAGE = "invalid-message", _("a header or the address is malformed")
    RECIPIENT_REFUSED = "recipient-refused", _("the recipient's mail server refused the address")
    MESSAGE_REFUSED = "message-refused", _("the mail server refused the message")
    GAVE_UP = "gave-up", _("the mail server could not be reached after repeated attempts")


class OutboundEmail(models.Model):
    """Every e-mail is stored here, in the transaction that caused it, before it is sent.

    A task sends it after commit; `outbox_sweep` re-queues rows whose task was lost, so a broker
    outage delays mail but never loses it. `claimed_at` lets one sender at a time own a row.

    A row to a signer names the person it belongs to (`signature` or `signatory`): it holds their
    address, often their name and links, and is deleted with them (CASCADE), whoever deletes
    them. Rows sent (or given up on) are deleted after EMAIL_RETENTION_DAYS
    (`outbound_emails_expire`). The two references name higher apps' models by string only:
    nothing in core imports them.
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    # Either the rendered body, or a template and its context rendered by the sender (in
    # `language`), which then stores the body it sent: busy requests skip the rendering.
    body = models.TextField(blank=True)
    template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Exception class and SMTP code only; never the message, which may quote the address.
    last_error = models.CharField(max_length=200, blank=True)
    # The person this e-mail is about (at most one of the two); erasing them deletes it.
    signature = models.ForeignKey(
        "signatures.Signature",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    signatory = models.ForeignKey(
        "letters.Signatory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # A person who RSVP'd to an event: erasing their RSVP deletes its e-mails too.
    rsvp = models.ForeignKey(
        "events.Rsvp",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Set once the e-mail will never be sent (a permanent refusal, or MAX_ATTEMPTS failures), so
    # that the organizers of `campaign` see it rather than a signer waiting for nothing.
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=20, choices=EmailFailure.choices, blank=True)
    # The campaign the e-mail is about, if any: its organizers see how many of its e-mails could
    # not be sent, and why (never to whom). By name, as `signature` and `signatory` are: the
    # outbox knows nothing else of campaigns.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            # Only the unsent rows, in the order the drain claims them: the table keeps sent
            # e-mails for EMAIL_RETENTION_DAYS, and a drain must not walk past them on each batch.
            models.Index(
                fields=["id"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbox_unsent_idx",
            ),
            # What erasure (through CASCADE) and the retention purge look rows up by; partial,
            # so rows without that owner add no entry.
            models.Index(
                fields=["signature"],
                condition=Q(signature__isnull=False),
                name="outbox_signature_idx",
            ),
            models.Index(
                fields=["signatory"],
                condition=Q(signatory__isnull=False),
                name="outbox_signatory_idx",
            ),
            models.Index(fields=["rsvp"], condition=Q(rsvp__isnull=False), name="outbox_rsvp_idx"),
            models.Index(
                fields=["sent_at"], condition=Q(sent_at__isnull=False), name="outbox_sent_idx"
            ),
            # The few that failed, for the organizers' pages.
            models.Index(
                fields=["campaign", "failure"],
                condition=Q(failed_at__isnull=False),
                name="outbox_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} e-mail #{self.pk}"
