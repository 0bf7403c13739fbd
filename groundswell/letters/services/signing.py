"""Signing a letter and verifying a work address: the only code that creates signatories.

A work address is used for one e-mail and never stored: the signatory keeps a keyed hash and the
domain, and the outbox row that carried the address is blanked once it is sent (see
`groundswell.letters.services.work_address_emails`). The verification link opens a page with a
button; only the POST verifies, because corporate mail scanners open every link.

The employer can read everything sent to a work address, and its filters read the links too: the
e-mails to a work address, their links and the page the link opens (which scanners fetch) say
nothing of the letter, its organizers or the employer (`letters/email/verify.txt`; the signing
form shows that e-mail as it is sent).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.models import OutboundEmail
from groundswell.core.outbox import outbound_email_queue
from groundswell.core.signed_links import LinkExpired, LinkInvalid, SignedLink, absolute_url
from groundswell.core.text import single_line_text
from groundswell.letters.events import SignatoriesChanged, signatory_confirmed
from groundswell.letters.models import (
    LISTED_DISPLAYS,
    Letter,
    LetterCategory,
    LetterVersion,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.counting import letter_counts_add
from groundswell.letters.services.erasure import withdrawal_url
from groundswell.letters.services.listing import search_terms_create, search_terms_listed_sync
from groundswell.letters.services.personal_email import (
    personal_email_confirmation_queue,
    personal_email_may_be_asked,
)
from groundswell.letters.services.work_address_emails import (
    ALREADY_SIGNED_EMAIL_KIND,
    VERIFY_EMAIL_KIND,
    work_address_email_text,
)
from groundswell.letters.work_addresses import (
    domain_allowed,
    work_address_domain,
    work_address_hash,
)

VERIFICATION_SALT = "groundswell.letters.verify"
VERIFICATION_LINK = SignedLink(VERIFICATION_SALT, max_age_setting="SIGNATURE_CONFIRMATION_MAX_AGE")
# Repeated submits with one work address within this window send no further e-mail: nobody can
# flood a colleague's work inbox with messages about a letter.
RENOTIFY_AFTER = timedelta(minutes=10)


class NextStep:
    """What the signer must do next, shown on the page after signing."""

    VERIFY = "verify"
    MODERATION = "moderation"
    DONE = "done"
    ALL = frozenset({VERIFY, MODERATION, DONE})


class LetterSigningError(Exception):
    """A signature that cannot be taken or verified; the message is safe to show to the signer."""


class LetterNotSigning(LetterSigningError):
    pass


class WorkDomainRefused(LetterSigningError):
    pass


class LetterTextChanged(LetterSigningError):
    pass


class InvalidVerificationLink(LetterSigningError):
    pass


class WorkAddressAlreadyUsed(LetterSigningError):
    pass


@dataclass(frozen=True)
class LetterSigningOutcome:
    next_step: str


@dataclass(frozen=True)
class VerificationOutcome:
    signatory: Signatory
    newly_verified: bool


def work_domain_refused_message(*, category: LetterCategory) -> str:
    return _(
        "This address is not accepted for “%(category)s”. Use your work address at one of: "
        "%(domains)s."
    ) % {"category": category.name, "domains": ", ".join(category.allowed_domains)}


def verification_token_make(*, public_id: str) -> str:
    return VERIFICATION_LINK.make(public_id)


def verification_token_read(*, token: str) -> str:
    """The signatory's public id, or raise with a message for the signer."""
    try:
        return VERIFICATION_LINK.read(token)
    except LinkExpired:
        raise InvalidVerificationLink(
            _("This verification link has expired. Sign again to receive a new one.")
        ) from None
    except LinkInvalid:
        raise InvalidVerificationLink(
            _("This verification link is not valid. Please use the link from your e-mail.")
        ) from None


def verification_url(*, public_id: str) -> str:
    """The link in the e-mail to a work address. Its path names neither the letter nor its
    subject: a mail filter reads links."""
    token = verification_token_make(public_id=public_id)
    return absolute_url(reverse("letters:address_verify", kwargs={"token": token}))


def _first_status(category: LetterCategory) -> str:
    if category.requires_work_email:
        return SignatoryStatus.UNVERIFIED
    if category.requires_moderation:
        return SignatoryStatus.AWAITING_MODERATION
    return SignatoryStatus.APPROVED


