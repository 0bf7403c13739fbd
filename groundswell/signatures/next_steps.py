"""The step signatures offer after confirming: share (the buttons are on the same page)."""

from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.what_next import NextStep


def share_the_petition(campaign: Campaign, partner_id: int | None) -> NextStep:
    return NextStep(
        label=_("Share the petition"),
        url="#share-heading",
        description=_("Most signers come from a friend's message: send yours to three people."),
    )
