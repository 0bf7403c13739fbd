"""Who may open a back-office page: one check, `member_access`, that every organizer page calls
(through the helpers below that find the campaign, letter or organization first).

A right over an organization's data comes only from a membership of that organization, in one of
the roles the page asks for. Non-members get 404, so that they never learn whether a draft
campaign, a letter or an organization exists; members without the role get 403. Platform
administrators are not special here: they use the Django admin, and organization pages stay
scoped to the organizations a person belongs to. A campaign's partner organizations reach the
pages about what they brought (`campaign_for_member(..., partners=True)`), never the host's;
an event's co-hosts see its page and their own consenting RSVPs once it is out of draft
(`event_for_member(..., co_hosts=True)`), and run its door (`event_for_door`), a right the
host gave by naming them, which lasts while they stay partners of its campaign.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from groundswell.accounts.models import Membership, Organization, User
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.events.models import Event
from groundswell.events.selectors import event_co_hosts_acting, event_co_hosts_seeing
from groundswell.letters.models import Letter
from groundswell.updates.models import Update


@dataclass(frozen=True)
class MemberAccess:
    role: str
    # Set when the person is let in as staff of one of the campaign's partner organizations.
    partner: Partner | None = None


def member_access(
    *,
    user: User,
    organization_id: int,
    roles: frozenset[str],
    partner_of: Campaign | None = None,
    missing: str = "Not found",
) -> MemberAccess:
    """The person's role in the organization, if it is one of `roles`.

    With `partner_of` (a campaign of this organization), a member of one of the campaign's
    partner organizations is let in too, in their role there; a member of both is host staff.
    Http404 (with `missing`) for everyone else, PermissionDenied for a role not in `roles`.
    """
    if not user.is_authenticated:
        raise Http404(missing)
    memberships = Membership.objects.filter(user=user)
    partner = None
    if partner_of is None:
        membership = memberships.filter(organization_id=organization_id).first()
        role = membership.role if membership is not None else None
    else:
        roles_by_organization = {
            membership.organization_id: membership.role
            for membership in memberships.filter(
                Q(organization_id=organization_id)
                | Q(organization__partnerships__campaign=partner_of)
            )
        }
        role = roles_by_organization.get(organization_id)
        if role is None:
            partner = (
                Partner.objects.select_related("organization")
                .filter(campaign=partner_of, organization_id__in=roles_by_organization)
                .first()
            )
            role = roles_by_organization[partner.organization_id] if partner else None
    if role is None:
        raise Http404(missing)
    if role not in roles:
        raise PermissionDenied
    return MemberAccess(role=role, partner=partner)


@dataclass(frozen=True)
class CampaignAccess:
    """Who is looking at a campaign's back office: host staff (partner None) or a partner's."""

    campaign: Campaign
    role: str
    partner: Partner | None

    @property
    def is_host(self) -> bool:
        return self.partner is None


def campaign_for_member(
    *, user: User, slug: str, roles: frozenset[str], partners: bool = False
) -> CampaignAccess:
    """The campaign (any status) for a member of its host organization in one of `roles`, or
    with `partners`, for a member of one of its partner organizations too."""
    campaign = (
        Campaign.objects.select_related("organization").filter(slug=slug).first()
        if user.is_authenticated
        else None
    )
    if campaign is None:
        raise Http404("No such campaign")
    access = member_access(
        user=user,
        organization_id=campaign.organization_id,
        roles=roles,
        partner_of=campaign if partners else None,
        missing="No such campaign",
    )
    return CampaignAccess(campaign=campaign, role=access.role, partner=access.partner)


def letter_for_member(*, user: User, slug: str, roles: frozenset[str]) -> tuple[Letter, str]:
    """The letter (any status), and the person's role in its host organization."""
    letter = (
        Letter.objects.select_related("organization", "campaign", "current_version")
        .filter(slug=slug)
        .first()
        if user.is_authenticated
        else None
    )
    if letter is None:
        raise Http404("No such letter")
    access = member_access(
        user=user, organization_id=letter.organization_id, roles=roles, missing="No such letter"
    )
    return letter, access.role


