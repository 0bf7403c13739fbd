"""What happens to campaigns, for the apps above this one (see groundswell.core.domain_events).

Subscribers are listed in docs/architecture.md and by tests/test_domain_events.py.
"""

from dataclasses import dataclass

from groundswell.core.domain_events import DomainEvent


@dataclass(frozen=True)
class TargetResponded:
    """Organizers recorded a response of the campaign's target (after commit: a new row)."""

    response_id: int
    campaign_id: int
    stance: str


# The updates app may turn it into a draft update to signers.
target_responded = DomainEvent[TargetResponded]("target_responded")
