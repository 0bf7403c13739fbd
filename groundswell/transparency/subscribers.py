"""What the transparency log does when signatures are confirmed or erased (domain events of
groundswell.signatures.events; subscribed in TransparencyConfig.ready())."""

from django.conf import settings

from groundswell.core.domain_events import Phase
from groundswell.core.jobs import enqueue_now
from groundswell.signatures.events import (
    SignatureConfirmed,
    SignatureErasing,
    signature_confirmed,
    signature_erasing,
)
from groundswell.transparency.services.log import transparency_signature_withdrawn


def log_extension_after_confirmation(event: SignatureConfirmed) -> None:
    """After commit: have the new signature appended soon.

    Without a broker the extension runs now. With one, a confirmation costs no round trip at
    all: the scheduler's `transparency_logs_extend_task` appends every LOG_EXTEND_SECONDS, in
    batches, whatever was confirmed meanwhile.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_now(
            "groundswell.transparency.tasks.transparency_log_extend_task", event.campaign_id
        )


def tombstone_before_erasure(event: SignatureErasing) -> None:
    """In the erasing transaction, before the signature row is locked: a signature in the log
    gets a tombstone (the log is never rewritten), atomically with its erasure."""
    transparency_signature_withdrawn(
        signature_id=event.signature_id,
        campaign_id=event.campaign_id,
        reason=event.reason,
        now=event.at,
    )


def subscribe() -> None:
    signature_confirmed.subscribe(log_extension_after_confirmation, phase=Phase.AFTER_COMMIT)
    signature_erasing.subscribe(tombstone_before_erasure, phase=Phase.IN_TRANSACTION)
