import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization, Role
from groundswell.campaigns.models import Campaign


class Partner(models.Model):
    """An organization co-sponsoring a campaign hosted by another one.

    A partner is removed by setting `removed_at`, never deleted: the signatures it brought stay
    attributed to it and counted.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partnerships"
    )
    slug = models.SlugField(_("link code"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Confirmed signatures attributed to this partner; changed in the confirming transaction.
    signature_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="one_partnership"),
            models.UniqueConstraint(fields=["campaign", "slug"], name="unique_partner_slug"),
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.organization} on {self.campaign}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class CoalitionTally(models.Model):
    """Per-campaign figures kept current in the confirming transaction, so pages never scan rows.

    Invariant (checked by `coalition_tally_recount`): signature_count of the campaign equals the
    sum of its partners' signature_count plus `unattributed_count`.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="coalition_tally"
    )
    unattributed_count = models.PositiveIntegerField(default=0)
    # Confirmed signers who came through two or more partners' links.
    multi_partner_count = models.PositiveIntegerField(default=0)
    # Partner visits of confirmed signers, summed: what adding up separate petitions would count.
    referral_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"tally of {self.campaign_id}"


class PartnerReferral(models.Model):
    """A partner's link or embed brought this signer (first visit or a later one)."""

    signature = models.ForeignKey(
        "signatures.Signature", on_delete=models.CASCADE, related_name="referrals"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "partner"], name="one_referral_each")
        ]

    def __str__(self) -> str:
        return f"referral by {self.partner_id}"


class Consent(models.Model):
    """A signer's permission for one organization to contact them, with the exact words shown."""

    signature = models.ForeignKey(
        "signatures.Signature", on_delete=models.CASCADE, related_name="consents"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="consents"
    )
    wording = models.CharField(max_length=500)
    language = models.CharField(max_length=10)
    given_at = models.DateTimeField()
    # Set when the signer confirms from their inbox; only confirmed consents are exported.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
        "signatures.Signature", on_delete=models.CASCADE, related_name="pending_change"
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

    def __str__(self) -> str:
        return f"pending change {self.public_id}"


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A one-time link. Only a hash of the token is stored.

    A member invitation (no campaign) lets one person join `organization` in `role`; the manager
    who created it must still be one, with a role at least as high, when it is accepted.

    A partner invitation (with a campaign) brings an organization onto the campaign and makes
    nobody a member of anything. To an organization already on Groundswell (`organization` set),
    only one of its owners or admins can accept it. To one that is not (`organization` empty),
    the host proposes a name and short name; the person accepting creates it then and becomes its
    owner (`created_organization`), or picks an organization they already manage. Either way
    `organization` names the partner once accepted.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    organization_name = models.CharField(max_length=200, blank=True)
    organization_slug = models.SlugField(max_length=60, blank=True, db_index=False)
    created_organization = models.BooleanField(default=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    # Member invitations only.
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ORGANIZER)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(campaign__isnull=False),
                name="member_invitation_names_its_organization",
            )
        ]

    def __str__(self) -> str:
        return f"invitation to {self.invited_name}"

    @property
    def is_partner_invitation(self) -> bool:
        return self.campaign_id is not None

    @property
    def invited_name(self) -> str:
        return self.organization.name if self.organization_id else self.organization_name
