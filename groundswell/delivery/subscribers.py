"""What the delivery app does when a signature is erased (a domain event of
groundswell.signatures.events; subscribed in DeliveryConfig.ready())."""

from groundswell.core.domain_events import Phase
from groundswell.delivery.services.packages import delivery_copies_of_signature_discard
from groundswell.signatures.events import SignatureErasing, signature_erasing


def packages_discard_before_erasure(event: SignatureErasing) -> None:
    """In the erasing transaction, while the signature's leaf can still be found through its
    row: the stored packages that list it are discarded, and the signer's page is told whether
    a copy is already out of our hands."""
    copies = delivery_copies_of_signature_discard(
        signature_id=event.signature_id, campaign_id=event.campaign_id, now=event.at
    )
    event.copies.packages_discarded += copies.packages
    event.copies.copies_out_of_reach = event.copies.copies_out_of_reach or copies.out_of_reach


def subscribe() -> None:
    signature_erasing.subscribe(packages_discard_before_erasure, phase=Phase.IN_TRANSACTION)
