from celery import shared_task

from groundswell.core.outbox import outbound_email_send
from groundswell.letters.services.erasure import signatories_unconfirmed_purge
from groundswell.letters.services.notices import letter_version_notices_send_batch
from groundswell.letters.services.work_address_emails import work_address_emails_blank


@shared_task(name="groundswell.letters.tasks.work_address_email_send_task")
def work_address_email_send_task(email_id: int) -> int:
    """Send an e-mail to a work address (unless the outbox task already did), then blank `to`.

    An e-mail that fails now is retried by the outbox sweep; `work_address_emails_sweep` then
    blanks it after it is sent.
    """
    outbound_email_send(email_id=email_id)
    return work_address_emails_blank(email_ids=[email_id])


@shared_task(name="groundswell.letters.tasks.work_address_emails_sweep")
def work_address_emails_sweep() -> int:
    """Blank every work address left in the outbox whose e-mail is done with (schedule it)."""
    return work_address_emails_blank()


@shared_task(name="groundswell.letters.tasks.letter_version_notices_task")
def letter_version_notices_task(letter_id: int, version_number: int) -> int:
    """Queue the change notices of one version in batches; idempotent, so a retry is safe."""
    sent = 0
    while batch := letter_version_notices_send_batch(
        letter_id=letter_id, version_number=version_number
    ):
        sent += batch
    return sent


@shared_task(name="groundswell.letters.tasks.signatories_unconfirmed_purge_task")
def signatories_unconfirmed_purge_task() -> list[int]:
    """Scheduled by `groundswell beat`: unverified signatories and unconfirmed personal addresses
    go once their links have expired."""
    return list(signatories_unconfirmed_purge())
