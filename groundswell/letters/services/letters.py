"""Creating and editing letters, their text versions and categories; moving letters between
states. Each transition lives here once."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.core.text import markdown_to_safe_html
from groundswell.core.text_versions import text_version_next
from groundswell.core.transitions import (
    Transitions,
    actions_available,
    status_transition,
    transition_target,
)
from groundswell.letters.models import (
    Letter,
    LetterCategory,
    LetterStatus,
    LetterVersion,
    Signatory,
)
from groundswell.letters.work_addresses import domain_rule_normalize

CATEGORY_FIELDS = (
    "name", "slug", "count_label", "position", "allowed_domains", "requires_moderation",
)  # fmt: skip

# Which status each transition may start from, and the one it ends in.
TRANSITIONS: Transitions = {
    "publish": (frozenset({LetterStatus.DRAFT}), LetterStatus.OPEN),
    "close": (frozenset({LetterStatus.OPEN}), LetterStatus.CLOSED),
    "reopen": (frozenset({LetterStatus.CLOSED}), LetterStatus.OPEN),
    "mark_delivered": (
        frozenset({LetterStatus.OPEN, LetterStatus.CLOSED}),
        LetterStatus.DELIVERED,
    ),
}


class LetterError(Exception):
    """A change that cannot be made; the message is safe to show to the organizer."""


def slug_locked_message() -> str:
    return _(
        "The web address cannot change once the letter is published: every link already "
        "e-mailed or shared would break."
    )


def _check_campaign(*, organization: Organization, campaign: Campaign | None) -> None:
    if campaign is not None and campaign.organization_id != organization.pk:
        raise LetterError(_("A letter can only belong to a campaign of its own organization."))


def letter_create(
    *,
    organization: Organization,
    slug: str,
    title: str,
    addressee: str,
    text: str,
    campaign: Campaign | None = None,
) -> Letter:
    """A draft letter with version 1 of its text."""
    _check_campaign(organization=organization, campaign=campaign)
    with transaction.atomic():
        letter = Letter(
            organization=organization,
            campaign=campaign,
            slug=slug,
            title=title,
            addressee=addressee,
            status=LetterStatus.DRAFT,
        )
        letter.full_clean()
        letter.save()
        version = LetterVersion(
            letter=letter, number=1, text=text, text_html=markdown_to_safe_html(text)
        )
        version.full_clean()
        version.save()
        letter.current_version = version
        letter.save(update_fields=["current_version"])
    return letter


def letter_update(
    *,
    letter: Letter,
    title: str,
    addressee: str,
    campaign: Campaign | None,
    text: str,
    change_note: str = "",
    slug: str | None = None,
) -> Letter:
    """Edit a letter's details and text together (see letter_text_update for the text).

    The web address (`slug`, unchanged when None) may change only while the letter is a draft.
    """
    _check_campaign(organization=letter.organization, campaign=campaign)
    with transaction.atomic():
        stored = Letter.objects.select_for_update().values("slug", "status").get(pk=letter.pk)
        slug = stored["slug"] if slug is None else slug
        if slug != stored["slug"] and stored["status"] != LetterStatus.DRAFT:
            raise ValidationError({"slug": [slug_locked_message()]})
        letter_text_update(letter=letter, text=text, change_note=change_note)
        letter.title, letter.addressee, letter.campaign = title, addressee, campaign
        letter.slug = slug
        letter.full_clean(exclude=["current_version"])
        letter.save(update_fields=["slug", "title", "addressee", "campaign", "updated_at"])
    return letter


def letter_text_update(*, letter: Letter, text: str, change_note: str = "") -> LetterVersion:
    """Change the text: in place while nobody has signed, else as a new version with a note.

    Signing locks the letter row too, so a signature cannot slip in between the check and the
    edit. Raises TextVersionError when the note is needed and missing.
    """
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        current = LetterVersion.objects.get(pk=cast(int, locked.current_version_id))
        if current.text == text:
            letter.current_version = current
            return current
        version = text_version_next(
            owner=locked,
            current=current,
            texts={"text": text, "text_html": markdown_to_safe_html(text)},
            has_signers=Signatory.objects.filter(letter=locked).exists(),
            change_note=change_note,
        )
        if version is not current:
            Letter.objects.filter(pk=locked.pk).update(
                current_version=version, updated_at=timezone.now()
            )
    letter.current_version = version
    return version


def _clean_category_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {field: data[field] for field in CATEGORY_FIELDS if field in data}
    if "allowed_domains" in cleaned:
        try:
            rules = [domain_rule_normalize(rule) for rule in cleaned["allowed_domains"]]
        except ValueError as error:
            raise LetterError(
                _("“%(rule)s” is not an e-mail domain.") % {"rule": error.args[0]}
            ) from None
        cleaned["allowed_domains"] = sorted(set(rules))
    return cleaned


def letter_category_create(*, letter: Letter, data: dict[str, Any]) -> LetterCategory:
    category = LetterCategory(letter=letter, **_clean_category_data(data))
    category.full_clean()
    category.save()
    return category


def letter_category_update(*, category: LetterCategory, data: dict[str, Any]) -> LetterCategory:
    """Change a category. A changed rule applies to new signatories; approved ones stay."""
    for field, value in _clean_category_data(data).items():
        setattr(category, field, value)
    category.full_clean()
    category.save()
    return category


def letter_transition(*, letter: Letter, action: str) -> Letter:
    """Move a letter to its next status, refusing a move its current status does not allow."""

    def unknown() -> LetterError:
        return LetterError(_("Unknown action."))

    new_status = transition_target(transitions=TRANSITIONS, action=action, unknown=unknown)
    if new_status == LetterStatus.OPEN and not letter.categories.exists():
        raise LetterError(_("Add at least one signatory category before opening the letter."))
    status_transition(
        model=Letter,
        pk=letter.pk,
        transitions=TRANSITIONS,
        action=action,
        unknown=unknown,
        refused=lambda: LetterError(
            _("A %(status)s letter cannot do that.") % {"status": letter.get_status_display()}
        ),
    )
    letter.refresh_from_db()
    return letter


def letter_available_actions(*, letter: Letter) -> list[str]:
    return actions_available(transitions=TRANSITIONS, status=letter.status)
