"""RSVPs: taking one, confirming it from the inbox (where its place is decided), cancelling it
(which erases it and moves the waitlist up), walk-ins and check-in at the door.

No overbooking, even under concurrent requests: a place is given or a waitlist position taken
only while the event's row is locked (`select_for_update`, PostgreSQL; SQLite's writers are
serialised anyway), and the event's `places_taken` counter changes in that same transaction.
Walk-ins are in the room, so their places (`walk_in_places`, changed under the same lock) fill
the capacity too: an RSVP confirmed after walk-ins filled the room waits. Locks are always taken
event first, then RSVPs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization
from groundswell.core.email_keys import email_key
from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink
from groundswell.events.domain import RsvpCreated, rsvp_created
from groundswell.events.links import RSVP_CONFIRMATION_LINK, RSVP_TICKET_LINK
from groundswell.events.models import (
    CONFIRMABLE_RSVP_STATUSES,
    Event,
    EventStatus,
    Rsvp,
    RsvpConsent,
    RsvpStatus,
)
from groundswell.events.selectors import event_co_hosts
from groundswell.events.services.notices import EmailKind, rsvp_email_queue
from groundswell.signatures.consent import consent_wording
from groundswell.signatures.models import Signature

# A repeat RSVP with the same address re-sends its e-mail at most this often.
REPEAT_EMAIL_INTERVAL = timedelta(minutes=10)
MAX_GUESTS = 10
# A confirmation link made a little before its RSVP's `notified_at`, or on a server whose clock
# runs ahead, still expires before the purge reaches it (as for signatures).
PURGE_GRACE = timedelta(hours=1)


class RsvpError(Exception):
    """Bad input or a refused step: the message is for the person, and nothing was changed."""


class RsvpLinkError(RsvpError):
    pass


def event_rsvp_refusal(*, event: Event, now: datetime | None = None) -> str | None:
    """Why `event` takes no RSVP now (a sentence for the person), or None when it does."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return _("This event has been cancelled: it takes no more RSVPs.")
    if event.status == EventStatus.FINISHED or event.ends_at <= now:
        return _("This event is over: it takes no more RSVPs.")
    if event.status != EventStatus.PUBLISHED:
        return _("This event is not open for RSVPs.")
    return None


def rsvp_consent_organizations(*, event: Event) -> list[Organization]:
    """The host, then each co-host (`event_co_hosts`: a partner the host removed is asked for
    no more): each gets its own consent box."""
    return [event.organization, *event_co_hosts(event=event)]


def _consents_add(
    *, rsvp: Rsvp, event: Event, organization_ids: set[int], now: datetime, confirmed: bool
) -> None:
    RsvpConsent.objects.bulk_create(
        RsvpConsent(
            rsvp=rsvp,
            organization=organization,
            wording=consent_wording(organization_name=organization.name),
            language=rsvp.language,
            given_at=now,
            confirmed_at=now if confirmed else None,
        )
        for organization in rsvp_consent_organizations(event=event)
        if organization.pk in organization_ids
    )


def rsvp_create(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str = "",
    guests: int = 0,
    consent_organization_ids: set[int] | frozenset[int] = frozenset(),
    language: str = "",
    now: datetime | None = None,
) -> Rsvp:
    """Store a pending RSVP and e-mail its confirmation link. A repeat with the same canonical
    address changes nothing (a stranger may type anyone's address): the stored address gets its
    link again, at most every REPEAT_EMAIL_INTERVAL."""
    now = now or timezone.now()
    refusal = event_rsvp_refusal(event=event, now=now)
    if refusal:
        raise RsvpError(refusal)
    if not 0 <= guests <= MAX_GUESTS:
        raise RsvpError(_("Guests: from 0 to %(max)d.") % {"max": MAX_GUESTS})
    key = email_key(email)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rsvp = Rsvp.objects.create(
                    event=event,
                    name=name,
                    email=email,
                    email_key=key,
                    phone=phone,
                    guests=guests,
                    language=language,
                    notified_at=now,
                )
        except IntegrityError:
            return _rsvp_repeat(event=event, key=key, now=now)
        _consents_add(
            rsvp=rsvp,
            event=event,
            organization_ids=set(consent_organization_ids),
            now=now,
            confirmed=False,
        )
        rsvp_email_queue(rsvp=rsvp, event=event, kind=EmailKind.CONFIRM)
        rsvp_created.publish(RsvpCreated(event_id=event.pk, rsvp_id=rsvp.pk))
    return rsvp


