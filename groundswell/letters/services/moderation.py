"""Organizers' decisions on signatories: approve, reject with a reason, pin the notable."""

import logging
from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import User
from groundswell.letters.events import (
    SignatoriesChanged,
    signatory_confirmed,
    signatory_rejected,
)
from groundswell.letters.models import (
    APPROVABLE_STATUSES,
    COUNTED_STATUSES,
    LISTED_DISPLAYS,
    NAMED_DISPLAYS,
    REJECTABLE_STATUSES,
    Letter,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.counting import letter_counts_add
from groundswell.letters.services.listing import search_terms_listed_sync

logger = logging.getLogger(__name__)

# One decision covers at most one page of the moderation queue, and a little more.
MAX_SIGNATORIES_PER_DECISION = 500


class ModerationError(Exception):
    """A decision that cannot be made; the message is safe to show to the organizer."""


def _decidable_rows_lock(
    letter: Letter, public_ids: list[str], statuses: frozenset[str], field: str
) -> list[tuple]:
    """(pk, category id, `field`) of the named signatories in `statuses`, locked until commit;
    at most MAX_SIGNATORIES_PER_DECISION of them."""
    return list(
        Signatory.objects.select_for_update()
        .filter(
            letter=letter,
            public_id__in=public_ids[:MAX_SIGNATORIES_PER_DECISION],
            status__in=statuses,
        )
        .values_list("pk", "category_id", field)
    )


def signatories_approve(
    *, letter: Letter, public_ids: list[str], user: User, now: datetime | None = None
) -> int:
    """Approve the signatories waiting for moderation among `public_ids`; others are skipped.

    Returns how many were approved, which are now public and counted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = _decidable_rows_lock(letter, public_ids, APPROVABLE_STATUSES, "display")
        if not rows:
            return 0
        Signatory.objects.filter(pk__in=[pk for pk, _c, _d in rows]).update(
            status=SignatoryStatus.APPROVED, decided_at=now, decided_by=user, rejection_reason=""
        )
        listed = [pk for pk, _c, display in rows if display in LISTED_DISPLAYS]
        Signatory.objects.filter(pk__in=listed).update(is_listed=True)
        search_terms_listed_sync(signatory_ids=listed)
        letter_counts_add(
            letter_id=letter.pk, changes=Counter(category for _pk, category, _d in rows)
        )
        signatory_confirmed.publish(
            SignatoriesChanged(letter_id=letter.pk, signatory_ids=tuple(pk for pk, _c, _d in rows))
        )
    logger.info("letter %s: %d signatories approved", letter.pk, len(rows))
    return len(rows)


def signatories_reject(
    *,
    letter: Letter,
    public_ids: list[str],
    user: User,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Reject signatories, approved ones included (they stop counting), with a stored reason."""
    now = now or timezone.now()
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError(_("Give a reason for the rejection."))
    with transaction.atomic():
        rows = _decidable_rows_lock(letter, public_ids, REJECTABLE_STATUSES, "status")
        if not rows:
            return 0
        Signatory.objects.filter(pk__in=[pk for pk, _c, _s in rows]).update(
            status=SignatoryStatus.REJECTED,
            is_listed=False,
            pinned_at=None,
            decided_at=now,
            decided_by=user,
            rejection_reason=reason[:500],
        )
        search_terms_listed_sync(signatory_ids=[pk for pk, _c, _s in rows])
        uncounted = Counter(
            category for _pk, category, status in rows if status in COUNTED_STATUSES
        )
        letter_counts_add(
            letter_id=letter.pk, changes={category: -n for category, n in uncounted.items()}
        )
        signatory_rejected.publish(
            SignatoriesChanged(letter_id=letter.pk, signatory_ids=tuple(pk for pk, _c, _s in rows))
        )
    logger.info("letter %s: %d signatories rejected", letter.pk, len(rows))
    return len(rows)


def signatory_pin(
    *, letter: Letter, public_id: str, pinned: bool, now: datetime | None = None
) -> Signatory:
    """Pin a notable signatory to the top of the public page, or unpin them.

    Only signatories who chose to show their name can be pinned: a pinned line stands out, and
    must not point at someone who asked not to be named.
    """
    signatory = Signatory.objects.get(letter=letter, public_id=public_id)
    if pinned and signatory.display not in NAMED_DISPLAYS:
        raise ModerationError(_("Only signatories who chose to show their name can be pinned."))
    if pinned and signatory.status == SignatoryStatus.REJECTED:
        raise ModerationError(_("A rejected signatory cannot be pinned."))
    signatory.pinned_at = (now or timezone.now()) if pinned else None
    Signatory.objects.filter(pk=signatory.pk).update(pinned_at=signatory.pinned_at)
    return signatory
