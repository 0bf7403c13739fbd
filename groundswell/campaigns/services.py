"""Creating, editing and moving campaigns between states; each transition lives here once."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import (
    OUTCOME_STATUSES,
    Campaign,
    CampaignStatus,
    TimelineKind,
)
from groundswell.campaigns.timeline import timeline_entry_add
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
    """Move a campaign to its next status, refusing a move its current status does not allow,
    and add the step to its public timeline.

    Publishing refuses a closing time already past: the campaign would open closed."""
    now = timezone.now()
    with transaction.atomic():
        if action == "publish":
            closes_at = Campaign.objects.values_list("closes_at", flat=True).get(pk=campaign.pk)
            if closes_at is not None and closes_at <= now:
                raise CampaignTransitionError(
                    _(
                        "The closing date is in the past. Change or clear it before publishing: "
                        "the campaign would open already closed."
                    )
                )
        status_transition(
            model=Campaign,
            pk=campaign.pk,
            transitions=TRANSITIONS,
            action=action,
            unknown=lambda: CampaignTransitionError(_("Unknown action.")),
            refused=lambda: CampaignTransitionError(
                _("A %(status)s campaign cannot do that.")
                % {"status": campaign.get_status_display()}
            ),
        )
        campaign.refresh_from_db()
        _timeline_status_step(campaign=campaign, at=now)
    return campaign


def status_step_key(status: str, at: datetime) -> str:
    """A status entry's key: each move happens once (a conditional UPDATE), at one time."""
    return f"{status}:{at:%Y%m%d%H%M%S}"


def _timeline_status_step(*, campaign: Campaign, at: datetime) -> None:
    if campaign.status == CampaignStatus.OPEN:
        # Launched once; a reopening after a close is a step of its own.
        launched = timeline_entry_add(campaign=campaign, kind=TimelineKind.LAUNCHED, at=at)
        if launched.at == at:
            return
    if campaign.status == CampaignStatus.DELIVERED:
        return  # the delivery app adds each delivery itself
    timeline_entry_add(
        campaign=campaign,
        kind=TimelineKind.STATUS,
        key=status_step_key(campaign.status, at),
        at=at,
    )


def campaign_outcome_set(*, campaign: Campaign, outcome: str, note: str) -> Campaign:
    """Mark a campaign won or lost with the organizers' note on what happened (ValidationError
    or CampaignTransitionError: nothing changed). A won campaign may correct its note later."""
    if outcome not in OUTCOME_STATUSES:
        raise CampaignTransitionError(_("Choose whether the campaign was won or lost."))
    campaign.outcome_note = note
    campaign.full_clean(exclude=[f for f in _all_fields() if f != "outcome_note"])
    with transaction.atomic():
        if campaign.status != outcome:
            campaign_transition(campaign=campaign, action=f"mark_{outcome}")
        Campaign.objects.filter(pk=campaign.pk).update(outcome_note=note, updated_at=timezone.now())
    campaign.refresh_from_db()
    return campaign


def _all_fields() -> list[str]:
    return [field.name for field in Campaign._meta.get_fields() if field.concrete]


def campaign_close_if_due(*, campaign_id: int, now: datetime | None = None) -> bool:
    """Close an open campaign whose closing time has passed; False if it was not due (or was
    closed meanwhile). Safe to call from several processes: the move is one conditional UPDATE."""
    now = now or timezone.now()
    campaign = Campaign.objects.filter(
        pk=campaign_id, status=CampaignStatus.OPEN, closes_at__lte=now
    ).first()
    if campaign is None:
        return False
    try:
        with transaction.atomic():
            status_transition(
                model=Campaign,
                pk=campaign.pk,
                transitions=TRANSITIONS,
                action="close",
                unknown=lambda: CampaignTransitionError("close"),
                refused=lambda: CampaignTransitionError("closed meanwhile"),
            )
            # The story says when signing stopped, not when the sweep noticed.
            closed_at = campaign.closes_at or now
            timeline_entry_add(
                campaign=campaign,
                kind=TimelineKind.STATUS,
                key=status_step_key(CampaignStatus.CLOSED, closed_at),
                at=closed_at,
            )
    except CampaignTransitionError:
        return False
    return True


def campaigns_close_due(*, now: datetime | None = None) -> int:
    """Close every open campaign past its closing time; returns how many this call closed.

    It only queries, so it is idempotent and a restart loses nothing: the next run finds what
    the last one missed. `groundswell beat` starts it every CAMPAIGNS_CLOSE_SECONDS."""
    now = now or timezone.now()
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(
        1 for campaign_id in list(due) if campaign_close_if_due(campaign_id=campaign_id, now=now)
    )


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
