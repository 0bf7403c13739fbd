"""Events (rallies, deliveries, vigils, calls) and the RSVPs of the people coming to them.

An RSVP (`Rsvp`) is the owner row of a person's data here: their consents and the e-mails to
them are found from it and deleted with it (docs/architecture.md, personal data inventory).
"""

import secrets
import zoneinfo
from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.delivery.models import Delivery
from groundswell.signatures.models import Signature

# Characters of check-in codes: no 0/O, 1/I/L, so that a code read aloud or typed is unambiguous.
CHECKIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 8


def time_zone_known(value: str) -> None:
    """Refuse a time zone that is not an IANA name this machine knows ("Europe/Madrid")."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone %(zone)s: use a name like Europe/Madrid or America/New_York."),
            code="time_zone",
            params={"zone": value},
        ) from None


class EventKind(models.TextChoices):
    RALLY = "rally", _("Rally")
    DELIVERY = "delivery", _("Delivery")
    VIGIL = "vigil", _("Vigil")
    CALL = "call", _("Call")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


PUBLIC_EVENT_STATUSES = frozenset(
    {EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.FINISHED}
)
# action -> (statuses it may start from, status it ends in): groundswell.core.transitions.
EVENT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({EventStatus.DRAFT}), EventStatus.PUBLISHED),
    "cancel": (frozenset({EventStatus.DRAFT, EventStatus.PUBLISHED}), EventStatus.CANCELLED),
    "finish": (frozenset({EventStatus.PUBLISHED}), EventStatus.FINISHED),
}


class Event(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("host organization"),
    )
    # Partners of the linked campaign only (checked by the event services).
    co_hosts = models.ManyToManyField(
        Organization, blank=True, related_name="co_hosted_events", verbose_name=_("co-hosts")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("campaign"),
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EventKind.choices, default=EventKind.RALLY
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line_text])
    description_markdown = models.TextField(
        _("description"),
        blank=True,
        max_length=20000,
        validators=[multi_line_text],
        help_text=_("Markdown is supported."),
    )
    # Rendered and sanitised once when saved by the event services; pages never run Markdown.
    description_html = models.TextField(blank=True, editable=False)
    # In UTC, like every date; shown in `time_zone`, the zone of the place.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[time_zone_known]
    )
    place_name = models.CharField(
        _("place"), max_length=200, blank=True, validators=[single_line_text]
    )
    place_address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[single_line_text]
    )
    # Shown only to people whose RSVP is confirmed (their mails and their RSVP page).
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    # Places (a person and their guests each take one); None: no limit.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    # The delivery this event made, recorded afterwards.
    delivery = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    # Confirmed places (people and their guests), the places of walk-ins (in the room, so they
    # fill the capacity too) and the next waitlist position: all changed only with this row
    # locked (groundswell.events.services.rsvps), so no RSVP can overbook.
    places_taken = models.PositiveIntegerField(default=0, editable=False)
    walk_in_places = models.PositiveIntegerField(default=0, editable=False)
    waitlist_next = models.PositiveIntegerField(default=1, editable=False)
    # When each reminder went out (claimed by a conditional UPDATE: never twice); cleared when
    # the time changes, so that reminders follow the new time.
    day_before_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    shortly_before_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["campaign", "status", "starts_at"], name="event_campaign_idx"),
            models.Index(fields=["status", "starts_at"], name="event_status_starts_idx"),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/e/{self.slug}/"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def map_url(self) -> str:
        """An OpenStreetMap search for the address (nothing is fetched from there by us)."""
        query = ", ".join(part for part in (self.place_name, self.place_address) if part)
        if not self.place_address:
            return ""
        return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"

    @property
    def places_filled(self) -> int:
        """What the capacity is measured against: confirmed RSVPs' places and walk-ins'."""
        return self.places_taken + self.walk_in_places

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_filled, 0)


class RsvpStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    # Set by organizers (`rsvp_cancel_by_organizers`): the RSVP stays listed, without a place.
    # The person's own cancel link erases the RSVP instead (the row is deleted).
    CANCELLED = "cancelled", _("Cancelled")


# What the e-mailed confirmation link confirms: an RSVP waiting for it, or one the organizers
# cancelled, whose owner asked again (a repeat RSVP with the address changes nothing until then).
CONFIRMABLE_RSVP_STATUSES = frozenset({RsvpStatus.PENDING, RsvpStatus.CANCELLED})

# Who hears about the event's changes and reminders.
NOTIFIED_RSVP_STATUSES = frozenset({RsvpStatus.CONFIRMED, RsvpStatus.WAITLISTED})


def new_rsvp_public_id() -> str:
    return secrets.token_urlsafe(16)


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class Rsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    # In the e-mailed links (signed), so database ids never leave the server.
    public_id = models.CharField(max_length=32, unique=True, default=new_rsvp_public_id)
    name = models.CharField(_("full name"), max_length=120, validators=[single_line_text])
    # Blank only for walk-ins who gave none.
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    # groundswell.core.email_keys: one RSVP per person and event, and the link to the
    # same person's signature of the campaign.
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    phone = models.CharField(
        _("phone (optional)"), max_length=40, blank=True, validators=[single_line_text]
    )
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    status = models.CharField(max_length=16, choices=RsvpStatus.choices, default=RsvpStatus.PENDING)
    # Arrival order on the waitlist (Event.waitlist_next when they joined it); None otherwise.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    checkin_code = models.CharField(max_length=16, default=new_checkin_code)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(default=False)
    # The same person's signature of the event's campaign (same canonical e-mail), if any.
    signature = models.ForeignKey(
        Signature, on_delete=models.SET_NULL, null=True, blank=True, related_name="rsvps"
    )
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last e-mail sent on a repeat RSVP, so repeated submits cannot flood an inbox.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key=""),
                name="one_rsvp_per_person",
            ),
            models.UniqueConstraint(fields=["event", "checkin_code"], name="one_checkin_code"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlist_position"], name="rsvp_status_idx"),
        ]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")

    def __str__(self) -> str:
        return f"rsvp {self.public_id}"

    @property
    def places(self) -> int:
        return 1 + self.guests


class RsvpConsent(models.Model):
    """Permission for one organization (the host or a co-host) to contact the person, in the
    words the form showed. Confirmed with the RSVP from the inbox (walk-ins: given in person)."""

    rsvp = models.ForeignKey(Rsvp, on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    wording = models.CharField(max_length=500)
    language = models.CharField(max_length=10)
    given_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rsvp", "organization"], name="one_rsvp_consent_each")
        ]
        indexes = [
            models.Index(fields=["organization", "confirmed_at"], name="rsvp_consent_org_idx")
        ]

    def __str__(self) -> str:
        return f"consent for {self.organization_id}"
