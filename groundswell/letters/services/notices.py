"""Telling signers of an older text that the letter changed, by their personal e-mail.

Never by a work address (it is not kept), and the e-mail does not name the signer: it goes to
the address the signer gave for updates, once they confirmed it, and says only what changed.
"""

from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.outbox import outbound_email_queue
from groundswell.letters.models import Letter, LetterVersion, Signatory, SignatoryStatus
from groundswell.letters.services.erasure import withdrawal_url
from groundswell.letters.translations import letter_in_language

VERSION_NOTICE_EMAIL_KIND = "letter-version-notice"
# Unverified signatories may be someone else using a colleague's address; rejected ones are
# not on the letter. Neither hears about changes.
NOTIFIED_STATUSES = frozenset({SignatoryStatus.AWAITING_MODERATION, SignatoryStatus.APPROVED})
NOTICE_BATCH_SIZE = 500


class NoticeError(Exception):
    """The notice cannot be sent; the message is safe to show to the organizer."""


def _signers_to_tell(*, letter_id: int, version_number: int) -> QuerySet[Signatory]:
    return (
        Signatory.objects.filter(
            letter_id=letter_id,
            version__number__lt=version_number,
            status__in=NOTIFIED_STATUSES,
        )
        .exclude(personal_email="")
        .filter(personal_email_confirmed_at__isnull=False)
        .filter(Q(notified_of_version__isnull=True) | Q(notified_of_version__lt=version_number))
    )


def letter_version_notice_pending_count(*, letter: Letter) -> int:
    """How many signers of older versions who gave an e-mail have not been told of this one."""
    version = LetterVersion.objects.get(pk=cast(int, letter.current_version_id))
    if version.number == 1:
        return 0
    return _signers_to_tell(letter_id=letter.pk, version_number=version.number).count()


def letter_version_notice_start(*, letter: Letter) -> int:
    """Start telling signers of older versions about the current one, in the background.

    Returns how many will be told. Safe to repeat: each signer hears of each version once.
    """
    version = LetterVersion.objects.get(pk=cast(int, letter.current_version_id))
    if version.number == 1:
        raise NoticeError(_("The text has not changed since the first signature."))
    count = _signers_to_tell(letter_id=letter.pk, version_number=version.number).count()
    if count:
        enqueue_on_commit(
            "groundswell.letters.tasks.letter_version_notices_task", letter.pk, version.number
        )
    return count


def letter_version_notices_send_batch(*, letter_id: int, version_number: int) -> int:
    """Claim one batch of signers not yet told of `version_number` and queue their e-mails.

    Returns the batch size; 0 when everyone has been told. The claim and the e-mails commit
    together, so a crash loses neither and a repeat sends nothing twice.
    """
    with transaction.atomic():
        letter = Letter.objects.get(pk=letter_id)
        version = LetterVersion.objects.get(letter=letter, number=version_number)
        # Rows another worker holds are skipped, so each signer is claimed exactly once.
        rows = list(
            _signers_to_tell(letter_id=letter_id, version_number=version_number)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("version")
            .only("pk", "public_id", "personal_email", "language", "version__number")
            .order_by("pk")[:NOTICE_BATCH_SIZE]
        )
        Signatory.objects.filter(pk__in=[row.pk for row in rows]).update(
            notified_of_version=version_number
        )
        history_path = reverse("letters:history", kwargs={"slug": letter.slug})
        shown: dict[str, Letter] = {}
        for row in rows:
            # In the language the person signed in, with the organizers' translated title.
            language = row.language or settings.LANGUAGE_CODE
            if language not in shown:
                shown[language] = letter_in_language(letter=letter, language=language).letter
            context = {
                "letter": shown[language],
                "version": version,
                "signed_number": row.version.number,
                "history_url": f"{settings.GROUNDSWELL_BASE_URL}{history_path}",
                "withdrawal_url": withdrawal_url(public_id=row.public_id),
            }
            with translation.override(language):
                subject = _("The open letter you signed has changed: %(title)s") % {
                    "title": shown[language].title
                }
                body = render_to_string("letters/email/version_notice.txt", context)
            outbound_email_queue(
                to=row.personal_email,
                subject=subject,
                body=body,
                kind=VERSION_NOTICE_EMAIL_KIND,
                signatory_id=row.pk,
                campaign_id=letter.campaign_id,
            )
    return len(rows)
