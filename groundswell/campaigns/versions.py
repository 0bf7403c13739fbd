"""Text versions of petitions: once anyone has signed, the text is never silently changed (the
rule, shared with open letters, is groundswell.core.text_versions)."""

from collections.abc import Callable
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from groundswell.campaigns.models import Campaign, CampaignVersion
from groundswell.core.text import markdown_to_safe_html
from groundswell.core.text_versions import text_version_next

VERSIONED_FIELDS = ("ask", "background")


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
        return cast(
            CampaignVersion,
            CampaignVersion.objects.filter(campaign=campaign).order_by("-number").first(),
        )


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
        version = text_version_next(
            owner=locked,
            current=current,
            texts={"ask": ask, "background": background, "background_html": locked.background_html},
            has_signers=has_signers(locked),
            change_note=change_note,
        )
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
