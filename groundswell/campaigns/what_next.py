"""What a signer is offered to do next, on the page after confirming: sign the campaign's open
letter, RSVP to its rally, share, follow a partner.

Apps register the steps they can offer from their `AppConfig.ready()` with
`what_next_register(key, label, provider)`; the provider gets the campaign and the partner who
brought the signer (its id, or None) and gives a `NextStep`, or None when it has nothing to offer
for them (no open letter, no partner with a web site). Organizers choose per campaign which keys
are shown (`Campaign.what_next`; None: every step that applies). The registry lives here, below
every app that offers a step (letters may not import signatures), and the confirmed page
(signatures) reads it.

`what_next_wiring()` lists the wiring, for `tests/sharing/test_what_next.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise

from groundswell.campaigns.models import Campaign


class WhatNextError(RuntimeError):
    """A step registered against the rules: a bug, never bad input."""


@dataclass(frozen=True)
class NextStep:
    label: str | Promise
    # An address to follow ("" for a step shown on the page itself, such as sharing).
    url: str = ""
    description: str | Promise = ""


Provider = Callable[[Campaign, int | None], NextStep | None]


@dataclass(frozen=True)
class WhatNextOption:
    key: str
    label: str | Promise
    provider: Provider
    order: int


_options: list[WhatNextOption] = []


def what_next_register(
    key: str, label: str | Promise, provider: Provider, *, order: int = 100
) -> None:
    """Offer the step `key` (`label` is what organizers choose it by); lower `order` first."""
    if not apps.models_ready or apps.ready:
        raise WhatNextError(f"register the next step {key} from an AppConfig.ready()")
    if any(option.key == key for option in _options):
        raise WhatNextError(f"a next step is already named {key}")
    _options.append(WhatNextOption(key=key, label=label, provider=provider, order=order))
    _options.sort(key=lambda option: option.order)


def what_next_choices() -> list[tuple[str, str | Promise]]:
    """(key, label) of every step, for the organizers' form."""
    return [(option.key, option.label) for option in _options]


def what_next_keys() -> frozenset[str]:
    return frozenset(option.key for option in _options)


def what_next_steps(*, campaign: Campaign, partner_id: int | None) -> list[tuple[str, NextStep]]:
    """The steps this signer is offered, by order, as (key, step)."""
    chosen = campaign.what_next
    steps = []
    for option in _options:
        if chosen is not None and option.key not in chosen:
            continue
        step = option.provider(campaign, partner_id)
        if step is not None:
            steps.append((option.key, step))
    return steps


def what_next_wiring() -> list[str]:
    return [
        f"{option.key}: {option.provider.__module__}.{option.provider.__qualname__}"
        for option in _options
    ]
