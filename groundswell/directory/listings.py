"""The directory's own providers: petitions (open, won, closed), open letters and upcoming
events.

Petitions and letters are listed, and searched, by the organizers' translated titles in the
language the page is served in (the page cache keys on it), with one query per kind for every
translation."""

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import CampaignStatus
from groundswell.campaigns.selectors import campaigns_public_search
from groundswell.campaigns.translations import campaigns_in_language
from groundswell.core.templatetags.numbers import number_display
from groundswell.directory.providers import PROVIDER_LIMIT, DirectoryEntry
from groundswell.events.selectors import events_public_upcoming_search
from groundswell.events.services.notices import event_when
from groundswell.letters.selectors import letters_public_open_search
from groundswell.letters.translations import letters_in_language


def petitions(query: str) -> list[DirectoryEntry]:
    # The count is the published column signatures writes (what the petition page shows).
    language = get_language()
    return [
        DirectoryEntry(
            kind="petition",
            kind_label=_("Petition"),
            title=campaign.title,
            target=campaign.target_line,
            host=campaign.organization.name,
            status=campaign.status,
            status_label=campaign.get_status_display(),
            url=campaign.get_absolute_url(),
            count=campaign.signature_count,
            count_label=ngettext(
                "%(count)s signature", "%(count)s signatures", campaign.signature_count
            )
            % {"count": number_display(campaign.signature_count)},
            is_open=campaign.status == CampaignStatus.OPEN,
        )
        for campaign in campaigns_in_language(
            campaigns=list(
                campaigns_public_search(query=query, limit=PROVIDER_LIMIT, language=language)
            ),
            language=language,
        )
    ]


def letters_open(query: str) -> list[DirectoryEntry]:
    language = get_language()
    return [
        DirectoryEntry(
            kind="letter",
            kind_label=_("Open letter"),
            title=letter.title,
            target=letter.addressee,
            host=letter.organization.name,
            status=letter.status,
            status_label=letter.get_status_display(),
            url=letter.get_absolute_url(),
            count=letter.signatory_count,
            count_label=ngettext(
                "%(count)s signatory", "%(count)s signatories", letter.signatory_count
            )
            % {"count": number_display(letter.signatory_count)},
            is_open=True,
        )
        for letter in letters_in_language(
            letters=list(
                letters_public_open_search(query=query, limit=PROVIDER_LIMIT, language=language)
            ),
            language=language,
        )
    ]


def events_upcoming(query: str) -> list[DirectoryEntry]:
    """Published events still to come, whose title or place matches."""
    return [
        DirectoryEntry(
            kind="event",
            kind_label=event.get_kind_display(),
            title=event.title,
            target="",
            host=event.organization.name,
            status=event.status,
            status_label=_("Upcoming"),
            url=event.get_absolute_url(),
            count=event.places_taken,
            count_label=ngettext("%(count)s coming", "%(count)s coming", event.places_taken)
            % {"count": number_display(event.places_taken)},
            is_open=True,
            details=" · ".join(part for part in (event_when(event), event.place_name) if part),
        )
        for event in events_public_upcoming_search(query=query, limit=PROVIDER_LIMIT)
    ]