def _rsvp_repeat(*, event: Event, key: str, now: datetime) -> Rsvp:
    """Nothing of the RSVP changes, whatever its status: only its e-mail goes again. One the
    organizers cancelled stays cancelled (and out of the purge of pending ones) until the
    address's owner presses the button behind the confirmation link (`rsvp_confirm`)."""
    rsvp = Rsvp.objects.get(event=event, email_key=key)
    claimed = (
        Rsvp.objects.filter(pk=rsvp.pk, notified_at__lt=now - REPEAT_EMAIL_INTERVAL).update(
            notified_at=now
        )
        if rsvp.notified_at
        else Rsvp.objects.filter(pk=rsvp.pk, notified_at=None).update(notified_at=now)
    )
    if claimed:
        kinds: dict[str, str] = {
            RsvpStatus.PENDING: EmailKind.CONFIRM,
            RsvpStatus.CANCELLED: EmailKind.CONFIRM,
            RsvpStatus.CONFIRMED: EmailKind.CONFIRMED,
            RsvpStatus.WAITLISTED: EmailKind.WAITLISTED,
        }
        if rsvp.status in kinds:
            rsvp_email_queue(rsvp=rsvp, event=event, kind=kinds[rsvp.status])
    return rsvp


def _public_id_from(token: str, *, link: SignedLink) -> str:
    try:
        return link.read(token)
    except LinkExpired:
        raise RsvpLinkError(
            _("This link has expired. Please RSVP again from the event's page.")
        ) from None
    except LinkInvalid:
        raise RsvpLinkError(
            _("This link is not valid. Please check that it is complete.")
        ) from None


def rsvp_from_confirmation_link(*, token: str, slug: str) -> Rsvp:
    public_id = _public_id_from(token, link=RSVP_CONFIRMATION_LINK)
    rsvp = Rsvp.objects.select_related("event").filter(public_id=public_id).first()
    if rsvp is None or rsvp.event.slug != slug:
        raise RsvpLinkError(_("This RSVP no longer exists: it was cancelled or has expired."))
    return rsvp


def rsvp_from_ticket_link(*, token: str, slug: str) -> Rsvp | None:
    """The RSVP of a ticket (or cancel) link; None once it was cancelled."""
    public_id = _public_id_from(token, link=RSVP_TICKET_LINK)
    rsvp = Rsvp.objects.select_related("event").filter(public_id=public_id).first()
    if rsvp is not None and rsvp.event.slug != slug:
        raise RsvpLinkError(_("This link is not valid. Please check that it is complete."))
    return rsvp


def _place_allocate(*, event: Event, rsvp: Rsvp, now: datetime) -> None:
    """Confirm `rsvp` if its places fit, else put it at the end of the waitlist. The event row
    must be locked by the caller (and `event` read under that lock)."""
    if event.capacity is None or event.places_filled + rsvp.places <= event.capacity:
        rsvp.status = RsvpStatus.CONFIRMED
        rsvp.waitlist_position = None
        event.places_taken += rsvp.places
    else:
        rsvp.status = RsvpStatus.WAITLISTED
        rsvp.waitlist_position = event.waitlist_next
        event.waitlist_next += 1
    Event.objects.filter(pk=event.pk).update(
        places_taken=event.places_taken, waitlist_next=event.waitlist_next
    )


def _signature_of_same_person(*, event: Event, rsvp: Rsvp) -> int | None:
    if event.campaign_id is None or not rsvp.email_key:
        return None
    return (
        Signature.objects.filter(
            campaign_id=event.campaign_id, email_key=rsvp.email_key, confirmed_at__isnull=False
        )
        .values_list("pk", flat=True)
        .first()
    )


def rsvp_confirm(*, token: str, slug: str, now: datetime | None = None) -> Rsvp:
    """Confirm an RSVP from its e-mailed link: it gets its place, or a waitlist position, in
    the order confirmations arrive. Confirming twice changes nothing. One the organizers
    cancelled is taken again (a walk-in's too: its place is then an RSVP's, in
    `places_taken`)."""
    rsvp = rsvp_from_confirmation_link(token=token, slug=slug)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
        locked = Rsvp.objects.select_for_update().filter(pk=rsvp.pk).first()
        if locked is None:
            raise RsvpLinkError(_("This RSVP no longer exists: it was cancelled or has expired."))
        rsvp = locked
        if rsvp.status not in CONFIRMABLE_RSVP_STATUSES:
            return rsvp
        now = now or timezone.now()
        refusal = event_rsvp_refusal(event=event, now=now)
        if refusal:
            raise RsvpError(refusal)
        _place_allocate(event=event, rsvp=rsvp, now=now)
        rsvp.confirmed_at = now
        rsvp.walk_in = False
        rsvp.signature_id = _signature_of_same_person(event=event, rsvp=rsvp)
        rsvp.save(
            update_fields=["status", "waitlist_position", "confirmed_at", "walk_in", "signature"]
        )
        rsvp.consents.filter(confirmed_at=None).update(confirmed_at=now)
        kind = EmailKind.CONFIRMED if rsvp.status == RsvpStatus.CONFIRMED else EmailKind.WAITLISTED
        rsvp_email_queue(rsvp=rsvp, event=event, kind=kind)
    rsvp.event = event
    return rsvp


