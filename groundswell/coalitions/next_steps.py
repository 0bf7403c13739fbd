"""The step coalitions offer a petition's signers after they confirm: follow the partner who
brought them, or the host (registered in CoalitionsConfig.ready(); see
groundswell.campaigns.what_next)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.what_next import NextStep
from groundswell.coalitions.models import Partner
from groundswell.core.process_cache import process_cached

LABEL = gettext_lazy("Follow a partner")


def follow_a_partner(campaign: Campaign, partner_id: int | None) -> NextStep | None:
    """The web site of the partner who brought the signer, else the host's; None without one."""
    name, website = campaign.organization.name, campaign.organization.website
    if partner_id is not None:
        found = process_cached(
            ("partner-website", partner_id),
            settings.SIGNING_CAMPAIGN_CACHE_SECONDS,
            lambda: (
                Partner.objects.filter(pk=partner_id, campaign=campaign)
                .values_list("organization__name", "organization__website")
                .first()
            ),
        )
        if found is not None and found[1]:
            name, website = found
    if not website:
        return None
    return NextStep(
        label=_("Follow %(name)s") % {"name": name},
        url=website,
        description=_("Hear about what comes next from the people who run this campaign."),
    )
