"""Partners, referrals, consent and the coalition figures.

The signing services call `coalition_signing_record` and `coalition_confirmation_record` inside
their own transactions, so a signature, its consents and every count move together.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Membership, Organization, Role, User
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import (
    CoalitionTally,
    Consent,
    Invitation,
    Partner,
    PartnerReferral,
    invitation_token_hash,
    new_invitation_token,
)

INVITATION_LIFETIME = timedelta(days=7)


class CoalitionError(Exception):
    """A refused coalition action; the message is safe to show."""


@dataclass(frozen=True)
class ConsentGiven:
    organization_id: int
    wording: str
    language: str


def _tally_add(*, campaign_id: int, **increments: int) -> None:
    changes = {field: F(field) + amount for field, amount in increments.items() if amount}
    if not changes:
        return
    if not CoalitionTally.objects.filter(campaign_id=campaign_id).update(**changes):
        CoalitionTally.objects.bulk_create(
            [CoalitionTally(campaign_id=campaign_id)], ignore_conflicts=True
        )
        CoalitionTally.objects.filter(campaign_id=campaign_id).update(**changes)


def coalition_signing_record(
    *,
    signature_id: int,
    campaign_id: int,
    current_partner_id: int | None,
    confirmed: bool,
    partner: Partner | None,
    consents: list[ConsentGiven],
    now: datetime,
    new: bool,
) -> bool:
    """Record the partner that brought a signer and the consents they gave on this visit.

    Returns True when the visit added something the signer must confirm (a new consent).
    Must run inside the signing transaction, with the signature row locked when it is not new.
    """
    if partner is not None:
        first_visit = (
            new
            or not PartnerReferral.objects.filter(
                signature_id=signature_id, partner=partner
            ).exists()
        )
        if first_visit:
            PartnerReferral.objects.create(
                signature_id=signature_id, partner=partner, created_at=now
            )
        if not new and current_partner_id is None:
            _attribute_late(
                signature_id=signature_id, campaign_id=campaign_id, partner=partner,
                confirmed=confirmed,
            )  # fmt: skip
        if first_visit and confirmed and not new:
            referrals = PartnerReferral.objects.filter(signature_id=signature_id).count()
            _tally_add(
                campaign_id=campaign_id,
                referral_count=1,
                multi_partner_count=1 if referrals == 2 else 0,
            )
    if not consents:
        return False
    existing = set()
    if not new:
        existing = set(
            Consent.objects.filter(signature_id=signature_id).values_list(
                "organization_id", flat=True
            )
        )
    added = [
        Consent(
            signature_id=signature_id,
            organization_id=consent.organization_id,
            wording=consent.wording,
            language=consent.language,
            given_at=now,
        )
        for consent in consents
        if consent.organization_id not in existing
    ]
    Consent.objects.bulk_create(added)
    return bool(added) and not new


def _attribute_late(
    *, signature_id: int, campaign_id: int, partner: Partner, confirmed: bool
) -> None:
    """A signer who first came without a partner link now comes through one: it brought them."""
    from groundswell.signatures.models import Signature

    Signature.objects.filter(pk=signature_id, partner__isnull=True).update(partner=partner)
    if confirmed:
        Partner.objects.filter(pk=partner.pk).update(signature_count=F("signature_count") + 1)
        _tally_add(campaign_id=campaign_id, unattributed_count=-1)


def coalition_confirmation_record(
    *, signature_id: int, campaign_id: int, partner_id: int | None, now: datetime, counted: bool
) -> None:
    """Confirm pending consents; when the signature has just been counted, count it per partner."""
    Consent.objects.filter(signature_id=signature_id, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    if not counted:
        return
    if partner_id is None:
        _tally_add(campaign_id=campaign_id, unattributed_count=1)
        return
    referrals = PartnerReferral.objects.filter(signature_id=signature_id).count()
    Partner.objects.filter(pk=partner_id).update(signature_count=F("signature_count") + 1)
    _tally_add(
        campaign_id=campaign_id,
        referral_count=referrals,
        multi_partner_count=1 if referrals >= 2 else 0,
    )


def coalition_withdrawal_record(
    *, signature_id: int, campaign_id: int, partner_id: int | None, counted: bool
) -> None:
    """Undo a counted signature's share of the figures (called before its row is deleted)."""
    if not counted:
        return
    if partner_id is None:
        _tally_add(campaign_id=campaign_id, unattributed_count=-1)
        return
    referrals = PartnerReferral.objects.filter(signature_id=signature_id).count()
    Partner.objects.filter(pk=partner_id).update(signature_count=F("signature_count") - 1)
    _tally_add(
        campaign_id=campaign_id,
        referral_count=-referrals,
        multi_partner_count=-1 if referrals >= 2 else 0,
    )


def coalition_tally_recount(*, campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Recompute every coalition figure from the rows and repair drift. {figure: (was, is)}."""
    from groundswell.signatures.models import Signature

    changes: dict[str, tuple[int, int]] = {}
    with transaction.atomic():
        confirmed = Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False)
        by_partner = dict(
            confirmed.filter(partner__isnull=False)
            .values_list("partner_id")
            .annotate(count=Count("id"))
            .values_list("partner_id", "count")
        )
        for partner in Partner.objects.select_for_update().filter(campaign=campaign):
            actual = by_partner.get(partner.pk, 0)
            if partner.signature_count != actual:
                changes[f"partner:{partner.slug}"] = (partner.signature_count, actual)
                Partner.objects.filter(pk=partner.pk).update(signature_count=actual)
        confirmed_referrals = PartnerReferral.objects.filter(
            signature__campaign=campaign, signature__confirmed_at__isnull=False
        )
        multi = (
            confirmed_referrals.values("signature_id")
            .annotate(visits=Count("id"))
            .filter(visits__gte=2)
            .count()
        )
        referrals = confirmed_referrals.count()
        actual_tally = {
            "unattributed_count": confirmed.filter(partner__isnull=True).count(),
            "multi_partner_count": multi,
            "referral_count": referrals,
        }
        tally, _created = CoalitionTally.objects.select_for_update().get_or_create(
            campaign=campaign
        )
        for field, actual in actual_tally.items():
            if getattr(tally, field) != actual:
                changes[field] = (getattr(tally, field), actual)
        if changes:
            CoalitionTally.objects.filter(pk=campaign.pk).update(**actual_tally)
    return changes


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
        organization = Organization.objects.create(name=name, slug=slug)
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
