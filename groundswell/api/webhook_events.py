"""The events an organization may subscribe its webhooks to, and what each payload holds for
each receiving organization: only what that organization may see. A partner gets a signer's
contact details only if the signer confirmed consent to it; the host only with consent to the
host (its name always, as in its export); others get identifiers and counts.

Subscribed to the lower apps' domain events in `subscribe()` (ApiConfig.ready()).

`rsvp.created` carries the RSVP's identifier, status and guests, never the person's name or
address: they RSVP before confirming anything from their inbox, so no organization has their
consent yet (the event's RSVP export lists those who later confirmed it). It goes to the host
and to the co-hosts acting in the event's name; a co-host the host removed from the campaign's
partners keeps only the RSVPs its export shows it (`events.selectors.rsvp_co_hosts_told`).
`target.responded` carries what the petition page shows anyway.
"""

from groundswell.api.webhooks import webhook_deliveries_enqueue, webhooks_wanted
from groundswell.campaigns.events import TargetResponded, target_responded
from groundswell.campaigns.models import Campaign, TargetResponse
from groundswell.coalitions.models import Partner
from groundswell.core.domain_events import Phase
from groundswell.delivery.events import DeliveryRecorded, delivery_recorded
from groundswell.delivery.models import Delivery
from groundswell.events.domain import RsvpCreated, rsvp_created
from groundswell.events.models import Rsvp
from groundswell.events.selectors import rsvp_co_hosts_told
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


def rsvp_created_webhooks(event: RsvpCreated) -> None:
    if not webhooks_wanted():
        return
    rsvp = Rsvp.objects.select_related("event").filter(pk=event.rsvp_id).first()
    if rsvp is None:
        return
    happening = rsvp.event
    organizations = [happening.organization_id, *rsvp_co_hosts_told(rsvp=rsvp)]
    payload: dict[str, object] = {
        "event": {
            "identifiers": [f"groundswell:{happening.slug}"],
            "title": happening.title,
            "start_date": happening.starts_at.isoformat(),
            "capacity": happening.capacity,
        },
        "attendance": {
            "identifiers": [f"groundswell:rsvp:{rsvp.pk}"],
            "status": rsvp.status,
            "guests": rsvp.guests,
            "walk_in": rsvp.walk_in,
        },
    }
    webhook_deliveries_enqueue(
        event_type="rsvp.created", payloads=dict.fromkeys(organizations, payload)
    )


def target_responded_webhooks(event: TargetResponded) -> None:
    if not webhooks_wanted():
        return
    response = (
        TargetResponse.objects.select_related("campaign").filter(pk=event.response_id).first()
    )
    if response is None:
        return
    campaign = response.campaign
    payload: dict[str, object] = {
        "petition": _petition(campaign),
        "response": {
            "name": response.responder_name,
            "title": response.responder_title,
            "responded_at": response.responded_at.isoformat(),
            "quote": response.quote,
            "source_url": response.source_url,
            "stance": response.stance,
        },
    }
    webhook_deliveries_enqueue(
        event_type="target.responded", payloads=dict.fromkeys(_organizations(campaign), payload)
    )


def subscribe() -> None:
    signature_confirmed.subscribe(signature_confirmed_webhooks, phase=Phase.AFTER_COMMIT)
    signature_withdrawn.subscribe(signature_withdrawn_webhooks, phase=Phase.AFTER_COMMIT)
    delivery_recorded.subscribe(delivery_recorded_webhooks, phase=Phase.AFTER_COMMIT)
    rsvp_created.subscribe(rsvp_created_webhooks, phase=Phase.AFTER_COMMIT)
    target_responded.subscribe(target_responded_webhooks, phase=Phase.AFTER_COMMIT)
