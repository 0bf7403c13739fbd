"""Partners, referrals, consent and the coalition figures.

The signing services call `coalition_new_signature_record`, `coalition_change_request` and
`coalition_change_apply` inside their own transactions, so a signature, its consents and every
count move together.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

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
    Consent,
    Invitation,
    Partner,
    PartnerReferral,
    PendingChange,
    invitation_token_hash,
    new_change_id,
    new_invitation_token,
)

if TYPE_CHECKING:
    from groundswell.signatures.models import Signature

INVITATION_LIFETIME = timedelta(days=7)


class CoalitionError(Exception):
    """A refused coalition action; the message is safe to show."""


@dataclass(frozen=True)
class ConsentGiven:
    organization_id: int
    wording: str
    language: str


def coalition_new_signature_record(
    *, signature_id: int, partner: Partner | None, consents: Sequence[ConsentGiven], now: datetime
) -> None:
    """The referral and consents of a signature just inserted (the generic, multi-statement path;
    PostgreSQL does the same inside the signing statement, see signatures.signing_statements)."""
    if partner is not None:
        PartnerReferral.objects.create(signature_id=signature_id, partner=partner, created_at=now)
    Consent.objects.bulk_create(
        Consent(
            signature_id=signature_id,
            organization_id=consent.organization_id,
            wording=consent.wording,
            language=consent.language,
            given_at=now,
        )
        for consent in consents
    )


def coalition_change_request(
    *,
    signature: "Signature",
    partner: Partner | None,
    consents: Sequence[ConsentGiven],
    now: datetime,
) -> PendingChange | None:
    """Keep what a repeat submission asked that the signature does not have yet (a visit from
    this partner, consents to other organizations), replacing an earlier request and its link.
    None when it asked nothing new.

    Whoever submitted may not own the address, so nothing else changes: only the owner's press
    of the button behind the e-mailed link applies it (`coalition_change_apply`). Runs in the
    signing transaction with the signature row locked.
    """
    visit = partner
    if (
        partner is not None
        and PartnerReferral.objects.filter(signature_id=signature.pk, partner=partner).exists()
    ):
        visit = None
    consented = set(
        Consent.objects.filter(signature_id=signature.pk).values_list("organization_id", flat=True)
    )
    asked = [
        {
            "organization_id": consent.organization_id,
            "wording": consent.wording,
            "language": consent.language,
        }
        for consent in consents
        if consent.organization_id not in consented
    ]
    if visit is None and not asked:
        return None
    change, _created = PendingChange.objects.update_or_create(
        signature_id=signature.pk,
        defaults={
            "public_id": new_change_id(),
            "partner": visit,
            "consents": asked,
            "created_at": now,
            "applied_at": None,
        },
    )
    return change


def coalition_change_apply(*, change: PendingChange, signature: "Signature", now: datetime) -> None:
    """Apply to a confirmed signature exactly what its owner agreed to from their inbox: the
    partner's visit (an overlap figure; the signature stays attributed to whoever brought it
    first) and the consents, confirmed now. Runs with the signature row locked; at most once."""
    from groundswell.signatures.models import Signature
    from groundswell.signatures.tallies import counts_publish_soon, local_day, tally_add

    if signature.confirmed_at is None:
        raise ValueError("a change applies only to a confirmed signature")
    if (
        change.partner_id is not None
        and not PartnerReferral.objects.filter(
            signature_id=signature.pk, partner_id=change.partner_id
        ).exists()
    ):
        PartnerReferral.objects.create(
            signature_id=signature.pk, partner_id=change.partner_id, created_at=now
        )
        visits = signature.referral_count + 1
        Signature.objects.filter(pk=signature.pk).update(referral_count=visits)
        signature.referral_count = visits
        # Counted where reconciliation counts a visit: with the signature's own attribution, on
        # the day it was confirmed.
        tally_add(
            campaign_id=signature.campaign_id,
            partner_id=signature.partner_id,
            day=local_day(signature.confirmed_at),
            referrals=1,
            multi_partner=1 if visits == 2 else 0,
        )
        counts_publish_soon(campaign_id=signature.campaign_id)
    consented = set(
        Consent.objects.filter(signature_id=signature.pk).values_list("organization_id", flat=True)
    )
    asked = [consent for consent in change.consents if consent["organization_id"] not in consented]
    existing = set(
        Organization.objects.filter(
            pk__in=[consent["organization_id"] for consent in asked]
        ).values_list("pk", flat=True)
    )
    added = [
        Consent(
            signature_id=signature.pk,
            organization_id=consent["organization_id"],
            wording=consent["wording"],
            language=consent["language"],
            given_at=change.created_at,
            confirmed_at=now,
        )
        for consent in asked
        if consent["organization_id"] in existing
    ]
    if added:
        Consent.objects.bulk_create(added)
        Signature.objects.filter(pk=signature.pk).update(gave_consent=True)
    PendingChange.objects.filter(pk=change.pk).update(applied_at=now)


def coalition_consents_confirm(*, signature_id: int, now: datetime) -> None:
    Consent.objects.filter(signature_id=signature_id, confirmed_at__isnull=True).update(
        confirmed_at=now
    )


def coalition_tally_recount(*, campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Reconcile the counts and return the coalition figures that were repaired."""
    from groundswell.signatures.tallies import counts_reconcile

    coalition_figures = ("partner:", "unattributed_count", "multi_partner_count", "referral_count")
    return {
        figure: change
        for figure, change in counts_reconcile(campaign=campaign).items()
        if figure.startswith(coalition_figures)
    }


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
    host_membership = membership_get(user=created_by, organization=campaign.organization)
    if host_membership is None or host_membership.role not in EDITING_ROLES:
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


def _ensure_may_become_partner(*, campaign: Campaign, organization: Organization) -> None:
    if organization.pk == campaign.organization_id:
        raise CoalitionError(_("The host organization cannot be its own partner."))
    if Partner.objects.filter(campaign=campaign, organization=organization).exists():
        raise CoalitionError(_("That organization is already a partner of this campaign."))


def invitation_get(*, token: str, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("organization", "campaign__organization")
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
                organization=invitation.organization,
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
    with transaction.atomic():
        created = organization is None
        if created:
            try:
                organization = organization_create(
                    name=new_organization_name, slug=new_organization_slug, owner=user
                )
            except MembershipError as error:
                raise CoalitionError(str(error)) from None
        _ensure_may_become_partner(campaign=invitation.campaign, organization=organization)
        _invitation_claim(
            invitation=invitation,
            user=user,
            now=now,
            organization=organization,
            created_organization=created,
        )
        _partner_join(campaign=invitation.campaign, organization=organization)
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
