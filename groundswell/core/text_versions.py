"""Text versions: once anyone has signed a text (a petition's, an open letter's), it is never
silently changed.

While nobody has signed, an edit changes the current version in place. After the first
signature (confirmed or not: a pending signer read that text too), an edit needs a change note
and adds a version, so the people who signed keep the text they signed. `TextVersion` is the
model both kinds of version share; `text_version_next` is the rule, applied by the owner's
service with the owner's row locked.
"""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groundswell.core.text import multi_line_text


class TextVersionError(Exception):
    """The text cannot be changed like this; the message is safe to show to the organizer."""


def change_note_required_message() -> str:
    return _(
        "People have already signed this text. Describe what changed and why: the note is "
        "shown publicly with the new version."
    )


class TextVersion(models.Model):
    """One text of a petition or letter, as the people who signed it saw it. A concrete model
    names its owner in OWNER_FIELD (a ForeignKey) and holds the text's own fields."""

    OWNER_FIELD: str

    number = models.PositiveIntegerField()
    change_note = models.CharField(
        gettext_lazy("change note"), max_length=500, blank=True, validators=[multi_line_text]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


V = TypeVar("V", bound=TextVersion)


def text_version_next(
    *,
    owner: models.Model,
    current: V,
    texts: dict[str, str],
    has_signers: bool,
    change_note: str = "",
) -> V:
    """The version that holds `texts` (field name -> value): numbered after `current` and saved
    with `change_note` once anyone has signed, else `current` changed in place (keeping its
    note unless a new one is given). The caller holds the owner's row locked.

    Raises TextVersionError when a note is needed and missing, and ValidationError for text
    the version's fields refuse.
    """
    change_note = change_note.strip()
    if has_signers:
        if not change_note:
            raise TextVersionError(change_note_required_message())
        version = type(current)(
            **{current.OWNER_FIELD: owner},
            number=current.number + 1,
            change_note=change_note,
            **texts,
        )
        version.full_clean(exclude=[current.OWNER_FIELD])
        version.save()
        return version
    for field, value in texts.items():
        setattr(current, field, value)
    if change_note:
        current.change_note = change_note
    current.full_clean(exclude=[current.OWNER_FIELD])
    current.save(update_fields=[*texts, "change_note"])
    return current
