"""Partners, referrals, consent and the coalition figures.

The signing services call `coalition_signing_record` and `coalition_confirmation_record` inside
their own transactions, so a signature, its consents and every count move together.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Membership, Organization, Role, User
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import (
    Consent,
    Invitation,
    Partner,
    PartnerReferral,
    invitation_token_hash,
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


def coalition_repeat_visit_record(
    *,
    signature: "Signature",
    partner: Partner | None,
    consents: Sequence[ConsentGiven],
    now: datetime,
) -> bool:
    """A signer came back, maybe through another partner's link, maybe ticking new consents.

    Records the partner's visit (attributing the signature to it if no partner had brought it
    yet, and counting the overlap once confirmed) and adds the new consents, pending until the
    signer confirms them from their inbox. Returns True when there is something to confirm.
    Runs in the signing transaction with the signature row locked.
    """
    from groundswell.signatures.models import Signature
    from groundswell.signatures.tallies import counts_publish_soon, local_day, tally_add

    confirmed = signature.confirmed_at is not None
    if (
        partner is not None
        and not PartnerReferral.objects.filter(signature_id=signature.pk, partner=partner).exists()
    ):
        PartnerReferral.objects.create(signature_id=signature.pk, partner=partner, created_at=now)
        visits = signature.referral_count + 1
        changes: dict[str, object] = {"referral_count": visits}
        if signature.partner_id is None:
            changes["partner"] = partner
            _move_attribution(signature=signature, partner=partner)
        Signature.objects.filter(pk=signature.pk).update(**changes)
        if confirmed:
            tally_add(
                campaign_id=signature.campaign_id,
                partner_id=signature.partner_id or partner.pk,
                day=local_day(signature.confirmed_at),
                referrals=1,
                multi_partner=1 if visits == 2 else 0,
            )
            counts_publish_soon(campaign_id=signature.campaign_id)
    if not consents:
        return False
    existing = set(
        Consent.objects.filter(signature_id=signature.pk).values_list("organization_id", flat=True)
    )
    added = [
        Consent(
            signature_id=signature.pk,
            organization_id=consent.organization_id,
            wording=consent.wording,
            language=consent.language,
            given_at=now,
        )
        for consent in consents
        if consent.organization_id not in existing
    ]
    if added:
        Consent.objects.bulk_create(added)
        Signature.objects.filter(pk=signature.pk).update(gave_consent=True)
    return bool(added)


def _move_attribution(*, signature: "Signature", partner: Partner) -> None:
    """Move a signature no partner had brought to the partner whose link it came through."""
    from groundswell.signatures.tallies import local_day, tally_add

    tally_add(
        campaign_id=signature.campaign_id, partner_id=None,
        day=local_day(signature.created_at), signed=-1,
    )  # fmt: skip
    tally_add(
        campaign_id=signature.campaign_id, partner_id=partner.pk,
        day=local_day(signature.created_at), signed=1,
    )  # fmt: skip
    if signature.confirmed_at is not None:
        day = local_day(signature.confirmed_at)
        tally_add(campaign_id=signature.campaign_id, partner_id=None, day=day, confirmed=-1)
        tally_add(campaign_id=signature.campaign_id, partner_id=partner.pk, day=day, confirmed=1)


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


def invitation_create(
    *, organization: Organization, created_by: User, role: str, campaign: Campaign | None = None
) -> tuple[Invitation, str]:
    """A new one-time invitation and its token (shown once; only its hash is stored)."""
    token = new_invitation_token()
    invitation = Invitation.objects.create(
        organization=organization,
        campaign=campaign,
        role=role,
        token_hash=invitation_token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, token


def partner_invitation_create(
    *, campaign: Campaign, name: str, slug: str, created_by: User
) -> tuple[Invitation, str]:
    """Invite an organization (new, or known by its short name) to co-sponsor a campaign."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        organization = Organization(name=name, slug=slug)
        organization.full_clean()
        organization.save()
    if organization.pk == campaign.organization_id:
        raise CoalitionError(_("The host organization cannot be its own partner."))
    if Partner.objects.filter(campaign=campaign, organization=organization).exists():
        raise CoalitionError(_("That organization is already a partner of this campaign."))
    has_members = organization.memberships.exists()
    return invitation_create(
        organization=organization,
        campaign=campaign,
        created_by=created_by,
        role=Role.ORGANIZER if has_members else Role.OWNER,
    )


def invitation_get(*, token: str, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("organization", "campaign")
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


def invitation_accept(
    *, token: str, user: User, confirmed_other_memberships: bool, now: datetime | None = None
) -> Invitation:
    """Join the inviting organization (and its campaign as partner) exactly once.

    A person who already belongs to another organization must say explicitly that they mean to
    join this one too, so a forwarded link cannot silently move staff between organizations.
    """
    now = now or timezone.now()
    invitation = invitation_get(token=token, now=now)
    others = Membership.objects.filter(user=user).exclude(organization=invitation.organization)
    if others.exists() and not confirmed_other_memberships:
        raise CoalitionError(
            _("You already belong to another organization. Confirm that you also want to join.")
        )
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            Q(pk=invitation.pk), accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not claimed:
            raise CoalitionError(_("This invitation has already been used."))
        Membership.objects.get_or_create(
            user=user, organization=invitation.organization, defaults={"role": invitation.role}
        )
        if invitation.campaign_id is not None:
            _partner_join(campaign=invitation.campaign, organization=invitation.organization)
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
