"""Writing, scheduling, sending and cancelling updates; unsubscribing from an organization.

Every status change is one conditional UPDATE on the status it leaves, so two organizers (or an
organizer and the sweep) acting at once cannot both succeed.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization, User
from groundswell.campaigns.models import Campaign
from groundswell.core.jobs import enqueue_on_commit
from groundswell.core.signed_links import LinkExpired, LinkInvalid
from groundswell.core.text import markdown_to_safe_html, single_line_text
from groundswell.events.models import Event
from groundswell.letters.models import Letter
from groundswell.updates.audiences import audience_get, audience_people
from groundswell.updates.messages import UNSUBSCRIBE_LINK, UNSUBSCRIBE_LINKS, update_message
from groundswell.updates.models import (
    CANCELLABLE_UPDATE_STATUSES,
    EDITABLE_UPDATE_STATUSES,
    SCHEDULABLE_UPDATE_STATUSES,
    Unsubscription,
    Update,
    UpdateStatus,
)

SEND_TASK = "groundswell.updates.tasks.update_send_task"
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20000


class UpdateError(Exception):
    """A refusal to show the organizer as it is; nothing was changed."""


def _checked_text(*, subject: str, body_markdown: str) -> tuple[str, str]:
    subject = (subject or "").strip()
    body_markdown = (body_markdown or "").strip()
    if not subject:
        raise UpdateError(_("An update needs a subject."))
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise UpdateError(_("The subject is too long."))
    try:
        single_line_text(subject)
    except ValidationError as error:
        raise UpdateError(" ".join(error.messages)) from None
    if not body_markdown:
        raise UpdateError(_("An update needs a text."))
    if len(body_markdown) > BODY_MAX_LENGTH:
        raise UpdateError(_("The text is too long."))
    return subject, body_markdown


def _check_audience(*, update: Update, user: User | None) -> None:
    audience = audience_get(update.audience)
    if audience is None or not audience.allowed(user, update):
        raise UpdateError(_("Pick an audience this update may be sent to."))


def update_draft_create(
    *,
    organization: Organization,
    subject: str,
    body_markdown: str,
    audience: str,
    campaign: Campaign | None = None,
    letter: Letter | None = None,
    event: Event | None = None,
    audience_parameters: dict[str, Any] | None = None,
    created_by: User | None = None,
) -> Update:
    """A draft from `organization` about a campaign or a letter (exactly one), to `audience` (a
    key of groundswell.updates.audiences). `created_by` None: drafted by the code itself (e.g.
    on a target's response), for an organizer to review and send."""
    if [campaign, letter, event].count(None) != 2:
        raise UpdateError(_("An update is about one campaign, one letter or one event."))
    subject, body_markdown = _checked_text(subject=subject, body_markdown=body_markdown)
    update = Update(
        organization=organization,
        campaign=campaign,
        letter=letter,
        event=event,
        subject=subject,
        body_markdown=body_markdown,
        body_html=markdown_to_safe_html(body_markdown),
        audience=audience,
        audience_parameters=audience_parameters or {},
        created_by=created_by,
    )
    _check_audience(update=update, user=created_by)
    update.save()
    return update


def update_edit(
    *,
    update: Update,
    user: User | None,
    subject: str,
    body_markdown: str,
    audience: str,
    audience_parameters: dict[str, Any] | None = None,
) -> Update:
    """Change a draft (a scheduled update goes back to a draft first: `update_unschedule`)."""
    subject, body_markdown = _checked_text(subject=subject, body_markdown=body_markdown)
    changed = Update(
        pk=update.pk,
        organization_id=update.organization_id,
        campaign=update.campaign,
        letter=update.letter,
        audience=audience,
    )
    _check_audience(update=changed, user=user)
    fields = {
        "subject": subject,
        "body_markdown": body_markdown,
        "body_html": markdown_to_safe_html(body_markdown),
        "audience": audience,
        "audience_parameters": audience_parameters or {},
    }
    if not Update.objects.filter(pk=update.pk, status__in=EDITABLE_UPDATE_STATUSES).update(
        **fields
    ):
        raise UpdateError(_("Only a draft can be changed."))
    for name, value in fields.items():
        setattr(update, name, value)
    return update


def update_unschedule(*, update: Update) -> None:
    """A scheduled update back to a draft, so that it can be changed."""
    if not Update.objects.filter(pk=update.pk, status=UpdateStatus.SCHEDULED).update(
        status=UpdateStatus.DRAFT, scheduled_at=None
    ):
        raise UpdateError(_("Only a scheduled update can be taken back to a draft."))
    update.status, update.scheduled_at = UpdateStatus.DRAFT, None


def update_test_send(*, update: Update, to: str) -> None:
    """The update as its recipients will see it, to one address (the organizer's own), now, in
    the language the organizer is reading. Its unsubscribe link goes nowhere: the organizer must
    not unsubscribe themself."""
    if not to:
        raise UpdateError(_("Your account has no e-mail address to send a test to."))
    message = update_message(
        update=update,
        to=to,
        unsubscribe_url=f"{settings.GROUNDSWELL_BASE_URL}/",
        subject_prefix=_("[Test] "),
        message_id=None,
        language=get_language(),
    )
    message.extra_headers.pop(UNSUBSCRIBE_LINK, None)
    _send_one(message)


def _send_one(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception as error:  # the SMTP server's answer, shown without the address
        raise UpdateError(
            _("The test could not be sent (%(reason)s).") % {"reason": type(error).__name__}
        ) from None


def update_recipient_count(*, update: Update) -> int:
    """How many people the audience names now (before unsubscriptions and bounces, which are
    checked when each e-mail is sent)."""
    return audience_people(update=update).count()


def _check_sendable(*, update: Update, user: User | None) -> int:
    _check_audience(update=update, user=user)
    recipient_count = update_recipient_count(update=update)
    if not recipient_count:
        raise UpdateError(_("Nobody is in this audience yet: there is no one to send it to."))
    return recipient_count


def update_send_check(*, update: Update, user: User | None) -> int:
    """How many people sending now would reach, or the UpdateError update_send_now would raise:
    a confirmation page must not offer what its form would be refused."""
    if update.status not in SCHEDULABLE_UPDATE_STATUSES:
        raise UpdateError(_("This update was already sent or cancelled."))
    return _check_sendable(update=update, user=user)


def update_schedule(
    *, update: Update, at: datetime, user: User | None, now: datetime | None = None
) -> None:
    """Send the update at `at` (the sweep starts it). A time in the past is refused."""
    now = now or timezone.now()
    if at <= now:
        raise UpdateError(_("Pick a time in the future to send this update."))
    _check_sendable(update=update, user=user)
    if not Update.objects.filter(pk=update.pk, status__in=SCHEDULABLE_UPDATE_STATUSES).update(
        status=UpdateStatus.SCHEDULED, scheduled_at=at
    ):
        raise UpdateError(_("This update was already sent or cancelled."))
    update.status, update.scheduled_at = UpdateStatus.SCHEDULED, at


def update_send_now(*, update: Update, user: User | None, now: datetime | None = None) -> None:
    _check_sendable(update=update, user=user)
    now = now or timezone.now()
    with transaction.atomic():
        if not Update.objects.filter(pk=update.pk, status__in=SCHEDULABLE_UPDATE_STATUSES).update(
            status=UpdateStatus.SENDING, started_at=now
        ):
            raise UpdateError(_("This update was already sent or cancelled."))
        enqueue_on_commit(SEND_TASK, update.pk)
    update.status, update.started_at = UpdateStatus.SENDING, now


def updates_due_start(*, now: datetime | None = None) -> int:
    """Start the scheduled updates whose time has come; returns how many. Safe to run anywhere,
    any number of times: each update is started by the one call whose UPDATE moves it.

    The audience's rule is checked again now, not only when the update was scheduled: one the
    sender may no longer write to (a partner the host has removed since, say, whose staff the
    host cannot see or stop) is cancelled instead of sent."""
    now = now or timezone.now()
    started = 0
    due = Update.objects.filter(status=UpdateStatus.SCHEDULED, scheduled_at__lte=now)
    for update in due.select_related("campaign", "letter", "event"):
        audience = audience_get(update.audience)
        if audience is None or not audience.allowed(None, update):
            Update.objects.filter(pk=update.pk, status=UpdateStatus.SCHEDULED).update(
                status=UpdateStatus.CANCELLED, cancelled_at=now
            )
            continue
        with transaction.atomic():
            if Update.objects.filter(pk=update.pk, status=UpdateStatus.SCHEDULED).update(
                status=UpdateStatus.SENDING, started_at=now
            ):
                enqueue_on_commit(SEND_TASK, update.pk)
                started += 1
    return started


def update_cancel(*, update: Update, now: datetime | None = None) -> None:
    """Stop an update: a draft or scheduled one is never sent; one being sent stops after the
    batch in hand (what was sent stays sent)."""
    now = now or timezone.now()
    if not Update.objects.filter(pk=update.pk, status__in=CANCELLABLE_UPDATE_STATUSES).update(
        status=UpdateStatus.CANCELLED, cancelled_at=now
    ):
        raise UpdateError(_("This update was already sent or cancelled."))
    update.status, update.cancelled_at = UpdateStatus.CANCELLED, now


# Unsubscribing.


class UnsubscribeLinkInvalid(Exception):
    pass


def unsubscribe_token_read(*, organization: Organization, token: str) -> str:
    """The address hash a personal unsubscribe link names, if it was made by us for this very
    organization; UnsubscribeLinkInvalid otherwise (forged, or made for another organization)."""
    try:
        value = UNSUBSCRIBE_LINKS.read(token)
    except (LinkInvalid, LinkExpired):
        raise UnsubscribeLinkInvalid from None
    organization_id, _colon, address_hash = value.partition(":")
    if organization_id != str(organization.pk) or len(address_hash) != 64:
        raise UnsubscribeLinkInvalid
    return address_hash


def unsubscription_record(*, organization: Organization, token: str) -> Unsubscription:
    """Record that the link's owner wants no more updates from `organization` (once: a second
    click keeps the first time)."""
    address_hash = unsubscribe_token_read(organization=organization, token=token)
    try:
        with transaction.atomic():
            unsubscription, _created = Unsubscription.objects.get_or_create(
                organization=organization, address_hash=address_hash
            )
    except IntegrityError:  # a concurrent click won
        unsubscription = Unsubscription.objects.get(
            organization=organization, address_hash=address_hash
        )
    return unsubscription