def waitlist_promote(*, event: Event, now: datetime | None = None) -> list[Rsvp]:
    """Move up, in waitlist order, every waitlisted RSVP whose places fit in what is free (a
    party too large for the places left waits while smaller ones behind it move up), and tell
    each. The event row must be locked by the caller."""
    now = now or timezone.now()
    promoted: list[Rsvp] = []
    waiting = (
        Rsvp.objects.select_for_update()
        .filter(event=event, status=RsvpStatus.WAITLISTED)
        .order_by("waitlist_position")
    )
    for rsvp in waiting:
        free = None if event.capacity is None else event.capacity - event.places_filled
        if free is not None and free <= 0:
            break
        if free is not None and rsvp.places > free:
            continue
        rsvp.status = RsvpStatus.CONFIRMED
        rsvp.waitlist_position = None
        rsvp.save(update_fields=["status", "waitlist_position"])
        event.places_taken += rsvp.places
        promoted.append(rsvp)
        rsvp_email_queue(rsvp=rsvp, event=event, kind=EmailKind.PROMOTED)
    if promoted:
        Event.objects.filter(pk=event.pk).update(places_taken=event.places_taken)
    return promoted


def _places_release(*, event: Event, places: int, walk_in: bool, now: datetime | None) -> None:
    """Give back the places of a confirmed RSVP (or walk-in) cancelled or erased, and move the
    waitlist up into them. The event row must be locked by the caller."""
    if walk_in:
        event.walk_in_places -= places
    else:
        event.places_taken -= places
    Event.objects.filter(pk=event.pk).update(
        places_taken=event.places_taken, walk_in_places=event.walk_in_places
    )
    if event.status == EventStatus.PUBLISHED:
        waitlist_promote(event=event, now=now)


def rsvp_cancel(*, token: str, slug: str, now: datetime | None = None) -> None:
    """The person cancels from their link: the RSVP is erased (its consents and e-mails with it),
    and its places go to the waitlist, in this transaction. Cancelling twice is harmless."""
    rsvp = rsvp_from_ticket_link(token=token, slug=slug)
    if rsvp is None:
        return
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
        locked = Rsvp.objects.select_for_update().filter(pk=rsvp.pk).first()
        if locked is None:
            return
        freed = locked.places if locked.status == RsvpStatus.CONFIRMED else 0
        locked.delete()
        if freed:
            _places_release(event=event, places=freed, walk_in=locked.walk_in, now=now)


def rsvp_cancel_by_organizers(*, event: Event, rsvp_id: int, now: datetime | None = None) -> Rsvp:
    """Organizers cancel someone's RSVP (they said so by phone, say): it stays listed as
    cancelled, its places go to the waitlist in this transaction, and the person is told. Their
    own cancel link still erases it."""
    with transaction.atomic():
        locked_event = Event.objects.select_for_update().get(pk=event.pk)
        rsvp = Rsvp.objects.select_for_update().filter(event=locked_event, pk=rsvp_id).first()
        if rsvp is None:
            raise RsvpError(_("No such RSVP for this event."))
        if rsvp.status == RsvpStatus.CANCELLED:
            return rsvp
        freed = rsvp.places if rsvp.status == RsvpStatus.CONFIRMED else 0
        rsvp.status = RsvpStatus.CANCELLED
        rsvp.waitlist_position = None
        rsvp.save(update_fields=["status", "waitlist_position"])
        rsvp_email_queue(rsvp=rsvp, event=locked_event, kind=EmailKind.RSVP_CANCELLED)
        if freed:
            _places_release(event=locked_event, places=freed, walk_in=rsvp.walk_in, now=now)
    return rsvp


