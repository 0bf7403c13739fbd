"""The demo petition reads in Spanish to a visitor reading Spanish: its words, not only the
page around them."""

import pytest

from groundswell.campaigns.translations import campaign_translation_get, campaign_translation_save
from groundswell.demo.seed import SPANISH, demo_seed

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Northwind Cloud: cancel the $19.4 million deportation contract"


def test_the_demo_petition_is_in_spanish_for_spanish_readers_and_in_english_otherwise(client):
    campaign = demo_seed().campaign

    spanish = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "cancele el contrato de deportaciones" in spanish
    assert "contrato de 19,4 millones de dólares</strong>" in spanish
    assert ENGLISH_TITLE not in spanish
    assert ENGLISH_TITLE in english
    assert "cancele el contrato" not in english


def test_seeding_the_demo_again_keeps_an_organizers_edit_of_the_translation():
    campaign = demo_seed().campaign
    campaign_translation_save(
        campaign=campaign, language="es", title="Otro título", ask=SPANISH["ask"], background=""
    )

    demo_seed()

    assert campaign_translation_get(campaign=campaign, language="es").title == "Otro título"
