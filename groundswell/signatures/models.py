import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from groundswell.campaigns.models import Campaign
from groundswell.core.text import multi_line_text, single_line_text


def new_public_id() -> str:
    """An unguessable id used in links and receipts, so database ids never leave the server."""
    return secrets.token_urlsafe(16)


class Signature(models.Model):
    # Indexes are kept to what queries use: every one costs each signature a write. The campaign
    # leads both composite indexes; the public id is unique (no pattern index is needed).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="signatures", db_index=False
    )
    public_id = models.CharField(max_length=32, default=new_public_id, editable=False)
    name = models.CharField(_("full name"), max_length=120, validators=[single_line_text])
    email = models.EmailField(_("e-mail"), max_length=254)
    # Lower-cased, plus-tag removed, Gmail dots removed: one person, one signature per campaign.
    email_key = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    postal_code = models.CharField(
        _("postal code"), max_length=16, blank=True, validators=[single_line_text]
    )
    comment = models.TextField(
        _("comment"), max_length=500, blank=True, validators=[multi_line_text]
    )
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    source = models.CharField(max_length=64, blank=True)
    # The partner whose link or embed brought this signer first; None when no partner did.
    partner = models.ForeignKey(
        "coalitions.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        db_index=False,
    )
    # The campaign's text version (CampaignVersion.number) this signer read and signed, and the
    # newest version they have been told about since.
    text_version = models.PositiveIntegerField(default=1, db_default=1)
    told_of_version = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time an e-mail went to this signer, so repeated submits cannot flood an inbox.
    notified_at = models.DateTimeField(null=True, blank=True)
    # Partner visits recorded for this signer, and whether they ticked any consent box:
    # kept here so that confirming needs no extra query to count them.
    referral_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    gave_consent = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_key"], name="one_signature_per_person"
            ),
            models.UniqueConstraint(fields=["public_id"], name="signature_public_id_unique"),
        ]
        indexes = [
            models.Index(fields=["campaign", "confirmed_at"], name="signature_confirmed_idx"),
            # Most signers come without a partner: only the others are indexed.
            models.Index(
                fields=["partner"], condition=Q(partner__isnull=False), name="signature_partner_idx"
            ),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"signature {self.public_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Tally(models.Model):
    """Sharded counters: every count a page shows is a sum over a few of these rows.

    Each signing, confirmation, later partner visit (agreed to by the signer) and withdrawal
    adds to one row picked at random among SHARDS for its (campaign, partner, day), so
    concurrent confirmations never queue on one hot row. `partner_key` is the partner's id, or 0
    for signatures no partner brought. `signed` counts signatures taken (pending or confirmed) by
    the day they were taken; `confirmed`, `referrals` (partner visits of confirmed signers) and
    `multi_partner` (confirmed signers who came through two or more partners) count by the day
    of confirmation.
    `groundswell.signatures.tallies` reads, publishes and reconciles them.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    partner_key = models.BigIntegerField()
    day = models.DateField()
    shard = models.PositiveSmallIntegerField()
    signed = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    referrals = models.IntegerField(default=0)
    multi_partner = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "partner_key", "day", "shard"], name="one_tally_row"
            )
        ]

    def __str__(self) -> str:
        return f"tally {self.campaign_id}/{self.partner_key}/{self.day}/{self.shard}"
