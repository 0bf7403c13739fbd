"""Text versions of petitions: once anyone has signed, the text is never silently changed.

While nobody has signed, an edit changes the current version in place. After the first
signature (confirmed or not: a pending signer read that text too), an edit needs a change note
and adds a version, so the people who signed keep the text they signed. Open letters follow the
same rule in `groundswell.letters.services.letters.letter_text_update`.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.campaigns.models import Campaign, CampaignVersion
from groundswell.core.text import markdown_to_safe_html

VERSIONED_FIELDS = ("ask", "background")


class TextVersionError(Exception):
    """The text cannot be changed like this; the message is safe to show to the organizer."""


def change_note_required_message() -> str:
    return _(
        "People have already signed this text. Describe what changed and why: the note is "
        "shown publicly with the new version."
    )


def campaign_current_version(*, campaign: Campaign) -> CampaignVersion:
    """The newest version, creating version 1 from the campaign's text if there is none yet.

    Callers that record which text was signed must call this before any edit of the text, which
    campaign_text_update guarantees by calling it first.
    """
    version = CampaignVersion.objects.filter(campaign=campaign).order_by("-number").first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return CampaignVersion.objects.create(
                campaign=campaign,
                number=1,
                ask=campaign.ask,
                background=campaign.background,
                background_html=campaign.background_html,
            )
    except IntegrityError:  # another request created it first
        return CampaignVersion.objects.filter(campaign=campaign).order_by("-number").first()


def campaign_versions_public(*, campaign: Campaign) -> list[CampaignVersion]:
    """Every version, newest first; without writing, so a page view never creates rows."""
    versions = list(CampaignVersion.objects.filter(campaign=campaign).order_by("-number"))
    if versions:
        return versions
    return [
        CampaignVersion(
            campaign=campaign,
            number=1,
            ask=campaign.ask,
            background=campaign.background,
            background_html=campaign.background_html,
            created_at=campaign.created_at,
        )
    ]


def campaign_text_update(
    *,
    campaign: Campaign,
    ask: str,
    background: str,
    change_note: str = "",
    has_signers: Callable[[Campaign], bool],
) -> CampaignVersion:
    """Change the ask and background; a new version once anyone has signed. Returns the current.

    `has_signers` answers, with the campaign row locked, whether anyone has signed: signatures
    live in a layer above this one, which passes it (groundswell.signatures.services.texts).
    Raises TextVersionError when a change note is needed and missing, and ValidationError for
    text the Campaign model refuses.
    """
    change_note = change_note.strip()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        current = campaign_current_version(campaign=locked)
        if locked.ask == ask and locked.background == background:
            return current
        locked.ask, locked.background = ask, background
        locked.background_html = markdown_to_safe_html(background)
        locked.clean_fields(
            exclude=[f.name for f in Campaign._meta.fields if f.name not in VERSIONED_FIELDS]
        )
        if has_signers(locked):
            if not change_note:
                raise TextVersionError(change_note_required_message())
            version = CampaignVersion(
                campaign=locked,
                number=current.number + 1,
                ask=ask,
                background=background,
                background_html=locked.background_html,
                change_note=change_note,
            )
            version.full_clean(exclude=["campaign"])
            version.save()
        else:
            version = current
            version.ask, version.background = ask, background
            version.background_html = locked.background_html
            if change_note:
                version.change_note = change_note
            version.save(update_fields=["ask", "background", "background_html", "change_note"])
        Campaign.objects.filter(pk=locked.pk).update(
            ask=ask,
            background=background,
            background_html=locked.background_html,
            text_version=version.number,
            updated_at=timezone.now(),
        )
    campaign.ask, campaign.background = ask, background
    campaign.background_html = locked.background_html
    campaign.text_version = version.number
    return version
