"""The links e-mailed to people who RSVP: to confirm, and to their RSVP's own page (its online
link, calendar file, check-in QR code and the cancel button). Tokens sign the RSVP's public id."""

from django.urls import reverse

from groundswell.core.signed_links import SignedLink, absolute_url

# Expires like a signature's confirmation link.
RSVP_CONFIRMATION_LINK = SignedLink(
    purpose="groundswell.events.rsvp-confirm", max_age_setting="SIGNATURE_CONFIRMATION_MAX_AGE"
)
# Valid as long as the RSVP exists: it is the person's ticket and their way to cancel.
RSVP_TICKET_LINK = SignedLink(purpose="groundswell.events.rsvp-ticket", timestamped=False)


def rsvp_confirmation_url(*, slug: str, public_id: str) -> str:
    token = RSVP_CONFIRMATION_LINK.make(public_id)
    return absolute_url(reverse("events:rsvp_confirm", kwargs={"slug": slug, "token": token}))


def rsvp_ticket_path(*, slug: str, public_id: str, view: str = "events:rsvp_ticket") -> str:
    token = RSVP_TICKET_LINK.make(public_id)
    return reverse(view, kwargs={"slug": slug, "token": token})


def rsvp_ticket_url(*, slug: str, public_id: str) -> str:
    return absolute_url(rsvp_ticket_path(slug=slug, public_id=public_id))


def rsvp_cancel_url(*, slug: str, public_id: str) -> str:
    return absolute_url(rsvp_ticket_path(slug=slug, public_id=public_id, view="events:rsvp_cancel"))
