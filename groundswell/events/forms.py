"""The RSVP form (public), the event editor and the walk-in form (organizers)."""

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.bot_friction import honeypot_field, issued_field
from groundswell.core.text import (
    multi_line_text,
    person_text_clean,
    reject_markup,
    single_line_text,
)
from groundswell.delivery.models import Delivery
from groundswell.events.models import EventKind, time_zone_known
from groundswell.events.services.rsvps import MAX_GUESTS
from groundswell.signatures.consent import consent_wording

EVENT_FORM = "event"
CONSENT_PREFIX = "consent_"


def _consent_fields(form: forms.Form, organizations: list[Organization]) -> None:
    for organization in organizations:
        form.fields[f"{CONSENT_PREFIX}{organization.pk}"] = forms.BooleanField(
            required=False, label=consent_wording(organization_name=organization.name)
        )


def consented_organization_ids(form: forms.Form) -> set[int]:
    return {
        int(name.removeprefix(CONSENT_PREFIX))
        for name, value in form.cleaned_data.items()
        if name.startswith(CONSENT_PREFIX) and value
    }


class RsvpForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        validators=[single_line_text, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        validators=[single_line_text, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    guests = forms.IntegerField(
        label=_("Guests you bring (optional)"),
        min_value=0,
        max_value=MAX_GUESTS,
        initial=0,
        required=False,
    )
    # Bot friction (groundswell.core.bot_friction): never an error; the view judges them.
    website = honeypot_field()
    issued = issued_field(form=EVENT_FORM)

    def __init__(self, *args: Any, consent_organizations: list[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _consent_fields(self, consent_organizations)

    def clean_name(self) -> str:
        return person_text_clean(self.cleaned_data["name"])

    def clean_guests(self) -> int:
        return self.cleaned_data["guests"] or 0


class WalkInForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=120, validators=[single_line_text, reject_markup]
    )
    email = forms.EmailField(label=_("E-mail (optional)"), max_length=254, required=False)

    def __init__(self, *args: Any, consent_organizations: list[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _consent_fields(self, consent_organizations)

    def clean_name(self) -> str:
        return person_text_clean(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if consented_organization_ids(self) and not cleaned.get("email"):
            raise ValidationError(_("Consent to be contacted needs an e-mail address."))
        return cleaned


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    """The editor. Times are typed as the clock on the wall at the place (in `time_zone`) and
    stored in UTC."""

    title = forms.CharField(
        label=_("Title"), max_length=200, validators=[single_line_text, reject_markup]
    )
    slug = forms.SlugField(label=_("Web address"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    description_markdown = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        validators=[multi_line_text],
        help_text=_("Markdown is supported."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="UTC",
        help_text=_("Of the place, like Europe/Madrid."),
        validators=[time_zone_known],
    )
    place_name = forms.CharField(
        label=_("Place"), max_length=200, required=False, validators=[single_line_text]
    )
    place_address = forms.CharField(
        label=_("Address"), max_length=300, required=False, validators=[single_line_text]
    )
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people whose RSVP is confirmed."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        required=False,
        help_text=_("Places, guests included. Empty: no limit."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    co_hosts = forms.ModelMultipleChoiceField(
        label=_("Co-hosts"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Partners of the campaign."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        campaigns: Any,
        co_host_choices: Any,
        co_hosts_ended: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:
        """`co_hosts_ended`: those of `co_host_choices` the event names already whose
        partnership ended (`events.selectors.event_co_hosts_ended`), marked so."""
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        co_hosts = self.fields["co_hosts"]
        co_hosts.queryset = co_host_choices  # type: ignore[attr-defined]
        ended = frozenset(co_hosts_ended)
        if ended:
            co_hosts.label_from_instance = lambda organization: (  # type: ignore[attr-defined]
                _("%(name)s (partnership ended)") % {"name": organization.name}
                if organization.pk in ended
                else organization.name
            )
            co_hosts.help_text = _(
                "Partners of the campaign. A co-host whose partnership ended stays until you "
                "untick it: it no longer runs the door nor writes to attendees, but still sees "
                "the RSVPs who agreed to hear from it."
            )

    def _local(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        zone = self.cleaned_data.get("time_zone")
        if not isinstance(value, datetime) or not zone:
            return None
        return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone))

    def clean_title(self) -> str:
        return person_text_clean(self.cleaned_data["title"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, ends_at = self._local("starts_at"), self._local("ends_at")
        if starts_at and ends_at:
            cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
            if ends_at <= starts_at:
                self.add_error("ends_at", _("The event must end after it starts."))
        return cleaned

    @staticmethod
    def initial_from(event: Any) -> dict[str, Any]:
        zone = event.zone
        return {
            "title": event.title,
            "slug": event.slug,
            "kind": event.kind,
            "description_markdown": event.description_markdown,
            "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None),
            "time_zone": event.time_zone,
            "place_name": event.place_name,
            "place_address": event.place_address,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "campaign": event.campaign_id,
            "co_hosts": [org.pk for org in event.co_hosts.all()],
        }


class EventDeliveryForm(forms.Form):
    delivery = forms.ModelChoiceField(
        label=_("The delivery this event made"), queryset=Delivery.objects.none(), required=False
    )

    def __init__(self, *args: Any, deliveries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = deliveries  # type: ignore[attr-defined]