def rsvps_unconfirmed_purge(*, now: datetime | None = None) -> int:
    """Erase the RSVPs never confirmed whose last confirmation link has expired, with their
    consents and e-mails; returns how many. The rule of unconfirmed signatures: the link goes
    out again on a repeat RSVP (`notified_at`), and each link works for
    SIGNATURE_CONFIRMATION_MAX_AGE. Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE) - PURGE_GRACE
    expired = Q(status=RsvpStatus.PENDING) & (
        Q(notified_at__lt=cutoff) | Q(notified_at__isnull=True, created_at__lt=cutoff)
    )
    _total, by_model = Rsvp.objects.filter(expired).delete()
    return by_model.get(Rsvp._meta.label, 0)


# At the door.


class CheckinRefused(RsvpError):
    pass


@dataclass(frozen=True)
class CheckinOutcome:
    rsvp: Rsvp
    already: bool  # was checked in before


def _check_in(*, event: Event, rsvp: Rsvp, now: datetime) -> CheckinOutcome:
    if rsvp.status != RsvpStatus.CONFIRMED:
        raise CheckinRefused(
            _("%(name)s has no confirmed place (%(status)s).")
            % {"name": rsvp.name, "status": rsvp.get_status_display()}
        )
    moved = Rsvp.objects.filter(pk=rsvp.pk, checked_in_at=None).update(checked_in_at=now)
    if moved:
        rsvp.checked_in_at = now
    else:
        rsvp.refresh_from_db(fields=["checked_in_at"])
    return CheckinOutcome(rsvp=rsvp, already=not moved)


def rsvp_check_in_by_code(
    *, event: Event, code: str, now: datetime | None = None
) -> CheckinOutcome:
    """Check in the RSVP of a typed or scanned code: the bare code, or the QR code's
    "<event slug>/<code>". A code of another event is refused, saying so."""
    text = "".join(code.split()).upper()
    slug, _slash, bare = text.rpartition("/")
    if slug and slug.lower() != event.slug:
        raise CheckinRefused(_("This code is for another event, not this one."))
    rsvp = Rsvp.objects.filter(event=event, checkin_code=bare).first()
    if rsvp is None:
        if bare and Rsvp.objects.filter(checkin_code=bare).exclude(event=event).exists():
            raise CheckinRefused(_("This code is for another event, not this one."))
        raise CheckinRefused(_("No RSVP of this event has this code."))
    return _check_in(event=event, rsvp=rsvp, now=now or timezone.now())


def rsvp_check_in(*, event: Event, rsvp_id: int, now: datetime | None = None) -> CheckinOutcome:
    rsvp = Rsvp.objects.filter(event=event, pk=rsvp_id).first()
    if rsvp is None:
        raise CheckinRefused(_("No such RSVP for this event."))
    return _check_in(event=event, rsvp=rsvp, now=now or timezone.now())


def rsvp_walk_in_add(
    *,
    event: Event,
    name: str,
    email: str = "",
    consent_organization_ids: set[int] | frozenset[int] = frozenset(),
    language: str = "",
    now: datetime | None = None,
) -> CheckinOutcome:
    """Someone at the door without an RSVP, checked in at once. A walk-in takes a place of the
    capacity (they are in the room), under the event's lock like a confirmation, so an RSVP
    confirmed afterwards waits if they filled it; but a full event still takes them (they are
    there: the door decides). Consent ticked at the door is given in person, so it counts as
    confirmed. Someone who had RSVP'd with that address is checked in instead."""
    now = now or timezone.now()
    key = email_key(email) if email else ""
    with transaction.atomic():
        locked_event = Event.objects.select_for_update().get(pk=event.pk)
        if key:
            existing = Rsvp.objects.filter(event=event, email_key=key).first()
            if existing is not None:
                return _check_in(event=event, rsvp=existing, now=now)
        rsvp = Rsvp.objects.create(
            event=event,
            name=name,
            email=email,
            email_key=key,
            status=RsvpStatus.CONFIRMED,
            walk_in=True,
            checked_in_at=now,
            confirmed_at=now,
            language=language,
        )
        locked_event.walk_in_places += rsvp.places
        Event.objects.filter(pk=event.pk).update(walk_in_places=locked_event.walk_in_places)
        event.walk_in_places = locked_event.walk_in_places
        rsvp.signature_id = _signature_of_same_person(event=event, rsvp=rsvp)
        if rsvp.signature_id:
            rsvp.save(update_fields=["signature"])
        if email:
            _consents_add(
                rsvp=rsvp,
                event=event,
                organization_ids=set(consent_organization_ids),
                now=now,
                confirmed=True,
            )
        rsvp_created.publish(RsvpCreated(event_id=event.pk, rsvp_id=rsvp.pk))
    return CheckinOutcome(rsvp=rsvp, already=False)
