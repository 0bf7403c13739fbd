"""The directory's own providers: petitions (open, won, closed) and open letters."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groundswell.campaigns.models import CampaignStatus
from groundswell.campaigns.selectors import campaigns_public_search
from groundswell.core.templatetags.numbers import number_display
from groundswell.directory.providers import PROVIDER_LIMIT, DirectoryEntry
from groundswell.letters.selectors import letters_public_open_search


def petitions(query: str) -> list[DirectoryEntry]:
    # The count is the published column signatures writes (what the petition page shows).
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
        for campaign in campaigns_public_search(query=query, limit=PROVIDER_LIMIT)
    ]


def letters_open(query: str) -> list[DirectoryEntry]:
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
        for letter in letters_public_open_search(query=query, limit=PROVIDER_LIMIT)
    ]
