"""What happens to deliveries, for the apps above this one (groundswell.core.domain_events)."""

from dataclasses import dataclass

from groundswell.core.domain_events import DomainEvent


@dataclass(frozen=True)
class DeliveryRecorded:
    """A delivery of the signatures to the target was recorded, with its checkpoint."""

    delivery_id: int
    campaign_id: int


delivery_recorded = DomainEvent[DeliveryRecorded]("delivery_recorded")
