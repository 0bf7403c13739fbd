"""Organizers' translations of an open letter's title and text, one per language
(LetterTranslation); the same rule as petitions' (groundswell.campaigns.translations): shown to
visitors reading that language, never a new text version, and honest about the version it
translates."""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from groundswell.campaigns.translations import translation_languages
from groundswell.core.text import markdown_to_safe_html, multi_line_text, single_line_text
from groundswell.letters.models import Letter, LetterTranslation, LetterVersion


def letter_translation_get(*, letter: Letter, language: str) -> LetterTranslation | None:
    return LetterTranslation.objects.filter(letter=letter, language=language).first()


def letter_translation_save(
    *, letter: Letter, language: str, title: str, text: str
) -> LetterTranslation:
    """Create or replace the `language` translation, made from the letter's current version."""
    if language not in dict(translation_languages()):
        raise ValueError(f"not a site language: {language!r}")
    single_line_text(title)
    multi_line_text(text)
    version = cast(LetterVersion, letter.current_version)
    translation, _created = LetterTranslation.objects.update_or_create(
        letter=letter,
        language=language,
        defaults={
            "title": title,
            "text": text,
            "text_html": markdown_to_safe_html(text),
            "version_number": version.number,
        },
    )
    return translation


@dataclass(frozen=True)
class TranslatedLetter:
    letter: Letter
    version: LetterVersion
    translation: LetterTranslation | None

    @property
    def is_behind(self) -> bool:
        return self.translation is not None and self.translation.version_number < (
            self.version.number
        )


def letter_in_language(*, letter: Letter, language: str | None) -> TranslatedLetter:
    """The letter and its current text as a visitor reading `language` sees them: copies with
    the organizers' translation when there is one, else the originals."""
    version = cast(LetterVersion, letter.current_version)
    wanted = language in dict(translation_languages())
    translation = letter_translation_get(letter=letter, language=language or "") if wanted else None
    if translation is None:
        return TranslatedLetter(letter=letter, version=version, translation=None)
    text = copy.copy(version)
    text.text_html = translation.text_html
    return TranslatedLetter(
        letter=_translated_copy(letter, translation), version=text, translation=translation
    )


def letters_in_language(*, letters: Sequence[Letter], language: str | None) -> list[Letter]:
    """Each of `letters`, in order, as letter_in_language shows it (without its text, which
    lists do not show), with one query for all their translations (none for a reader of the
    default language)."""
    if language not in dict(translation_languages()) or not letters:
        return list(letters)
    translations = {
        translation.letter_id: translation
        for translation in LetterTranslation.objects.filter(
            letter__in=[letter.pk for letter in letters], language=language
        )
    }
    return [
        _translated_copy(letter, translations[letter.pk]) if letter.pk in translations else letter
        for letter in letters
    ]


def _translated_copy(letter: Letter, translation: LetterTranslation) -> Letter:
    """A copy: the original object, which caches may share, is left alone."""
    shown = copy.copy(letter)
    shown.title = translation.title
    return shown
