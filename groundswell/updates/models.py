"""News to signers: an update, one row per person it goes to, and the addresses never to mail.

Unsubscriptions and suppressions hold a keyed hash of the canonical address (HMAC-SHA256 under a
key derived from SECRET_KEY, `groundswell.updates.addresses`), never the address: they outlive the
signatures they came from, and must not become a list of people.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.text import single_line_text
from groundswell.events.models import Event, Rsvp
from groundswell.letters.models import Letter, Signatory
from groundswell.signatures.models import Signature


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE_UPDATE_STATUSES = frozenset({UpdateStatus.DRAFT})
SCHEDULABLE_UPDATE_STATUSES = frozenset({UpdateStatus.DRAFT, UpdateStatus.SCHEDULED})
CANCELLABLE_UPDATE_STATUSES = frozenset(
    {UpdateStatus.DRAFT, UpdateStatus.SCHEDULED, UpdateStatus.SENDING}
)


class Update(models.Model):
    """An e-mail from one organization to an audience of a campaign's signers, a letter's
    signatories or an event's attendees. Exactly one of `campaign`, `letter` and `event` is
    set."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    # An event's update (the thank-you to the people who came): to its attendees.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    # The sender: the host, or a partner writing to its own supporters.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="updates")
    subject = models.CharField(_("subject"), max_length=200, validators=[single_line_text])
    body_markdown = models.TextField(_("text"), max_length=20000)
    body_html = models.TextField(editable=False)
    # A key of the audience registry (groundswell.updates.audiences) and its parameters.
    audience = models.CharField(_("audience"), max_length=64)
    audience_parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set once the recipients are materialised (UpdateRecipient rows), with how many.
    recipients_listed_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    # Counts as of the end of sending (progress reads the rows while sending).
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    suppressed_count = models.PositiveIntegerField(default=0)
    # The one sender at a time: a task holds the lease while it sends, and renews it every
    # batch; a dead worker's lease runs out and the sweep starts another task.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=False, letter__isnull=True, event__isnull=True)
                | Q(campaign__isnull=True, letter__isnull=False, event__isnull=True)
                | Q(campaign__isnull=True, letter__isnull=True, event__isnull=False),
                name="update_for_one_campaign_letter_or_event",
            )
        ]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="update_status_idx")]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return self.subject


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent (unsubscribed or bounced)")


class UpdateRecipient(models.Model):
    """One person an update goes to, found from their owner row (and deleted with it): the
    address is read from the owner when the e-mail is sent, never copied here."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="recipients")
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    signatory = models.ForeignKey(
        Signatory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rsvp = models.ForeignKey(
        Rsvp, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(signature__isnull=False, signatory__isnull=True, rsvp__isnull=True)
                | Q(signature__isnull=True, signatory__isnull=False, rsvp__isnull=True)
                | Q(signature__isnull=True, signatory__isnull=True, rsvp__isnull=False),
                name="update_recipient_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["update", "signature"],
                condition=Q(signature__isnull=False),
                name="one_update_per_signature",
            ),
            models.UniqueConstraint(
                fields=["update", "signatory"],
                condition=Q(signatory__isnull=False),
                name="one_update_per_signatory",
            ),
            models.UniqueConstraint(
                fields=["update", "rsvp"],
                condition=Q(rsvp__isnull=False),
                name="one_update_per_rsvp",
            ),
        ]
        indexes = [
            models.Index(fields=["update", "status", "id"], name="update_recipient_status_idx"),
            models.Index(
                fields=["signature"],
                condition=Q(signature__isnull=False),
                name="update_recipient_signature_idx",
            ),
            models.Index(
                fields=["signatory"],
                condition=Q(signatory__isnull=False),
                name="update_recipient_signatory_idx",
            ),
            models.Index(
                fields=["rsvp"], condition=Q(rsvp__isnull=False), name="update_recipient_rsvp_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"recipient {self.pk} of update {self.update_id}"


class Unsubscription(models.Model):
    """Someone asked one organization to send them no more updates."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="unsubscriptions"
    )
    address_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "address_hash"], name="one_unsubscription_each"
            )
        ]

    def __str__(self) -> str:
        return f"unsubscription from {self.organization_id}"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    COMPLAINT = "complaint", _("Complaint")


class Suppression(models.Model):
    """An address no update may be sent to again, by any organization: it bounced for good, or
    its owner marked an update as spam."""

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    provider_event_id = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"suppression ({self.reason})"