def signatory_first_step(*, category: LetterCategory) -> str:
    """What a new signatory of `category` must do next (NextStep)."""
    steps: dict[str, str] = {
        SignatoryStatus.UNVERIFIED: NextStep.VERIFY,
        SignatoryStatus.AWAITING_MODERATION: NextStep.MODERATION,
        SignatoryStatus.APPROVED: NextStep.DONE,
    }
    return steps[_first_status(category)]


def _status_after_verification(category: LetterCategory) -> str:
    if category.requires_moderation:
        return SignatoryStatus.AWAITING_MODERATION
    return SignatoryStatus.APPROVED


# Error reports must not show the addresses or the name: they are kept out of tracebacks.
@sensitive_variables("work_email", "personal_email", "name", "title", "affiliation")
def signatory_create(
    *,
    letter: Letter,
    category: LetterCategory,
    name: str,
    title: str,
    affiliation: str,
    display: str,
    version_fingerprint: str,
    work_email: str = "",
    personal_email: str = "",
    now: datetime | None = None,
) -> LetterSigningOutcome:
    """Take a signature and, for categories with domains, e-mail the work address a link.

    A work address that has already verified a signature on this letter gets no second one:
    it is e-mailed instead (at most once per RENOTIFY_AFTER), and the signer sees the same next
    step as anyone else, so that nobody can learn whether a colleague's address has signed.
    """
    now = now or timezone.now()
    # The form checked them already; this is for every other caller (ValidationError).
    for text in (name, title, affiliation):
        single_line_text(text)
    if category.letter_id != letter.pk:
        raise LetterSigningError(_("Choose one of this letter's categories."))
    work_hash = None
    if category.requires_work_email:
        if not work_email or not domain_allowed(
            work_address_domain(work_email), category.allowed_domains
        ):
            raise WorkDomainRefused(work_domain_refused_message(category=category))
        work_hash = work_address_hash(work_email)
    with transaction.atomic():
        # Locks out a concurrent text edit, which must see this signature (letter_text_update).
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if not locked.accepts_signatures:
            raise LetterNotSigning(_("This letter is not accepting signatures."))
        version = LetterVersion.objects.get(pk=cast(int, locked.current_version_id))
        if version.fingerprint != version_fingerprint:
            raise LetterTextChanged(
                _(
                    "The text of the letter changed while you were reading it. Please read "
                    "the new text below before you sign."
                )
            )
        if work_hash is not None and _work_address_already_handled(
            letter=locked, work_hash=work_hash, work_email=work_email, now=now
        ):
            return LetterSigningOutcome(next_step=NextStep.VERIFY)
        if personal_email and not personal_email_may_be_asked(
            letter=locked, address=personal_email
        ):
            # Asked a moment ago (maybe by whoever typed it now): no second e-mail, and no
            # address kept that nobody will be asked to confirm.
            personal_email = ""
        status = _first_status(category)
        signatory = Signatory.objects.create(
            letter=locked,
            category=category,
            version=version,
            name=name,
            title=title,
            affiliation=affiliation,
            display=display,
            personal_email=personal_email,
            work_email_hash=work_hash or "",
            work_email_domain=work_address_domain(work_email) if work_hash else "",
            status=status,
            is_listed=status == SignatoryStatus.APPROVED and display in LISTED_DISPLAYS,
            notified_at=now if work_hash else None,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        search_terms_create(signatories=[signatory])
        if status == SignatoryStatus.APPROVED:
            letter_counts_add(letter_id=locked.pk, changes={category.pk: 1})
            signatory_confirmed.publish(
                SignatoriesChanged(letter_id=locked.pk, signatory_ids=(signatory.pk,))
            )
        if work_hash is not None:
            email = _queue_work_address_email(
                to=work_email, kind=VERIFY_EMAIL_KIND, signatory=signatory
            )
            Signatory.objects.filter(pk=signatory.pk).update(verification_email=email)
        if personal_email:
            personal_email_confirmation_queue(letter=locked, signatory=signatory)
    return LetterSigningOutcome(next_step=signatory_first_step(category=category))


@sensitive_variables()
def _work_address_already_handled(
    *, letter: Letter, work_hash: str, work_email: str, now: datetime
) -> bool:
    """True if no new signatory may be taken for this address now (an e-mail may go instead)."""
    same_address = Signatory.objects.filter(letter=letter, work_email_hash=work_hash).exclude(
        status=SignatoryStatus.REJECTED
    )
    verified = same_address.filter(work_verified_at__isnull=False).first()
    if verified is not None:
        if verified.notified_at is None or verified.notified_at < now - RENOTIFY_AFTER:
            Signatory.objects.filter(pk=verified.pk).update(notified_at=now)
            # In the language its owner signed in, not that of whoever typed the address now.
            with translation.override(verified.language or get_language()):
                _queue_work_address_email(
                    to=work_email, kind=ALREADY_SIGNED_EMAIL_KIND, signatory=verified
                )
        return True
    return same_address.filter(notified_at__gte=now - RENOTIFY_AFTER).exists()


@sensitive_variables()
def _queue_work_address_email(*, to: str, kind: str, signatory: Signatory) -> OutboundEmail:
    """The only e-mails to a work address, about `signatory`, and deleted with it.

    The employer can read them: they name no signatory, no letter, no organization, and their
    links do not either. `work_address_email_text` is also shown on the signing form.
    """
    subject, body = work_address_email_text(
        kind=kind,
        verify_url=verification_url(public_id=signatory.public_id),
        withdrawal_url=withdrawal_url(public_id=signatory.public_id),
    )
    email = outbound_email_queue(
        to=to,
        subject=subject,
        body=body,
        kind=kind,
        signatory_id=signatory.pk,
        campaign_id=signatory.letter.campaign_id,
    )
    # Runs after the outbox's own send task: sends if that has not yet, then blanks `to`.
    enqueue_on_commit("groundswell.letters.tasks.work_address_email_send_task", email.pk)
    return email


def signatory_from_verification_link(*, token: str, letter: Letter | None = None) -> Signatory:
    """The signatory a link points to (for the page with the button); never changes anything.

    Links sent before they left the letter out of their path name the letter: then it must match.
    """
    public_id = verification_token_read(token=token)
    signatories = Signatory.objects.filter(public_id=public_id)
    if letter is not None:
        signatories = signatories.filter(letter=letter)
    signatory = signatories.select_related("category", "letter").first()
    if signatory is None or not signatory.work_email_hash:
        raise InvalidVerificationLink(_("This verification link does not match a signature here."))
    return signatory


def signatory_verify(
    *, token: str, letter: Letter | None = None, now: datetime | None = None
) -> VerificationOutcome:
    """Verify the work address a link was sent to; counting the signatory at most once.

    `letter`: as for `signatory_from_verification_link`.
    """
    now = now or timezone.now()
    public_id = verification_token_read(token=token)
    with transaction.atomic():
        signatories = Signatory.objects.select_for_update().filter(public_id=public_id)
        if letter is not None:
            signatories = signatories.filter(letter=letter)
        signatory = signatories.exclude(work_email_hash="").first()
        if signatory is None:
            raise InvalidVerificationLink(
                _("This verification link does not match a signature here.")
            )
        letter = Letter.objects.get(pk=signatory.letter_id)
        category = LetterCategory.objects.get(pk=signatory.category_id)
        signatory.category = category
        signatory.letter = letter
        if signatory.work_verified_at is not None:
            return VerificationOutcome(signatory=signatory, newly_verified=False)
        if signatory.status != SignatoryStatus.UNVERIFIED:
            raise InvalidVerificationLink(_("This signature can no longer be verified."))
        if not letter.accepts_signatures:
            raise LetterNotSigning(_("This letter closed before your address was verified."))
        already_used = WorkAddressAlreadyUsed(
            _(
                "This work address has already been used to sign this letter. Each address "
                "counts once."
            )
        )
        twin = Signatory.objects.filter(
            letter=letter, work_email_hash=signatory.work_email_hash, work_verified_at__isnull=False
        ).exclude(status=SignatoryStatus.REJECTED)
        if twin.exists():
            raise already_used
        status = _status_after_verification(category)
        try:
            with transaction.atomic():  # the unique index settles a race between two links
                Signatory.objects.filter(pk=signatory.pk).update(
                    work_verified_at=now,
                    status=status,
                    is_listed=status == SignatoryStatus.APPROVED
                    and signatory.display in LISTED_DISPLAYS,
                )
        except IntegrityError:
            raise already_used from None
        if status == SignatoryStatus.APPROVED:
            letter_counts_add(letter_id=letter.pk, changes={category.pk: 1})
            search_terms_listed_sync(signatory_ids=[signatory.pk])
            signatory_confirmed.publish(
                SignatoriesChanged(letter_id=letter.pk, signatory_ids=(signatory.pk,))
            )
        if signatory.verification_email_id is not None:
            # The signer has the link, so the e-mail arrived: its address is no longer needed.
            OutboundEmail.objects.filter(pk=signatory.verification_email_id).update(to="")
        signatory.work_verified_at, signatory.status = now, status
    return VerificationOutcome(signatory=signatory, newly_verified=True)
