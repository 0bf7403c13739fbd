"""Who an update may go to: a registry of audiences, each a key, a label, a selector of the
people (a queryset of their owner rows: `signatures.Signature` or `letters.Signatory`), a rule
saying which updates may use it, and the reason its people get them (the footer of the e-mail).

Higher apps add their own from their AppConfig.ready() with `audience_register`, as long as
their selector yields owner rows that `UpdateRecipient` can point at (see RECIPIENT_OWNERS).
The people an update may reach are owned by the apps below this one (signatures, letters'
signatories, events' RSVPs): each recipient row points at its owner and is deleted with it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import EDITING_ROLES, Membership, User
from groundswell.coalitions.models import Partner
from groundswell.events.models import Event, Rsvp
from groundswell.events.selectors import attendee_recipients, event_co_hosts_acting
from groundswell.letters.models import Signatory
from groundswell.letters.selectors import signatories_contactable
from groundswell.signatures.models import Signature
from groundswell.signatures.selectors import consenting_supporters
from groundswell.updates.models import Update

# The owner models an audience may select, with the UpdateRecipient column pointing at each and
# the owner's fields holding the address and the name.
RECIPIENT_OWNERS: dict[type[Model], tuple[str, str, str]] = {
    Signature: ("signature", "email", "name"),
    Signatory: ("signatory", "personal_email", "name"),
    Rsvp: ("rsvp", "email", "name"),
}

Selector = Callable[[Update], "QuerySet[Any]"]
Allowed = Callable[[User | None, Update], bool]


@dataclass(frozen=True)
class Audience:
    key: str
    label: str | Promise
    selector: Selector
    allowed: Allowed
    # Why its people get the update, as the footer of the e-mail tells them: one sentence,
    # translated lazily (it is shown in each recipient's language), with %(organization)s for
    # the sender and %(title)s for the petition's, letter's or event's title.
    reason: str | Promise


# For an update whose audience is no longer registered (its app was removed meanwhile).
UNKNOWN_AUDIENCE_REASON = _(
    "You receive this because you agreed that %(organization)s may contact you."
)


_audiences: dict[str, Audience] = {}


def audience_register(
    *,
    key: str,
    label: str | Promise,
    selector: Selector,
    allowed: Allowed,
    reason: str | Promise,
) -> None:
    """Add an audience. `allowed(user, update)` says whether `update` (its campaign or letter,
    its sending organization) may go to it; `user` is None when the code itself drafts the
    update. Whether the person may edit the sending organization's updates is checked apart.
    `reason`: see Audience."""
    if key in _audiences and _audiences[key].selector is not selector:
        raise ValueError(f"audience {key!r} is registered twice")
    _audiences[key] = Audience(
        key=key, label=label, selector=selector, allowed=allowed, reason=reason
    )


def audience_get(key: str) -> Audience | None:
    return _audiences.get(key)


def audience_reason(key: str) -> str | Promise:
    """The sentence telling the people of audience `key` why they get its updates."""
    audience = _audiences.get(key)
    return audience.reason if audience is not None else UNKNOWN_AUDIENCE_REASON


def audiences_for(*, user: User | None, update: Update) -> list[Audience]:
    """The audiences this update may use, in registration order."""
    return [audience for audience in _audiences.values() if audience.allowed(user, update)]


def audience_people(*, update: Update) -> QuerySet[Any]:
    """The owner rows of the people the update's audience names today (empty if unknown)."""
    audience = _audiences.get(update.audience)
    if audience is None:
        return Signature.objects.none()
    people = audience.selector(update)
    if people.model not in RECIPIENT_OWNERS:
        raise TypeError(f"audience {update.audience!r} selects {people.model.__name__} rows")
    return people


def may_send_for(*, user: User | None, organization_id: int) -> bool:
    """A person may write updates for an organization they edit for; the code always may."""
    if user is None:
        return True
    return Membership.objects.filter(
        user=user, organization_id=organization_id, role__in=EDITING_ROLES
    ).exists()


