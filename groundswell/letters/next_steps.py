"""The step letters offer a petition's signers after they confirm: sign the campaign's open
letter (registered in LettersConfig.ready(); see groundswell.campaigns.what_next)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.what_next import NextStep
from groundswell.core.process_cache import process_cached
from groundswell.letters.models import Letter, LetterStatus


def sign_the_letter(campaign: Campaign, partner_id: int | None) -> NextStep | None:
    """The campaign's newest open letter, if it has one."""
    found = process_cached(
        ("campaign-open-letter", campaign.pk),
        settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
        lambda: (
            Letter.objects.filter(campaign=campaign, status=LetterStatus.OPEN)
            .order_by("-created_at")
            .values_list("slug", "title")
            .first()
        ),
    )
    if found is None:
        return None
    slug, title = found
    return NextStep(
        label=_("Sign the open letter"),
        url=Letter(slug=slug).get_absolute_url(),
        description=title,
    )
