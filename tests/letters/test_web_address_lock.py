"""A published letter keeps its web address: every e-mailed link uses it."""

import pytest
from django.urls import reverse

from groundswell.letters.models import Letter, LetterStatus

pytestmark = pytest.mark.django_db

LOCKED = "cannot change once"


def letter_edit(client, letter, **changes):
    data = {
        "title": "New title",
        "addressee": letter.addressee,
        "text": letter.current_version.text,
        "change_note": "",
        "campaign": "",
        "slug": letter.slug,
    }
    data.update(changes)
    return client.post(reverse("organizer:letter_edit", kwargs={"slug": letter.slug}), data)


@pytest.mark.parametrize("status", [LetterStatus.OPEN, LetterStatus.CLOSED])
def test_a_published_letters_address_is_refused_and_nothing_changes(
    client, owner, make_letter, status
):
    letter = make_letter(slug="northwind-workers", title="Workers", status=status)
    client.force_login(owner)

    page = client.get(reverse("organizer:letter_edit", kwargs={"slug": letter.slug}))
    response = letter_edit(client, letter, slug="renamed")

    body = page.content.decode()
    assert 'name="slug" value="northwind-workers"' in body
    assert "readonly" in body.split('name="slug"')[1].split(">")[0]
    assert "Fixed since the letter was published" in body
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    stored = Letter.objects.get(pk=letter.pk)
    assert (stored.slug, stored.title) == ("northwind-workers", "Workers")


def test_a_draft_letters_address_may_change(client, owner, make_letter):
    letter = make_letter(slug="draft-letter", status=LetterStatus.DRAFT)
    client.force_login(owner)

    response = letter_edit(client, letter, slug="better-letter")

    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).slug == "better-letter"


def test_the_django_admin_shows_a_published_address_read_only(client, campaign, make_letter):
    from groundswell.accounts.models import User

    letter = make_letter(slug="northwind-workers")
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))

    for url in (
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        reverse("admin:letters_letter_change", args=[letter.pk]),
    ):
        assert 'name="slug"' not in client.get(url).content.decode(), url
