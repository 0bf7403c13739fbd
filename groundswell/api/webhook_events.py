"""The events an organization may subscribe its webhooks to, and what each payload holds for
each receiving organization: only what that organization may see. A partner gets a signer's
contact details only if the signer confirmed consent to it; the host only with consent to the
host (its name always, as in its export); others get identifiers and counts.

Subscribed to the lower apps' domain events in `subscribe()` (ApiConfig.ready()). Events that
other apps will publish (rsvp.created, target.responded) are listed; their subscription line is
added beside the others when the event exists.
"""

from groundswell.api.webhooks import webhook_deliveries_enqueue, webhooks_wanted
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.core.domain_events import Phase
from groundswell.delivery.events import DeliveryRecorded, delivery_recorded
from groundswell.delivery.models import Delivery
from groundswell.signatures.events import (
    SignatureConfirmed,
    SignatureRemoved,
    signature_confirmed,
    signature_withdrawn,
)
from groundswell.signatures.models import Consent, Signature


def _organizations(campaign: Campaign) -> list[int]:
    """The host and every partner (removed ones too: they keep seeing what they brought)."""
    partners = Partner.objects.filter(campaign=campaign).values_list("organization_id", flat=True)
    return [campaign.organization_id, *partners]


def _petition(campaign: Campaign) -> dict[str, object]:
    return {
        "identifiers": [f"groundswell:{campaign.slug}"],
        "title": campaign.title,
        "total_signatures": campaign.signature_count,
    }


def signature_confirmed_webhooks(event: SignatureConfirmed) -> None:
    if not webhooks_wanted():
        return
    signature = Signature.objects.select_related("campaign").filter(pk=event.signature_id).first()
    if signature is None:
        return
    campaign = signature.campaign
    consented = set(
        Consent.objects.filter(signature=signature, confirmed_at__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    payloads = {}
    for organization_id in _organizations(campaign):
        data: dict[str, object] = {"petition": _petition(campaign)}
        is_host = organization_id == campaign.organization_id
        if is_host or organization_id in consented:
            contact = organization_id in consented
            given, _space, family = signature.name.partition(" ")
            data["signature"] = {
                "identifiers": [f"groundswell:{signature.public_id}"],
                "channel": signature.channel,
                "confirmed_by": signature.confirmed_by,
                "person": {
                    "given_name": given,
                    "family_name": family,
                    "email_addresses": [{"address": signature.email}] if contact else [],
                    "postal_addresses": [
                        {
                            "postal_code": signature.postal_code if contact else "",
                            "country": str(signature.country),
                        }
                    ],
                },
            }
        payloads[organization_id] = data
    webhook_deliveries_enqueue(
        event_type="signature.confirmed", payloads=payloads, signature_id=signature.pk
    )


def signature_withdrawn_webhooks(event: SignatureRemoved) -> None:
    if not webhooks_wanted():
        return
    campaign = Campaign.objects.filter(pk=event.campaign_id).first()
    if campaign is None or not event.was_confirmed:
        return
    payloads: dict[int, dict[str, object]] = {}
    for organization_id in _organizations(campaign):
        data: dict[str, object] = {"petition": _petition(campaign)}
        if organization_id == campaign.organization_id:
            data["signature"] = {"identifiers": [f"groundswell:{event.public_id}"]}
        payloads[organization_id] = data
    webhook_deliveries_enqueue(event_type="signature.withdrawn", payloads=payloads)


def delivery_recorded_webhooks(event: DeliveryRecorded) -> None:
    if not webhooks_wanted():
        return
    delivery = Delivery.objects.select_related("campaign").filter(pk=event.delivery_id).first()
    if delivery is None:
        return
    campaign = delivery.campaign
    payloads: dict[int, dict[str, object]] = {}
    for organization_id in _organizations(campaign):
        shown = delivery.is_public or organization_id == campaign.organization_id
        payloads[organization_id] = {
            "petition": _petition(campaign),
            "delivery": {
                "delivered_at": delivery.delivered_at.isoformat(),
                **({"place": delivery.place, "received_by": delivery.received_by} if shown else {}),
            },
        }
    webhook_deliveries_enqueue(event_type="delivery.recorded", payloads=payloads)


def subscribe() -> None:
    signature_confirmed.subscribe(signature_confirmed_webhooks, phase=Phase.AFTER_COMMIT)
    signature_withdrawn.subscribe(signature_withdrawn_webhooks, phase=Phase.AFTER_COMMIT)
    delivery_recorded.subscribe(delivery_recorded_webhooks, phase=Phase.AFTER_COMMIT)
    # At merge: rsvp_created (events app) and target_responded (campaigns/updates) subscribe
    # here the same way, building their payloads with what the receiver may see.
