"""What each consequential back-office action does, in words, for its confirmation page.

An action that cannot be undone (or undone only by hand) is not a bare button: its button opens
a server-rendered page, which works without JavaScript, naming exactly what will happen; only
that page's form does it (a POST). Nothing here decides or changes anything.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groundswell.core.templatetags.numbers import number_display


@dataclass(frozen=True)
class Confirmation:
    title: str
    button: str
    consequences: list[str] = field(default_factory=list)
    irreversible: bool = True
    # The back link's words, when "Cancel, change nothing" would read oddly next to the button.
    keep: str = ""


def campaign_action_confirmation(*, action: str, title: str) -> Confirmation | None:
    """The confirmation of a campaign's status change, or None for one that needs none."""
    ends = _("Signing stops for good: the petition page stays public with its final count.")
    never = _("This cannot be undone.")
    known = {
        "close": Confirmation(
            title=_("Close signing of “%(title)s”?") % {"title": title},
            button=_("Close signing"),
            consequences=[
                _("The petition takes no new signatures; its page stays public with its count."),
                _("You can reopen signing later."),
            ],
            irreversible=False,
        ),
        "reopen": Confirmation(
            title=_("Reopen signing of “%(title)s”?") % {"title": title},
            button=_("Reopen signing"),
            consequences=[_("The petition takes signatures again.")],
            irreversible=False,
        ),
        "mark_delivered": Confirmation(
            title=_("Mark “%(title)s” delivered?") % {"title": title},
            button=_("Mark delivered"),
            consequences=[ends, _("The page says the petition was delivered."), never],
        ),
        "mark_won": Confirmation(
            title=_("Mark “%(title)s” won?") % {"title": title},
            button=_("Mark won"),
            consequences=[ends, _("The page says the campaign was won."), never],
        ),
        "mark_lost": Confirmation(
            title=_("Mark “%(title)s” lost?") % {"title": title},
            button=_("Mark lost"),
            consequences=[ends, _("The page says the campaign was lost."), never],
        ),
    }
    return known.get(action)


def partner_removal_confirmation(*, partner_name: str, campaign_title: str) -> Confirmation:
    return Confirmation(
        title=_("Remove %(partner)s from “%(title)s”?")
        % {"partner": partner_name, "title": campaign_title},
        button=_("Remove the partner"),
        consequences=[
            _("%(partner)s is no longer shown as a co-sponsor, and its links stop crediting it.")
            % {"partner": partner_name},
            _("The signatures it brought stay counted."),
            _("To bring it back, invite it again."),
        ],
    )


def letter_action_confirmation(*, action: str, title: str) -> Confirmation | None:
    """The confirmation of an open letter's status change, or None for one that needs none."""
    known = {
        "close": Confirmation(
            title=_("Close signing of “%(title)s”?") % {"title": title},
            button=_("Close signing"),
            consequences=[
                _("The letter takes no new signatures; its page stays public with its list."),
                _("You can reopen signing later."),
            ],
            irreversible=False,
        ),
        "reopen": Confirmation(
            title=_("Reopen signing of “%(title)s”?") % {"title": title},
            button=_("Reopen signing"),
            consequences=[_("The letter takes signatures again.")],
            irreversible=False,
        ),
        "mark_delivered": Confirmation(
            title=_("Mark “%(title)s” delivered?") % {"title": title},
            button=_("Mark delivered"),
            consequences=[
                _("Signing stops for good: the letter's page stays public with its list."),
                _("The page says the letter was delivered."),
                _("This cannot be undone."),
            ],
        ),
    }
    return known.get(action)


def target_response_deletion_confirmation(
    *, responder_name: str, responded_at: datetime
) -> Confirmation:
    return Confirmation(
        title=_("Delete the response of %(name)s?") % {"name": responder_name},
        button=_("Delete the response"),
        consequences=[
            _(
                "The response of %(name)s of %(date)s is removed from the petition page, "
                "its timeline and its data."
            )
            % {
                "name": responder_name,
                "date": date_format(timezone.localtime(responded_at), "DATE_FORMAT"),
            },
            _("Updates already written or sent about it are not changed."),
            _("This cannot be undone: to show it again, record it again."),
        ],
    )


def update_send_confirmation(*, subject: str, recipient_count: int) -> Confirmation:
    return Confirmation(
        title=_("Send “%(subject)s” now?") % {"subject": subject},
        button=_("Send now"),
        consequences=[
            ngettext(
                "It goes to the %(count)s person in its audience now, less any address that "
                "unsubscribed or bounced.",
                "It goes to the %(count)s people in its audience now, less any address that "
                "unsubscribed or bounced.",
                recipient_count,
            )
            % {"count": number_display(recipient_count)},
            _("An e-mail once sent cannot be recalled: cancelling stops only what is not sent."),
        ],
    )


def update_cancel_confirmation(*, subject: str, sending: bool) -> Confirmation:
    if sending:
        stops = _("Sending stops after the batch in hand; what was already sent stays sent.")
    else:
        stops = _("It will never be sent.")
    return Confirmation(
        title=_("Cancel “%(subject)s”?") % {"subject": subject},
        button=_("Cancel the update"),
        consequences=[
            stops,
            _("A cancelled update cannot be resumed: to send it after all, write a new one."),
        ],
        keep=_("Keep the update"),
    )
