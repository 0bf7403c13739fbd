"""Organizers write a petition's words in Spanish: visitors reading Spanish see them, with the
version of the original they translate; everyone else, and anything untranslated, sees the
original. A translation is not a new text version."""

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.campaigns.models import CampaignTranslation, CampaignVersion
from groundswell.campaigns.translations import campaign_translation_save
from groundswell.signatures.links import withdrawal_url
from groundswell.signatures.services import petition_update
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def translate(campaign, **overrides):
    values = {
        "title": "Cancelen el contrato",
        "ask": "Cancelen el contrato con la policía.",
        "background": "Un **contrato** peligroso.",
    }
    return campaign_translation_save(campaign=campaign, language="es", **{**values, **overrides})


def test_an_organizer_writes_the_spanish_version_beside_the_original(client, owner, campaign):
    client.force_login(owner)
    url = reverse("organizer:campaign_translation", args=[campaign.slug, "es"])

    form = client.get(url).content.decode()
    saved = client.post(
        url, {"title": "Cancelen el contrato", "ask": "Cancelen el contrato.", "background": ""}
    )

    assert campaign.ask in form
    assert saved.status_code == 302
    translation = CampaignTranslation.objects.get()
    assert (translation.language, translation.title) == ("es", "Cancelen el contrato")
    assert translation.text_version == campaign.text_version


def test_it_refuses_markup_and_unknown_languages_and_changes_nothing(client, owner, campaign):
    client.force_login(owner)
    url = reverse("organizer:campaign_translation", args=[campaign.slug, "es"])

    refused = client.post(url, {"title": "<b>Hola</b>", "ask": "Sí.", "background": ""})
    unknown = client.get(reverse("organizer:campaign_translation", args=[campaign.slug, "xx"]))

    assert refused.status_code == 400
    assert unknown.status_code == 404
    assert CampaignTranslation.objects.count() == 0


def test_visitors_reading_spanish_see_the_translation_and_others_the_original(client, campaign):
    translate(campaign)

    spanish = client.get(campaign.get_absolute_url(), **SPANISH).content.decode()
    english = client.get(campaign.get_absolute_url(), **ENGLISH).content.decode()

    assert "<h1>Cancelen el contrato</h1>" in spanish
    assert "<strong>contrato</strong>" in spanish
    assert "Traducido por los organizadores a partir de la versión 1 del texto." in spanish
    assert f"<h1>{campaign.title}</h1>" in english
    assert "Cancelen" not in english
    assert CampaignVersion.objects.filter(campaign=campaign).count() <= 1


def test_the_page_says_when_the_original_has_moved_on(client, campaign, signed):
    translate(campaign)
    signed(confirm=True)
    petition_update(campaign=campaign, data={"ask": "A sharper ask."}, change_note="Sharper.")

    page = client.get(campaign.get_absolute_url(), **SPANISH).content.decode()

    assert "a partir de la versión 1 del texto" in page
    assert "usted firma su texto actual, la versión 2" in page


def test_the_confirmation_email_uses_the_translated_title(client, campaign):
    translate(campaign)

    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(), **SPANISH)

    assert mail.outbox[-1].subject == "Confirme su firma, por favor: Cancelen el contrato"


def signer_pages(client, campaign, signed):
    """Every page a signer reads after the petition, in the order they meet them."""
    from groundswell.signatures.links import receipt_path
    from groundswell.signatures.services import confirmation_token_make

    pending = signed(confirm=False, email="pending@example.org")
    token = confirmation_token_make(public_id=pending.public_id)
    confirm_url = reverse("signatures:confirm", args=[campaign.slug, token])
    confirmed = signed(confirm=True)
    yield "thanks", client.get(reverse("signatures:thanks", args=[campaign.slug]), **SPANISH)
    yield "confirm", client.get(confirm_url, **SPANISH)
    yield "confirmed", client.post(confirm_url, **SPANISH)
    yield "confirmed again", client.get(confirm_url, **SPANISH)
    withdraw = withdrawal_url(campaign_slug=campaign.slug, public_id=confirmed.public_id)
    yield "withdraw", client.get(withdraw.removeprefix("https://sign.example.org"), **SPANISH)
    comments = reverse("campaigns:petition_comments", args=[campaign.slug])
    yield "comments", client.get(comments, **SPANISH)
    receipt = receipt_path(campaign_slug=campaign.slug, public_id=confirmed.public_id)
    yield "receipt", client.get(receipt, **SPANISH)


def test_the_pages_after_signing_keep_the_translated_title(client, campaign, signed):
    translate(campaign)

    for page, response in signer_pages(client, campaign, signed):
        body = response.content.decode()
        assert response.status_code == 200, page
        assert "Cancelen el contrato" in body, page
        assert campaign.title not in body, page


def test_the_posters_and_the_embed_thanks_page_keep_the_translated_title(
    client, campaign, make_org
):
    from groundswell.coalitions.models import Partner

    translate(campaign)
    Partner.objects.create(campaign=campaign, organization=make_org("Partner"), slug="mjn")
    poster = reverse("campaigns:petition_poster", args=[campaign.slug])
    pages = {
        "poster": client.get(poster, **SPANISH),
        "partner's poster": client.get(f"{poster}?partner=mjn", **SPANISH),
        "QR code": client.get(reverse("campaigns:petition_qr", args=[campaign.slug]), **SPANISH),
        "embed thanks": client.get(
            reverse("campaigns:petition_embed_thanks", args=[campaign.slug]), **SPANISH
        ),
    }

    for page, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, page
        assert "Cancelen el contrato" in body, page
        assert campaign.title not in body, page


def test_the_home_page_lists_every_campaign_by_its_translated_title_in_one_query(
    client, campaign, make_campaign, django_assert_num_queries
):
    from groundswell.campaigns.models import CampaignStatus

    won = make_campaign(status=CampaignStatus.WON, title="Won campaign")
    lost = make_campaign(status=CampaignStatus.LOST, title="Lost campaign")
    untranslated = make_campaign(title="Still in English")
    translate(campaign)
    translate(won, title="Campaña ganada")
    translate(lost, title="Campaña perdida")

    # The open list, the ended list and every listed campaign's translation.
    with django_assert_num_queries(3):
        spanish = client.get("/", **SPANISH).content.decode()
    english = client.get("/", **ENGLISH).content.decode()

    for title in ("Cancelen el contrato", "Campaña ganada", "Campaña perdida"):
        assert title in spanish
    assert untranslated.title in spanish
    for original in (campaign.title, won.title, lost.title):
        assert original not in spanish
        assert original in english
    assert "Campaña" not in english
