"""Partners and invitations: who co-sponsors a campaign, and who joins an organization.

What a signature owes a partner (its visit, its consents, the coalition figures) lives with the
signatures, which own the count (groundswell.signatures).
"""

from datetime import datetime, timedelta
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import (
    EDITING_ROLES,
    MANAGING_ROLES,
    Membership,
    Organization,
    Role,
    User,
)
from groundswell.accounts.selectors import membership_get, user_manages
from groundswell.accounts.services import (
    MembershipError,
    membership_create,
    membership_grant_check,
    organization_create,
)
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import (
    Invitation,
    Partner,
    invitation_token_hash,
    new_invitation_token,
)

INVITATION_LIFETIME = timedelta(days=7)


class CoalitionError(Exception):
    """A refused coalition action; the message is safe to show."""


def partner_remove(*, partner: Partner, now: datetime | None = None) -> Partner:
    Partner.objects.filter(pk=partner.pk, removed_at__isnull=True).update(
        removed_at=now or timezone.now()
    )
    partner.refresh_from_db()
    return partner


class InvitationRefused(CoalitionError):
    """The person may not do this with the invitation; it stays as it was, for someone who may."""


def _invitation_create(
    *,
    created_by: User,
    organization: Organization | None,
    campaign: Campaign | None = None,
    role: str = Role.ORGANIZER,
    organization_name: str = "",
    organization_slug: str = "",
) -> tuple[Invitation, str]:
    """A new one-time invitation and its token (shown once; only its hash is stored)."""
    token = new_invitation_token()
    invitation = Invitation.objects.create(
        organization=organization,
        organization_name=organization_name,
        organization_slug=organization_slug,
        campaign=campaign,
        role=role,
        token_hash=invitation_token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, token


def member_invitation_create(
    *, organization: Organization, created_by: User, role: str
) -> tuple[Invitation, str]:
    """An invitation to join `organization` in `role`, from one of its owners or admins whose
    own role ranks at least as high."""
    try:
        membership_grant_check(organization=organization, granted_by=created_by, role=role)
    except MembershipError as error:
        raise InvitationRefused(str(error)) from None
    return _invitation_create(organization=organization, created_by=created_by, role=role)


def partner_invitation_create(
    *, campaign: Campaign, name: str, slug: str, created_by: User
) -> tuple[Invitation, str]:
    """Invite an organization (known by its short name, or not on Groundswell yet) to co-sponsor
    a campaign. Creates no organization: a new one is created by the person who accepts."""
    if not _edits_for_host(campaign=campaign, user=created_by):
        raise InvitationRefused(_("Only the host's organizers can invite partners."))
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        # Checked now by the model's own rules, though the organization is created on acceptance.
        Organization(name=name, slug=slug).clean_fields(exclude=["website", "logo"])
        return _invitation_create(
            created_by=created_by,
            organization=None,
            campaign=campaign,
            organization_name=name,
            organization_slug=slug,
        )
    _ensure_may_become_partner(campaign=campaign, organization=organization)
    if not Membership.objects.filter(organization=organization, role__in=MANAGING_ROLES).exists():
        raise CoalitionError(
            _(
                "“%(name)s” is on Groundswell but has no owner or admin who could accept. "
                "Choose another short name, or ask the platform's administrators."
            )
            % {"name": organization.name}
        )
    return _invitation_create(created_by=created_by, organization=organization, campaign=campaign)


def _edits_for_host(*, campaign: Campaign, user: User) -> bool:
    """Whether `user` is one of the host's organizers: who may bring partners onto a campaign."""
    host_membership = membership_get(user=user, organization=campaign.organization)
    return host_membership is not None and host_membership.role in EDITING_ROLES


def _ensure_may_become_partner(*, campaign: Campaign, organization: Organization) -> None:
    if organization.pk == campaign.organization_id:
        raise CoalitionError(_("The host organization cannot be its own partner."))
    if Partner.objects.filter(campaign=campaign, organization=organization).exists():
        raise CoalitionError(_("That organization is already a partner of this campaign."))


def invitation_get(*, token: str, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("organization", "campaign__organization", "created_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None:
        raise CoalitionError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise CoalitionError(_("This invitation has already been used."))
    if invitation.expires_at <= now:
        raise CoalitionError(_("This invitation has expired. Ask for a new one."))
    return invitation


def _invitation_claim(
    *, invitation: Invitation, user: User, now: datetime, **changes: object
) -> None:
    """Mark the invitation used, once: a second acceptance, even a concurrent one, is refused."""
    claimed = Invitation.objects.filter(
        Q(pk=invitation.pk), accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user, **changes)
    if not claimed:
        raise CoalitionError(_("This invitation has already been used."))


def member_invitation_accept(
    *, token: str, user: User, confirmed_other_memberships: bool, now: datetime | None = None
) -> Invitation:
    """Join the inviting organization exactly once, in the role its manager chose.

    A person who already belongs to another organization must say explicitly that they mean to
    join this one too, so a forwarded link cannot silently move staff between organizations.
    """
    now = now or timezone.now()
    invitation = invitation_get(token=token, now=now)
    if invitation.is_partner_invitation:
        raise CoalitionError(_("This link invites an organization, not a person."))
    others = Membership.objects.filter(user=user).exclude(organization=invitation.organization)
    if others.exists() and not confirmed_other_memberships:
        raise CoalitionError(
            _("You already belong to another organization. Confirm that you also want to join.")
        )
    with transaction.atomic():
        _invitation_claim(invitation=invitation, user=user, now=now)
        try:
            # The inviter's right is checked now: one removed or demoted since grants nothing.
            membership_create(
                organization=cast(Organization, invitation.organization),  # a member invitation's
                user=user,
                role=invitation.role,
                granted_by=invitation.created_by,
            )
        except MembershipError:
            raise InvitationRefused(
                _("The person who invited you can no longer grant this. Ask for a new invitation.")
            ) from None
    invitation.refresh_from_db()
    return invitation


def partner_invitation_accept(
    *,
    token: str,
    user: User,
    organization: Organization | None = None,
    new_organization_name: str = "",
    new_organization_slug: str = "",
    now: datetime | None = None,
) -> Invitation:
    """Bring an organization onto the invitation's campaign as a partner. Nobody joins anything.

    To an existing organization: only one of its owners or admins may accept. To a new one:
    `organization`, one the person manages, becomes the partner; without it, the organization is
    created now with the given name and short name, and the person accepting is its owner.
    """
    now = now or timezone.now()
    invitation = invitation_get(token=token, now=now)
    if not invitation.is_partner_invitation:
        raise CoalitionError(_("This link invites a person, not an organization."))
    if invitation.organization_id is not None:
        if organization is not None and organization.pk != invitation.organization_id:
            raise InvitationRefused(_("This invitation is for another organization."))
        organization = invitation.organization
    if organization is not None and not user_manages(user=user, organization=organization):
        raise InvitationRefused(
            _(
                "Only an owner or admin of %(name)s can accept this invitation, "
                "logged in with their own account."
            )
            % {"name": organization.name}
        )
    # A partner's staff see the campaign's back office: the inviter's right to grant that is
    # checked now, as a member invitation's is; one removed or demoted since grants nothing.
    if not _edits_for_host(
        campaign=cast(Campaign, invitation.campaign), user=invitation.created_by
    ):
        raise InvitationRefused(
            _("The person who invited you can no longer grant this. Ask for a new invitation.")
        )
    with transaction.atomic():
        created = organization is None
        if created:
            try:
                organization = organization_create(
                    name=new_organization_name, slug=new_organization_slug, owner=user
                )
            except MembershipError as error:
                raise CoalitionError(str(error)) from None
        # A partner invitation names its campaign; the organization is the one found or made.
        campaign, organization = (
            cast(Campaign, invitation.campaign),
            cast(Organization, organization),
        )
        _ensure_may_become_partner(campaign=campaign, organization=organization)
        _invitation_claim(
            invitation=invitation,
            user=user,
            now=now,
            organization=organization,
            created_organization=created,
        )
        _partner_join(campaign=campaign, organization=organization)
    invitation.refresh_from_db()
    return invitation


def _partner_join(*, campaign: Campaign, organization: Organization) -> Partner:
    partner = Partner.objects.filter(campaign=campaign, organization=organization).first()
    if partner is not None:
        if partner.removed_at is not None:
            Partner.objects.filter(pk=partner.pk).update(removed_at=None)
        return partner
    slug = organization.slug
    if Partner.objects.filter(campaign=campaign, slug=slug).exists():
        slug = f"{slug}-{organization.pk}"
    try:
        with transaction.atomic():
            return Partner.objects.create(campaign=campaign, organization=organization, slug=slug)
    except IntegrityError:
        return Partner.objects.get(campaign=campaign, organization=organization)
