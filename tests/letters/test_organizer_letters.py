"""Olivia sets up an open letter: text, categories, opening it, editing it after people sign."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from groundswell.core.models import OutboundEmail
from groundswell.letters.models import (
    DisplayChoice,
    Letter,
    LetterCategory,
    LetterStatus,
    LetterVersion,
    Signatory,
    SignatoryStatus,
)
from groundswell.letters.services.letters import letter_text_update

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def letter_data(**overrides):
    data = {
        "title": "Scholars against the contract",
        "addressee": "The board of Northwind Cloud",
        "text": "We, scholars, object.",
        "change_note": "",
        "campaign": "",
    }
    data.update(overrides)
    return data


def test_an_organizer_creates_a_draft_letter_with_version_1(client, owner, host, campaign):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_new"),
        letter_data(organization=host.pk, slug="scholars", campaign=campaign.pk),
    )

    assert response.status_code == 302
    letter = Letter.objects.get(slug="scholars")
    assert letter.status == LetterStatus.DRAFT
    assert letter.campaign == campaign
    assert letter.current_version.number == 1
    assert letter.current_version.text == "We, scholars, object."
    assert response["Location"] == reverse("organizer:letter", kwargs={"slug": "scholars"})


def test_a_letter_cannot_join_another_organizations_campaign(
    client, owner, host, make_campaign, make_org
):
    client.force_login(owner)
    foreign = make_campaign(organization=make_org())

    response = client.post(
        reverse("organizer:letter_new"),
        letter_data(organization=host.pk, slug="scholars", campaign=foreign.pk),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Letter.objects.exists()


def test_a_taken_web_address_is_refused(client, owner, host, letter):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_new"), letter_data(organization=host.pk, slug=letter.slug)
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_viewer_cannot_create_letters(client, viewer):
    client.force_login(viewer)

    response = client.get(reverse("organizer:letter_new"))

    assert response.status_code == 302
    assert "You need to be an organizer" in messages_of(response)[0]


def test_categories_are_added_with_their_rules(client, owner, make_letter):
    letter = make_letter(status=LetterStatus.DRAFT, categories=[])
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_category_new", kwargs={"slug": letter.slug}),
        {
            "name": "Scientists and scholars",
            "slug": "scholars",
            "count_label": "scholars",
            "position": "0",
            "allowed_domains": "*.EDU, ac.uk\nlakeside.example",
            "requires_moderation": "on",
        },
    )

    assert response.status_code == 302
    category = LetterCategory.objects.get(letter=letter)
    assert category.allowed_domains == [".edu", "ac.uk", "lakeside.example"]
    assert category.requires_moderation


def test_a_malformed_domain_is_refused(client, owner, letter):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_category_new", kwargs={"slug": letter.slug}),
        {"name": "X", "slug": "x", "position": "0", "allowed_domains": "not a@domain"},
    )

    assert response.status_code == 200
    assert "is not an e-mail domain" in response.content.decode()


def test_a_category_short_name_is_unique_per_letter(client, owner, letter):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_category_new", kwargs={"slug": letter.slug}),
        {"name": "Again", "slug": "employees", "position": "0"},
    )

    assert response.status_code == 200
    assert "already has a category with that short name" in response.content.decode()


def test_a_category_is_edited(client, owner, letter):
    client.force_login(owner)
    url = reverse(
        "organizer:letter_category_edit", kwargs={"slug": letter.slug, "category": "employees"}
    )

    assert "northwind.example" in client.get(url).content.decode()
    client.post(
        url,
        {"name": "Northwind staff", "slug": "employees", "position": "0", "allowed_domains": ""},
    )

    category = LetterCategory.objects.get(letter=letter, slug="employees")
    assert category.name == "Northwind staff"
    assert category.allowed_domains == []


def test_a_letter_opens_only_with_a_category(client, owner, make_letter):
    empty = make_letter(status=LetterStatus.DRAFT, categories=[])
    ready = make_letter(status=LetterStatus.DRAFT)
    client.force_login(owner)

    refused = client.post(
        reverse("organizer:letter_action", kwargs={"slug": empty.slug, "action": "publish"})
    )
    client.post(
        reverse("organizer:letter_action", kwargs={"slug": ready.slug, "action": "publish"})
    )

    assert "Add at least one signatory category" in messages_of(refused)[0]
    assert Letter.objects.get(pk=empty.pk).status == LetterStatus.DRAFT
    assert Letter.objects.get(pk=ready.pk).status == LetterStatus.OPEN


def test_an_unknown_action_is_refused(client, owner, letter):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:letter_action", kwargs={"slug": letter.slug, "action": "explode"})
    )

    assert "Unknown action." in messages_of(response)[0]


def test_before_anyone_signs_an_edit_changes_version_1_in_place(client, owner, letter):
    client.force_login(owner)

    client.post(
        reverse("organizer:letter_edit", kwargs={"slug": letter.slug}),
        letter_data(text="A better text."),
    )

    assert LetterVersion.objects.filter(letter=letter).count() == 1
    assert Letter.objects.get(pk=letter.pk).current_version.text == "A better text."


def test_after_someone_signs_an_edit_needs_a_note_and_makes_version_2(
    client, owner, letter, sign_letter
):
    signatory = sign_letter(letter)
    client.force_login(owner)
    url = reverse("organizer:letter_edit", kwargs={"slug": letter.slug})

    refused = client.post(url, letter_data(text="A changed text."))
    client.post(url, letter_data(text="A changed text.", change_note="Clearer demands."))

    assert refused.status_code == 200
    assert "People have already signed this text" in refused.content.decode()
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.current_version.number == 2
    assert letter.current_version.change_note == "Clearer demands."
    signatory.refresh_from_db()
    assert signatory.version.number == 1
    assert signatory.version.text.startswith("We, the undersigned")


def test_signers_of_an_older_version_are_told_once_by_their_personal_email(
    client, owner, letter, sign_letter
):
    told = sign_letter(letter, personal_email="ada@example.org", name="Wen Okafor")
    sign_letter(letter, name="No Email", work_email="noemail@northwind.example")
    sign_letter(
        letter,
        verify=False,
        name="Unverified",
        work_email="u@northwind.example",
        personal_email="u@example.org",
    )
    letter_text_update(letter=letter, text="Version two.", change_note="Added a deadline.")
    sign_letter(
        letter, name="New", work_email="new@northwind.example", personal_email="n@example.org"
    )
    mail.outbox.clear()
    client.force_login(owner)
    url = reverse("organizer:letter_notify", kwargs={"slug": letter.slug})

    response = client.post(url)
    again = client.post(url)

    assert "1 signer of an older version will be told" in messages_of(response)[0]
    assert "0 signers" in messages_of(again)[-1]
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    body = mail.outbox[0].body
    assert "Added a deadline." in body
    assert "You signed version 1" in body
    assert f"/letters/{letter.slug}/history/" in body
    assert "Okafor" not in body and "Wen" not in body
    told.refresh_from_db()
    assert told.notified_of_version == 2
    assert not OutboundEmail.objects.filter(to__endswith="northwind.example").exists()


def test_there_is_nothing_to_tell_before_the_text_changes(client, owner, letter, sign_letter):
    sign_letter(letter, personal_email="ada@example.org")
    client.force_login(owner)

    response = client.post(reverse("organizer:letter_notify", kwargs={"slug": letter.slug}))

    assert "The text has not changed" in messages_of(response)[0]
    # Only the verification e-mail and the personal address's confirmation request.
    assert len(mail.outbox) == 2


def test_the_detail_page_offers_the_notice_when_someone_needs_it(
    client, owner, letter, sign_letter
):
    sign_letter(letter, personal_email="ada@example.org")
    letter_text_update(letter=letter, text="Version two.", change_note="Added a deadline.")
    client.force_login(owner)

    body = client.get(reverse("organizer:letter", kwargs={"slug": letter.slug})).content.decode()

    assert "Tell them about the change" in body
    assert "1 signer of an older version gave an e-mail" in body


def test_recount_repairs_drifted_counts(client, owner, letter, sign_letter):
    sign_letter(letter)
    Letter.objects.filter(pk=letter.pk).update(signatory_count=99)
    LetterCategory.objects.filter(letter=letter).update(signatory_count=7)
    client.force_login(owner)

    response = client.post(reverse("organizer:letter_recount", kwargs={"slug": letter.slug}))

    assert "99 before, 1 now" in messages_of(response)[0]
    assert Letter.objects.get(pk=letter.pk).signatory_count == 1
    assert dict(
        LetterCategory.objects.filter(letter=letter).values_list("slug", "signatory_count")
    ) == {
        "employees": 1,
        "scholars": 0,
        "supporters": 0,
    }


def test_the_list_shows_only_letters_of_my_organizations(
    client, owner, letter, make_letter, make_org
):
    foreign = make_letter(organization=make_org(), title="Someone else's letter")
    client.force_login(owner)

    body = client.get(reverse("organizer:letter_list")).content.decode()

    assert letter.title in body
    assert foreign.title not in body


def test_the_detail_page_shows_verification_emails_that_could_not_be_sent(
    client, owner, letter, monkeypatch
):
    from smtplib import SMTPRecipientsRefused

    from groundswell.core.models import EmailFailure
    from tests.letters.conftest import sign_form_data

    def refused(self, *args, **kwargs):
        raise SMTPRecipientsRefused({"ada@northwind.example": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    client.post(reverse("letters:sign", kwargs={"slug": letter.slug}), sign_form_data(letter))
    monkeypatch.undo()
    client.force_login(owner)

    body = client.get(reverse("organizer:letter", kwargs={"slug": letter.slug})).content.decode()

    email = OutboundEmail.objects.get()
    assert email.failure == EmailFailure.RECIPIENT_REFUSED
    assert email.to == ""  # a work address is not kept once its e-mail is done with, failed or not
    assert "1 e-mail could not be sent" in body
    assert "refused the address" in body
    assert "ada@" not in body


def test_the_detail_page_shows_counts_by_status(client, viewer, letter, sign_letter):
    sign_letter(letter)
    sign_letter(letter, category="scholars", approve=False, name="Waiting")
    client.force_login(viewer)

    body = client.get(reverse("organizer:letter", kwargs={"slug": letter.slug})).content.decode()

    assert 'data-testid="approved-count">1<' in body
    assert 'data-testid="moderation-count">1<' in body
    # Viewers see figures, not people.
    assert reverse("organizer:letter_signatories", kwargs={"slug": letter.slug}) not in body
    assert Signatory.objects.filter(status=SignatoryStatus.AWAITING_MODERATION).count() == 1
    assert DisplayChoice.PUBLIC in {s.display for s in Signatory.objects.all()}


def test_the_campaign_page_links_to_the_letters(client, owner, campaign):
    client.force_login(owner)

    body = client.get(
        reverse("organizer:campaign", kwargs={"slug": campaign.slug})
    ).content.decode()

    assert reverse("organizer:letter_list") in body


def test_the_list_takes_a_few_queries(client, owner, make_letter, django_assert_max_num_queries):
    for _number in range(8):
        make_letter()
    client.force_login(owner)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("organizer:letter_list"))

    assert response.status_code == 200


def test_marking_a_letter_delivered_first_says_what_it_does(client, owner, letter):
    client.force_login(owner)
    url = reverse(
        "organizer:letter_action", kwargs={"slug": letter.slug, "action": "mark_delivered"}
    )

    page = client.get(url).content.decode()
    detail = client.get(reverse("organizer:letter", kwargs={"slug": letter.slug})).content.decode()

    assert "This cannot be undone." in page
    assert f'action="{url}"' in page
    assert f'href="{url}"' in detail
    letter.refresh_from_db()
    assert letter.status == LetterStatus.OPEN
