"""Organizers' translations of a petition's words, one per language (CampaignTranslation).

A translation replaces the title, the ask and the background shown to a visitor reading its
language; everything else (the target, the count, the form) is the page's own. It records the
text version it was made from, so a page can say when the original has moved on.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groundswell.campaigns.models import Campaign, CampaignTranslation
from groundswell.core.text import markdown_to_safe_html, multi_line_text, single_line_text


def translation_languages() -> list[tuple[str, str]]:
    """The languages a translation may be written in: the site's languages other than its
    default (LANGUAGE_CODE), the one organizers write originals in. A visitor reading the
    default costs no query for a translation."""
    return [
        (code, str(name)) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]


def campaign_translation_get(*, campaign: Campaign, language: str) -> CampaignTranslation | None:
    return CampaignTranslation.objects.filter(campaign=campaign, language=language).first()


def campaign_translation_save(
    *, campaign: Campaign, language: str, title: str, ask: str, background: str
) -> CampaignTranslation:
    """Create or replace the `language` translation, made from the current text version."""
    if language not in dict(translation_languages()):
        raise ValueError(f"not a site language: {language!r}")
    single_line_text(title)
    multi_line_text(ask)
    multi_line_text(background)
    with transaction.atomic():
        translation, _created = CampaignTranslation.objects.update_or_create(
            campaign=campaign,
            language=language,
            defaults={
                "title": title,
                "ask": ask,
                "background": background,
                "background_html": markdown_to_safe_html(background),
                "text_version": campaign.text_version,
            },
        )
        # Cached copies of the campaign (and of the e-mails built from it) are keyed on this.
        Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now())
    return translation


def campaign_translation_delete(*, campaign: Campaign, language: str) -> None:
    with transaction.atomic():
        CampaignTranslation.objects.filter(campaign=campaign, language=language).delete()
        Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now())


@dataclass(frozen=True)
class Translated:
    """A campaign as a visitor reading a language sees it, and the translation used, if any."""

    campaign: Campaign
    translation: CampaignTranslation | None

    @property
    def is_behind(self) -> bool:
        """The original text has a newer version than the one translated."""
        return (
            self.translation is not None
            and self.translation.text_version < self.campaign.text_version
        )


def campaign_in_language(*, campaign: Campaign, language: str | None) -> Translated:
    """`campaign` with its words in `language` when the organizers translated them (a copy: the
    original object, which caches may share, is left alone); else the original."""
    wanted = language in dict(translation_languages())
    translation = (
        campaign_translation_get(campaign=campaign, language=language or "") if wanted else None
    )
    if translation is None:
        return Translated(campaign=campaign, translation=None)
    return Translated(campaign=_translated_copy(campaign, translation), translation=translation)


def campaigns_in_language(*, campaigns: Sequence[Campaign], language: str | None) -> list[Campaign]:
    """Each of `campaigns`, in order, as campaign_in_language shows it, with one query for all
    their translations (none for a reader of the default language): for pages that list many."""
    if language not in dict(translation_languages()) or not campaigns:
        return list(campaigns)
    translations = {
        translation.campaign_id: translation
        for translation in CampaignTranslation.objects.filter(
            campaign__in=[campaign.pk for campaign in campaigns], language=language
        )
    }
    return [
        _translated_copy(campaign, translations[campaign.pk])
        if campaign.pk in translations
        else campaign
        for campaign in campaigns
    ]


def _translated_copy(campaign: Campaign, translation: CampaignTranslation) -> Campaign:
    shown = copy.copy(campaign)
    shown.title = translation.title
    shown.ask = translation.ask
    shown.background_html = translation.background_html
    return shown
