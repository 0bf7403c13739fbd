"""An open letter's page has share buttons and a link-preview picture with its count."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from groundswell.core import share_images
from groundswell.letters.models import Letter, LetterStatus
from groundswell.letters.translations import letter_translation_save
from tests.letters.test_translations import SPANISH

pytestmark = pytest.mark.django_db


def test_the_letter_page_has_share_buttons_and_preview_tags(client, letter):
    html = client.get(letter.get_absolute_url()).content.decode()

    assert f'content="http://testserver/letters/{letter.slug}/share.png"' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "https://wa.me/?text=" in html


def test_its_picture_is_1200_by_630_and_follows_the_count(client, letter, settings):
    settings.SHARE_IMAGE_SECONDS = 0
    url = reverse("letters:share_image", args=[letter.slug])
    before = client.get(url).content
    Letter.objects.filter(pk=letter.pk).update(signatory_count=4321)

    after = client.get(url).content

    assert Image.open(io.BytesIO(after)).size == (1200, 630)
    assert before != after


def test_a_spanish_reader_gets_the_picture_with_the_translated_title(
    client, letter, settings, monkeypatch
):
    settings.SHARE_IMAGE_SECONDS = 0
    drawn: list[str] = []
    monkeypatch.setattr(
        share_images, "share_image_render", lambda image: drawn.append(image.title) or b"png"
    )
    url = reverse("letters:share_image", args=[letter.slug])
    client.get(url, **SPANISH)
    letter_translation_save(letter=letter, language="es", title="Contra el contrato", text="Sí.")

    client.get(url, **SPANISH)

    assert drawn == [letter.title, "Contra el contrato"]


def test_a_draft_letter_has_no_picture(client, make_letter):
    draft = make_letter(status=LetterStatus.DRAFT)

    assert client.get(reverse("letters:share_image", args=[draft.slug])).status_code == 404


def test_the_page_after_signing_has_share_buttons(client, letter):
    html = client.get(reverse("letters:thanks", args=[letter.slug])).content.decode()

    assert "https://bsky.app/intent/compose?text=" in html
    assert f'value="http://testserver/letters/{letter.slug}/"' in html
