"""Moving a row (a campaign, an open letter) from one status to the next: each owner declares a
TRANSITIONS table, action -> (statuses it may start from, status it ends in), and moves only
through `status_transition`, one conditional UPDATE that a concurrent move cannot slip past."""

from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

Transitions = dict[str, tuple[frozenset[str], str]]


def transition_target(
    *, transitions: Transitions, action: str, unknown: Callable[[], Exception]
) -> str:
    """The status `action` ends in, or `unknown()` raised."""
    if action not in transitions:
        raise unknown()
    return transitions[action][1]


def status_transition(
    *,
    model: type[models.Model],
    pk: int,
    transitions: Transitions,
    action: str,
    unknown: Callable[[], Exception],
    refused: Callable[[], Exception],
) -> None:
    """Move row `pk` to the status `action` ends in, if it is in one the action starts from;
    else raise `unknown()` (no such action) or `refused()` (not from its current status)."""
    transition_target(transitions=transitions, action=action, unknown=unknown)
    allowed_from, new_status = transitions[action]
    with transaction.atomic():
        moved = model._default_manager.filter(pk=pk, status__in=allowed_from).update(
            status=new_status, updated_at=timezone.now()
        )
    if not moved:
        raise refused()


def actions_available(*, transitions: Transitions, status: str) -> list[str]:
    return [action for action, (starts, _end) in transitions.items() if status in starts]