# The built-in audiences.


def _host_signers(update: Update) -> QuerySet[Signature]:
    assert update.campaign is not None
    return consenting_supporters(
        campaign=update.campaign, organization_id=update.campaign.organization_id
    )


def _host_signers_allowed(user: User | None, update: Update) -> bool:
    return (
        update.campaign is not None
        and update.organization_id == update.campaign.organization_id
        and may_send_for(user=user, organization_id=update.organization_id)
    )


def _partner_supporters(update: Update) -> QuerySet[Signature]:
    # A partner writes only to the signers who agreed that *it* may contact them.
    assert update.campaign is not None
    return consenting_supporters(campaign=update.campaign, organization_id=update.organization_id)


def _partner_supporters_allowed(user: User | None, update: Update) -> bool:
    return (
        update.campaign is not None
        and update.organization_id != update.campaign.organization_id
        and Partner.objects.filter(
            campaign=update.campaign,
            organization_id=update.organization_id,
            removed_at__isnull=True,
        ).exists()
        and may_send_for(user=user, organization_id=update.organization_id)
    )


def _letter_signatories(update: Update) -> QuerySet[Signatory]:
    assert update.letter is not None
    return signatories_contactable(letter=update.letter)


def _letter_signatories_allowed(user: User | None, update: Update) -> bool:
    return (
        update.letter is not None
        and update.organization_id == update.letter.organization_id
        and may_send_for(user=user, organization_id=update.organization_id)
    )


def _event_attendees(update: Update) -> QuerySet[Rsvp]:
    assert update.event is not None
    return attendee_recipients(event=update.event, organization_id=update.organization_id)


def _event_attendees_allowed(user: User | None, update: Update) -> bool:
    # A co-host writes only while it acts as one (named, still a partner of the campaign, the
    # event out of draft), as a partner writes to its supporters only while it is one: checked
    # again when a scheduled thank-you's time comes.
    event: Event | None = update.event
    return (
        event is not None
        and (
            update.organization_id == event.organization_id
            or event_co_hosts_acting(event=event).filter(pk=update.organization_id).exists()
        )
        and may_send_for(user=user, organization_id=update.organization_id)
    )


HOST_SIGNERS = "host_signers"
PARTNER_SUPPORTERS = "partner_supporters"
LETTER_SIGNATORIES = "letter_signatories"
EVENT_ATTENDEES = "event_attendees"


def register_built_in() -> None:
    audience_register(
        key=HOST_SIGNERS,
        label=_("Confirmed signers who agreed to hear from us"),
        selector=_host_signers,
        allowed=_host_signers_allowed,
        reason=_(
            "You receive this because you signed “%(title)s” and agreed that %(organization)s "
            "may contact you."
        ),
    )
    audience_register(
        key=PARTNER_SUPPORTERS,
        label=_("Our supporters: confirmed signers who agreed to hear from our organization"),
        selector=_partner_supporters,
        allowed=_partner_supporters_allowed,
        # The sender is not the petition's host: say why it, of all the coalition, writes.
        reason=_(
            "You receive this because you signed “%(title)s” and agreed that %(organization)s, "
            "a partner organization of the campaign, may contact you."
        ),
    )
    audience_register(
        key=LETTER_SIGNATORIES,
        label=_("Signatories who confirmed a personal address for updates"),
        selector=_letter_signatories,
        allowed=_letter_signatories_allowed,
        reason=_(
            "You receive this because you signed the open letter “%(title)s” and confirmed this "
            "address for updates from %(organization)s."
        ),
    )
    audience_register(
        key=EVENT_ATTENDEES,
        label=_("People who came or had a place, and agreed to hear from us"),
        selector=_event_attendees,
        allowed=_event_attendees_allowed,
        reason=_(
            "You receive this because you registered for “%(title)s” and agreed that "
            "%(organization)s may contact you."
        ),
    )