def organization_for_member(
    *, user: User, slug: str, roles: frozenset[str]
) -> tuple[Organization, str]:
    """The organization, and the person's role in it."""
    organization = Organization.objects.filter(slug=slug).first() if user.is_authenticated else None
    if organization is None:
        raise Http404("No such organization")
    access = member_access(
        user=user, organization_id=organization.pk, roles=roles, missing="No such organization"
    )
    return organization, access.role


def update_for_member(*, user: User, update_id: int, roles: frozenset[str]) -> tuple[Update, str]:
    """An update, for a member of the organization that sends it (the host's staff never see a
    partner's updates, nor the other way round), and the person's role there."""
    update = (
        Update.objects.select_related("organization", "campaign", "letter")
        .filter(pk=update_id)
        .first()
        if user.is_authenticated
        else None
    )
    if update is None:
        raise Http404("No such update")
    access = member_access(
        user=user, organization_id=update.organization_id, roles=roles, missing="No such update"
    )
    return update, access.role


@dataclass(frozen=True)
class EventAccess:
    """Who is looking at an event's back office, and for which organization: the host's staff,
    or (where a page allows it) a co-host's."""

    event: Event
    role: str
    organization: Organization

    @property
    def is_host(self) -> bool:
        return self.organization.pk == self.event.organization_id


def _event_get(*, user: User, slug: str) -> Event:
    event = (
        Event.objects.select_related("organization", "campaign").filter(slug=slug).first()
        if user.is_authenticated
        else None
    )
    if event is None:
        raise Http404("No such event")
    return event


def _event_access(
    *, user: User, event: Event, roles: frozenset[str], co_hosts: QuerySet[Organization] | None
) -> EventAccess:
    """Host staff in one of `roles`; else, with `co_hosts`, staff of one of those in one of
    `roles` (a member of both is host staff)."""
    if (
        co_hosts is not None
        and not Membership.objects.filter(user=user, organization_id=event.organization_id).exists()
    ):
        co_host = co_hosts.filter(memberships__user=user).order_by("pk").first()
        if co_host is not None:
            access = member_access(
                user=user, organization_id=co_host.pk, roles=roles, missing="No such event"
            )
            return EventAccess(event=event, role=access.role, organization=co_host)
    access = member_access(
        user=user, organization_id=event.organization_id, roles=roles, missing="No such event"
    )
    return EventAccess(event=event, role=access.role, organization=event.organization)


def event_for_member(
    *, user: User, slug: str, roles: frozenset[str], co_hosts: bool = False
) -> EventAccess:
    """The event (any status) for a member of its host organization in one of `roles`, or with
    `co_hosts`, for a member of one of its co-host organizations too once the event is out of
    draft (`events.selectors.event_co_hosts_seeing`; a member of both is host staff). Staff of
    a co-host of a draft get 404, like strangers."""
    event = _event_get(user=user, slug=slug)
    return _event_access(
        user=user,
        event=event,
        roles=roles,
        co_hosts=event_co_hosts_seeing(event=event) if co_hosts else None,
    )


def event_for_door(*, user: User, slug: str, roles: frozenset[str]) -> EventAccess:
    """The event, for someone running its door: host staff in one of `roles`, or staff in one
    of `roles` of a co-host while its door is open to them (the host named it, it is still a
    partner of the event's campaign, the event is out of draft:
    `events.selectors.event_co_hosts_acting`). The door is all that right gives co-host
    staff: names and places to tick in, and walk-ins to add; never the editor, the RSVP list
    or anyone's address."""
    event = _event_get(user=user, slug=slug)
    return _event_access(
        user=user, event=event, roles=roles, co_hosts=event_co_hosts_acting(event=event)
    )


def event_door_open_to(*, access: EventAccess) -> bool:
    """Whether the organization `access` was let in for (by `event_for_member`) may run the
    event's door, whatever its staff's role."""
    return (
        access.is_host
        or event_co_hosts_acting(event=access.event).filter(pk=access.organization.pk).exists()
    )
