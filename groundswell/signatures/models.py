import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.core.text import multi_line_text, single_line_text

# Why a signature is erased: at the signer's request ("withdrawn", "erased") or by organizers as
# fraud ("invalidated"). The transparency log records them as its tombstone reasons.
WITHDRAWAL_REASONS = frozenset({"withdrawn", "erased", "invalidated"})


class SignatureChannel(models.TextChoices):
    """How a signature reached us. Online signers confirm from their inbox; the other channels
    are counted separately in the petition's breakdown (`channel_breakdown`)."""

    ONLINE = "online", _("Online form")
    API = "api", _("Partner site or tool (API)")
    PAPER = "paper", _("Paper")
    PARTNER_TOOL = "partner_tool", _("Partner's organizing tool")


# Who vouched for a signature that was not confirmed from the signer's inbox.
CONFIRMED_BY_ORGANIZER = "organizer"


def new_public_id() -> str:
    """An unguessable id used in links and receipts, so database ids never leave the server."""
    return secrets.token_urlsafe(16)


def new_referral_code() -> str:
    """The short code a signer's share links carry (`?r=`): 64 random bits, so a collision
    among millions of signers is out of reach (the unique constraint would refuse it)."""
    return secrets.token_urlsafe(8)


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
    # "Why I'm signing": shown on the petition page only if the signer ticked this (never
    # pre-ticked), once confirmed, unless organizers hid it (`comment_hidden_at`).
    comment_public = models.BooleanField(
        _("show my comment publicly"), default=False, db_default=False
    )
    comment_hidden_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=64, blank=True)
    # The partner whose link or embed brought this signer first; None when no partner did.
    partner = models.ForeignKey(
        Partner,
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
    channel = models.CharField(
        max_length=16,
        choices=SignatureChannel.choices,
        default=SignatureChannel.ONLINE,
        db_default=SignatureChannel.ONLINE,
    )
    # "organizer" when the host organization vouched for the signer (paper, the API's
    # confirmed_by mode) instead of the signer confirming from their inbox; "" otherwise.
    confirmed_by = models.CharField(max_length=16, blank=True, default="", db_default="")
    # The label of the paper batch (or import) the signature came in; "" for everything else.
    batch = models.CharField(max_length=64, blank=True, default="", db_default="")
    # In the signer's own share links (`?r=`); made in Python before the INSERT, so signing stays
    # one statement. NULL (not "": the code is unique) for signatures taken before sharing existed.
    referral_code = models.CharField(  # noqa: DJ001
        max_length=16, null=True, blank=True, default=new_referral_code, editable=False
    )
    # The signer whose share link brought this one (a `?r=` code of the same campaign). Erasing
    # that signer clears it.
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred",
        db_index=False,
    )
    # The language the person signed in: every later e-mail to them is written in it.
    language = models.CharField(max_length=10, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_key"], name="one_signature_per_person"
            ),
            models.UniqueConstraint(fields=["public_id"], name="signature_public_id_unique"),
            models.UniqueConstraint(
                fields=["referral_code"], name="signature_referral_code_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "confirmed_at"], name="signature_confirmed_idx"),
            # Most signers come without a partner: only the others are indexed.
            models.Index(
                fields=["partner"], condition=Q(partner__isnull=False), name="signature_partner_idx"
            ),
            # The breakdown by channel counts the few signatures not taken online.
            models.Index(
                fields=["campaign", "channel"],
                condition=~Q(channel="online"),
                name="signature_offline_channel_idx",
            ),
            # Only signers someone else's link brought: "your link brought N people".
            models.Index(
                fields=["referred_by", "confirmed_at"],
                condition=Q(referred_by__isnull=False),
                name="signature_referred_by_idx",
            ),
            # Only the few signers who made their comment public: without it the petition page
            # of a campaign where nobody did read every confirmed row looking for one.
            models.Index(
                fields=["campaign", "confirmed_at"],
                condition=Q(comment_public=True),
                name="signature_public_comment_idx",
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

    # Indexed by `one_tally_row`, which it leads: no index of its own.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
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


class HourlyCount(models.Model):
    """The published count at the last publication within each hour (counts_publish writes it
    when the count moved): the hourly history reads a few dozen of these rows, whatever the
    number of signatures. Daily history comes from the tallies."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    confirmed = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "hour"], name="one_hourly_count")
        ]

    def __str__(self) -> str:
        return f"count of {self.campaign_id} at {self.hour:%Y-%m-%d %H}:00"


# The rows below are about a signature or the count, so they belong here; they were the
# coalitions app's until issue 13 (their tables keep the coalitions_ names).


class CoalitionTally(models.Model):
    """Per-campaign figures kept current in the confirming transaction, so pages never scan rows.

    Invariant (checked by `coalition_tally_recount`, groundswell.signatures.tallies):
    signature_count of the campaign equals the sum of its partners' signature_count plus
    `unattributed_count`.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="coalition_tally"
    )
    unattributed_count = models.PositiveIntegerField(default=0)
    # Confirmed signers who came through two or more partners' links.
    multi_partner_count = models.PositiveIntegerField(default=0)
    # Partner visits of confirmed signers, summed: what adding up separate petitions would count.
    referral_count = models.PositiveIntegerField(default=0)

    class Meta:
        # Moved from the coalitions app (issue 13): the table keeps its name.
        db_table = "coalitions_coalitiontally"

    def __str__(self) -> str:
        return f"tally of {self.campaign_id}"


class PartnerReferral(models.Model):
    """A partner's link or embed brought this signer (first visit or a later one)."""

    # Indexed by `one_referral_each`, which it leads: no index of its own (each would cost every
    # signature that comes through a partner one more index entry, in WAL and on disk).
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="referrals", db_index=False
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    created_at = models.DateTimeField()

    class Meta:
        # Moved from the coalitions app (issue 13): the table keeps its name.
        db_table = "coalitions_partnerreferral"
        constraints = [
            models.UniqueConstraint(fields=["signature", "partner"], name="one_referral_each")
        ]

    def __str__(self) -> str:
        return f"referral by {self.partner_id}"


class Consent(models.Model):
    """A signer's permission for one organization to contact them, with the exact words shown."""

    # Indexed by `one_consent_each` and `consent_org_idx`, which they lead: no index of their
    # own. A consent is written when signing and again when confirming (its confirmed_at is
    # indexed, so that update writes every index anew): each index less saves both.
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    wording = models.CharField(max_length=500)
    language = models.CharField(max_length=10)
    given_at = models.DateTimeField()
    # Set when the signer confirms from their inbox; only confirmed consents are exported.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Moved from the coalitions app (issue 13): the table keeps its name.
        db_table = "coalitions_consent"
        constraints = [
            models.UniqueConstraint(fields=["signature", "organization"], name="one_consent_each")
        ]
        indexes = [models.Index(fields=["organization", "confirmed_at"], name="consent_org_idx")]

    def __str__(self) -> str:
        return f"consent for {self.organization_id}"


def new_change_id() -> str:
    return secrets.token_urlsafe(16)


class PendingChange(models.Model):
    """What a repeat submission with a signer's address asked to add: a partner's visit and
    consents. Nothing of it applies until the owner of the stored address presses the button
    behind the link e-mailed there; then exactly this applies (`coalition_change_apply`).

    A stranger can type anyone's address, so a repeat submission never changes the signature
    itself. One per signature: a newer request replaces it (and its link), and it is deleted
    with the signature.
    """

    signature = models.OneToOneField(
        Signature, on_delete=models.CASCADE, related_name="pending_change"
    )
    # In the e-mailed link (signed); replaced with the request, so an older link stops working.
    public_id = models.CharField(max_length=32, unique=True, default=new_change_id)
    # The partner whose link the submission came through, when the signer has no visit from it.
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # [{"organization_id", "wording", "language"}]: consents ticked, with the words shown.
    consents = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Moved from the coalitions app (issue 13): the table keeps its name.
        db_table = "coalitions_pendingchange"

    def __str__(self) -> str:
        return f"pending change {self.public_id}"


class ImportBatch(models.Model):
    """One file of paper (or offline) signatures imported into a campaign, and how far the
    import got: rows are committed in chunks together with `last_row`, so running the same
    file again continues after the last committed row and never records a row twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=64, validators=[single_line_text])
    file_sha256 = models.CharField(max_length=64)
    # The number (1 = the first row after the header) of the last row committed.
    last_row = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "file_sha256"], name="one_import_per_file")
        ]

    def __str__(self) -> str:
        return f"import {self.label}"
