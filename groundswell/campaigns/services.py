"""Creating, editing and moving campaigns between states; each transition lives here once."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.campaigns.versions import campaign_text_update
from groundswell.campaigns.what_next import what_next_keys
from groundswell.core.text import markdown_to_safe_html
from groundswell.core.transitions import Transitions, actions_available, status_transition

EDITABLE_FIELDS = (
    "title", "slug", "ask", "background", "target_name", "target_title", "target_organization",
    "goal", "opens_at", "closes_at",
)  # fmt: skip

# Changed only through campaign_text_update, which keeps the versions signers signed.
TEXT_FIELDS = ("ask", "background")

# Which status each transition may start from, and the one it ends in.
TRANSITIONS: Transitions = {
    "publish": (frozenset({CampaignStatus.DRAFT}), CampaignStatus.OPEN),
    "close": (frozenset({CampaignStatus.OPEN}), CampaignStatus.CLOSED),
    "reopen": (frozenset({CampaignStatus.CLOSED}), CampaignStatus.OPEN),
    "mark_delivered": (
        frozenset({CampaignStatus.OPEN, CampaignStatus.CLOSED}),
        CampaignStatus.DELIVERED,
    ),
    "mark_won": (
        frozenset({CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.DELIVERED}),
        CampaignStatus.WON,
    ),
    "mark_lost": (
        frozenset({CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.DELIVERED}),
        CampaignStatus.LOST,
    ),
}


class CampaignTransitionError(Exception):
    pass


def slug_locked_message() -> str:
    return _(
        "The web address cannot change once the campaign is published: every link already "
        "e-mailed or shared would break."
    )


def campaign_create(*, organization: Organization, data: dict[str, Any]) -> Campaign:
    campaign = Campaign(organization=organization, status=CampaignStatus.DRAFT)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(campaign, field, data[field])
    campaign.background_html = markdown_to_safe_html(campaign.background)
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_update(
    *,
    campaign: Campaign,
    data: dict[str, Any],
    change_note: str = "",
    has_signers: Callable[[Campaign], bool],
) -> Campaign:
    """Edit a campaign. The ask and background go through `campaign_text_update`: once anyone
    has signed (`has_signers`, see there), changing them needs a change note and creates a new
    public version.

    Only the edited columns are written, never the counters that signing changes meanwhile.
    The web address of a published campaign never changes (ValidationError on "slug").
    """
    with transaction.atomic():
        stored = Campaign.objects.select_for_update().values("slug", "status").get(pk=campaign.pk)
        if data.get("slug", stored["slug"]) != stored["slug"] and (
            stored["status"] != CampaignStatus.DRAFT
        ):
            raise ValidationError({"slug": [slug_locked_message()]})
        campaign_text_update(
            campaign=campaign,
            ask=data.get("ask", campaign.ask),
            background=data.get("background", campaign.background),
            change_note=change_note,
            has_signers=has_signers,
        )
        other_fields = [f for f in EDITABLE_FIELDS if f in data and f not in TEXT_FIELDS]
        for field in other_fields:
            setattr(campaign, field, data[field])
        campaign.full_clean()
        campaign.save(update_fields=[*other_fields, "updated_at"])
    return campaign


def campaign_transition(*, campaign: Campaign, action: str) -> Campaign:
    """Move a campaign to its next status, refusing a move its current status does not allow."""
    status_transition(
        model=Campaign,
        pk=campaign.pk,
        transitions=TRANSITIONS,
        action=action,
        unknown=lambda: CampaignTransitionError(_("Unknown action.")),
        refused=lambda: CampaignTransitionError(
            _("A %(status)s campaign cannot do that.") % {"status": campaign.get_status_display()}
        ),
    )
    campaign.refresh_from_db()
    return campaign


def campaign_available_actions(*, campaign: Campaign) -> list[str]:
    return actions_available(transitions=TRANSITIONS, status=campaign.status)


def campaign_what_next_set(*, campaign: Campaign, keys: list[str]) -> Campaign:
    """Choose the next steps offered after confirming; unknown keys are refused."""
    unknown = sorted(set(keys) - what_next_keys())
    if unknown:
        raise ValidationError(
            {"what_next": [_("Unknown next step: %(keys)s") % {"keys": ", ".join(unknown)}]}
        )
    campaign.what_next = [key for key in dict.fromkeys(keys)]
    campaign.save(update_fields=["what_next", "updated_at"])
    return campaign
