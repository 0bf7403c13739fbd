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


def new_change_id() -> str:
    """Kept for migration 0002, which named it; PendingChange now lives in signatures."""
    return secrets.token_urlsafe(16)


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
    `organization` names the partner once accepted. The host's organizer who created it must
    still be one when it is accepted.
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
        if self.organization is None:
            return self.organization_name
        return self.organization.name
