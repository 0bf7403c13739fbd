"""Erasing signatories: at their own request (the link in their e-mails), at an organizer's, and
when a signature was never confirmed.

A signatory row owns everything kept about its person: its search terms and every e-mail stored
for it (`OutboundEmail.signatory`) go with it. Open letters are not in a transparency log, so
nothing public records the erasure; the counts simply go down.
"""

import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.models import OutboundEmail
from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink, absolute_url
from groundswell.letters.events import SignatoriesChanged, signatory_withdrawn
from groundswell.letters.models import COUNTED_STATUSES, Letter, Signatory, SignatoryStatus
from groundswell.letters.services.counting import letter_counts_add

WITHDRAWAL_PURPOSE = "groundswell.letters.withdraw"
# The signatory's own link to take their signature back; it does not expire.
WITHDRAWAL_LINK = SignedLink(WITHDRAWAL_PURPOSE)
PERSONAL_EMAIL_KIND = "letter-personal-email"
# A link made a little before its row was stored, or on a server whose clock runs ahead, still
# expires before the purge reaches it.
PURGE_GRACE = timedelta(hours=1)
# One organizer decision erases at most this many signatories.
MAX_SIGNATORIES_PER_ERASURE = 500


class InvalidWithdrawalLink(Exception):
    """The message is safe to show to the signer."""


def withdrawal_url(*, public_id: str) -> str:
    """The signatory's own link to take their signature back; it does not expire. Sent to work
    addresses too, so its path names neither the letter nor its subject."""
    token = WITHDRAWAL_LINK.make(public_id)
    return absolute_url(reverse("letters:address_cancel", kwargs={"token": token}))


def withdrawal_token_read(*, token: str) -> str:
    try:
        return WITHDRAWAL_LINK.read(token)
    except (LinkExpired, LinkInvalid):
        raise InvalidWithdrawalLink(
            _("This link is not valid. Please use the link from your e-mail.")
        ) from None


def signatory_from_withdrawal_link(*, token: str) -> Signatory | None:
    """The signatory a withdrawal link points to, or None if it is already gone."""
    public_id = withdrawal_token_read(token=token)
    return Signatory.objects.filter(public_id=public_id).select_related("letter").first()


def signatory_withdraw(*, token: str) -> bool:
    """The signer takes their signature back and it is erased; False if it was already gone."""
    public_id = withdrawal_token_read(token=token)
    with transaction.atomic():
        rows = _rows_lock(Signatory.objects.filter(public_id=public_id))
        _signatories_erase(rows)
        _withdrawn_publish(rows)
    return bool(rows)


def signatories_erase(*, letter: Letter, public_ids: list[str]) -> int:
    """Erase signatories at their request (they wrote to the organizers), whatever their status;
    returns how many. Nothing of them is kept, not even a rejection."""
    with transaction.atomic():
        rows = _rows_lock(
            Signatory.objects.filter(
                letter=letter, public_id__in=public_ids[:MAX_SIGNATORIES_PER_ERASURE]
            )
        )
        _signatories_erase(rows)
        _withdrawn_publish(rows)
    return len(rows)


def _withdrawn_publish(rows: Sequence[Signatory]) -> None:
    by_letter: dict[int, list[int]] = {}
    for row in rows:
        by_letter.setdefault(row.letter_id, []).append(row.pk)
    for letter_id, ids in by_letter.items():
        signatory_withdrawn.publish(
            SignatoriesChanged(letter_id=letter_id, signatory_ids=tuple(ids))
        )


def _rows_lock(signatories: QuerySet[Signatory]) -> list[Signatory]:
    return list(signatories.select_for_update().only("id", "letter_id", "category_id", "status"))


def _signatories_erase(rows: Sequence[Signatory]) -> None:
    """Uncount locked signatories and delete them; their search terms and every e-mail stored
    for them go by CASCADE. The one way signatories leave a letter that stays."""
    if not rows:
        return
    by_letter: dict[int, Counter[int]] = {}
    for row in rows:
        if row.status in COUNTED_STATUSES:
            by_letter.setdefault(row.letter_id, Counter())[row.category_id] -= 1
    for letter_id, changes in by_letter.items():
        letter_counts_add(letter_id=letter_id, changes=changes)
    Signatory.objects.filter(pk__in=[row.pk for row in rows]).delete()


def signatories_unconfirmed_purge(
    *, now: datetime | None = None, batch_size: int = 500, time_budget_seconds: float = 50.0
) -> tuple[int, int]:
    """Erase what was never confirmed once its link has expired: signatories whose work address
    was never verified, and personal e-mail addresses never confirmed (the signature stays).
    Returns (signatories erased, addresses blanked). Idempotent; several may run at once.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE) - PURGE_GRACE
    deadline = time.monotonic() + time_budget_seconds
    unverified = Q(status=SignatoryStatus.UNVERIFIED) & (
        Q(notified_at__lt=cutoff) | Q(notified_at__isnull=True, created_at__lt=cutoff)
    )
    erased = 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            rows = list(
                Signatory.objects.select_for_update(skip_locked=True)
                .filter(unverified)
                .only("id", "letter_id", "category_id", "status")[:batch_size]
            )
            _signatories_erase(rows)
        erased += len(rows)
        if len(rows) < batch_size:
            break
    unconfirmed_address = Q(personal_email_confirmed_at__isnull=True, created_at__lt=cutoff) & ~Q(
        personal_email=""
    )
    blanked = 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            ids = list(
                Signatory.objects.select_for_update(skip_locked=True)
                .filter(unconfirmed_address)
                .values_list("pk", flat=True)[:batch_size]
            )
            Signatory.objects.filter(pk__in=ids).update(personal_email="")
            OutboundEmail.objects.filter(signatory_id__in=ids, kind=PERSONAL_EMAIL_KIND).delete()
        blanked += len(ids)
        if len(ids) < batch_size:
            break
    return erased, blanked
