"""Hard bounces and complaints, from mail providers' tracking webhooks (django-anymail, which
checks each webhook's signature or basic authentication and normalizes its events)."""

import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.db import IntegrityError, transaction

from groundswell.updates.addresses import address_hash
from groundswell.updates.models import Suppression, SuppressionReason

logger = logging.getLogger(__name__)


def suppression_reason(event: AnymailTrackingEvent) -> str | None:
    """Why the event's address must not be mailed again, or None. anymail's `bounced` is a
    permanent failure (a temporary one is `deferred`); `complained`: marked as spam."""
    if event.event_type == "bounced":
        return SuppressionReason.HARD_BOUNCE
    if event.event_type == "complained":
        return SuppressionReason.COMPLAINT
    return None


def suppression_record(*, address: str, reason: str, provider_event_id: str = "") -> Suppression:
    """Idempotent: a provider retrying its webhook, or a second bounce, keeps the first record."""
    key = address_hash(address)
    try:
        with transaction.atomic():
            suppression, _created = Suppression.objects.get_or_create(
                address_hash=key,
                defaults={"reason": reason, "provider_event_id": provider_event_id[:200]},
            )
    except IntegrityError:
        suppression = Suppression.objects.get(address_hash=key)
    return suppression


def tracking_event_received(
    sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    reason = suppression_reason(event)
    if reason is None or not event.recipient:
        return
    suppression_record(
        address=event.recipient, reason=reason, provider_event_id=str(event.event_id or "")
    )
    # The address stays out of the log.
    logger.info("suppression recorded from %s: %s", esp_name, reason)


def subscribe() -> None:
    tracking.connect(tracking_event_received, dispatch_uid="groundswell.updates.suppressions")
