"""The public directory: open, won and closed petitions, open letters and upcoming events,
searchable, with their counts, in pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.campaigns.translations import campaign_translation_save
from groundswell.directory.providers import (
    DirectoryError,
    directory_provider_register,
    directory_wiring,
)
from groundswell.events.models import EventStatus
from groundswell.letters.models import Letter, LetterStatus
from groundswell.letters.services.letters import letter_create
from groundswell.letters.translations import letter_translation_save

pytestmark = pytest.mark.django_db

WIRING = [
    "petitions: groundswell.directory.listings.petitions",
    "letters: groundswell.directory.listings.letters_open",
    "events: groundswell.directory.listings.events_upcoming",
]


def page(client, query="", **headers):
    return client.get(reverse("directory:directory") + query, **headers)


@pytest.fixture
def listed(make_campaign, host):
    open_one = make_campaign(organization=host, title="Cancel the Northwind contract")
    Campaign.objects.filter(pk=open_one.pk).update(signature_count=1234)
    won = make_campaign(
        organization=host, status=CampaignStatus.WON, title="Fund the library", target_name="Mayor"
    )
    closed = make_campaign(organization=host, status=CampaignStatus.CLOSED, title="Old fight")
    draft = make_campaign(organization=host, status=CampaignStatus.DRAFT, title="Secret plan")
    letter = letter_create(
        organization=host,
        slug="workers-letter",
        title="Workers against the contract",
        addressee="Dana Whitfield",
        text="We ask.",
    )
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.OPEN, signatory_count=56)
    return {"open": open_one, "won": won, "closed": closed, "draft": draft, "letter": letter}


def test_every_provider_is_listed():
    assert directory_wiring() == WIRING


def test_providers_are_registered_only_while_the_apps_load():
    with pytest.raises(DirectoryError):
        directory_provider_register("late", lambda query: [])


def test_it_lists_open_won_and_closed_petitions_and_open_letters_with_counts(client, listed):
    html = page(client).content.decode()

    for title in ("Cancel the Northwind contract", "Fund the library", "Old fight"):
        assert title in html
    assert "Workers against the contract" in html
    assert "Secret plan" not in html
    assert "1,234 signatures" in html
    assert "56 signatories" in html
    assert html.index("Cancel the Northwind contract") < html.index("Fund the library")


def test_it_searches_titles_and_targets_in_any_case(client, listed):
    by_title = page(client, "?q=CANCEL+THE").content.decode()
    by_target = page(client, "?q=mayor").content.decode()

    assert "Cancel the Northwind contract" in by_title and "Fund the library" not in by_title
    assert "Fund the library" in by_target and "Old fight" not in by_target


def test_it_pages(client, make_campaign, host):
    for number in range(25):
        make_campaign(organization=host, title=f"Petition number {number}")

    first = page(client).content.decode()
    second = page(client, "?page=2").content.decode()

    assert first.count('data-kind="petition"') == 20
    assert second.count('data-kind="petition"') == 5
    assert 'href="?page=2"' in first


@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?page=99", "?page=²"])
def test_it_refuses_bad_pages(client, listed, query):
    assert page(client, query).status_code == 400


def test_it_costs_one_query_per_provider_however_many_are_listed(
    client, listed, events, make_campaign, make_event, host, django_assert_max_num_queries
):
    for number in range(10):
        make_campaign(organization=host, title=f"More {number}")
        make_event(title=f"Meeting {number}")

    with django_assert_max_num_queries(len(WIRING)):
        assert page(client).status_code == 200


def test_a_spanish_reader_sees_the_organizers_translated_titles_at_a_constant_cost(
    client, listed, make_campaign, host, django_assert_num_queries
):
    campaign_translation_save(
        campaign=listed["open"],
        language="es",
        title="Cancelen el contrato",
        ask="Sí.",
        background="",
    )
    campaign_translation_save(
        campaign=listed["won"],
        language="es",
        title="Financien la biblioteca",
        ask="Sí.",
        background="",
    )
    letter_translation_save(
        letter=listed["letter"], language="es", title="Trabajadores contra el contrato", text="Sí."
    )
    for number in range(7):  # everything still fits on the first page
        make_campaign(organization=host, title=f"More {number}")
        letter = letter_create(
            organization=host,
            slug=f"letter-{number}",
            title=f"Letter {number}",
            addressee="Dana Whitfield",
            text="We ask.",
        )
        Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.OPEN)

    # One query per provider, and one for each kind's translations of everything listed.
    with django_assert_num_queries(len(WIRING) + 2):
        spanish = page(client, "", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    with django_assert_num_queries(len(WIRING)):
        english = page(client, "", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for title in ("Cancelen el contrato", "Financien la biblioteca", "Trabajadores contra el"):
        assert title in spanish and title not in english
    for original in ("Cancel the Northwind contract", "Fund the library", "Workers against the"):
        assert original not in spanish and original in english
    assert "Old fight" in spanish and "Letter 6" in spanish


def test_a_spanish_reader_finds_a_petition_or_letter_by_the_title_shown_to_them(client, listed):
    campaign_translation_save(
        campaign=listed["open"],
        language="es",
        title="Cancelen el contrato",
        ask="Sí.",
        background="",
    )
    letter_translation_save(
        letter=listed["letter"], language="es", title="Trabajadores unidos", text="Sí."
    )

    petition = page(client, "?q=CANCELEN", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    letter = page(client, "?q=unidos", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    by_original = page(client, "?q=northwind", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    in_english = page(client, "?q=cancelen", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Cancelen el contrato" in petition and "Trabajadores unidos" not in petition
    assert "Trabajadores unidos" in letter and "Cancelen el contrato" not in letter
    assert "Cancelen el contrato" in by_original
    assert "Cancel the Northwind contract" not in in_english


@pytest.fixture
def events(make_event):
    past = timezone.now() - timedelta(days=3)
    return {
        "upcoming": make_event(
            slug="town-hall", title="Town hall on the contract", place_name="Union Hall"
        ),
        "draft": make_event(
            slug="secret-meeting", title="Secret meeting", status=EventStatus.DRAFT
        ),
        "cancelled": make_event(
            slug="called-off", title="Called-off vigil", status=EventStatus.CANCELLED
        ),
        "past": make_event(
            slug="old-march", title="Old march", starts_at=past, ends_at=past + timedelta(hours=2)
        ),
    }


def test_it_lists_published_events_still_to_come_with_date_and_place(client, events):
    html = page(client).content.decode()

    assert "Town hall on the contract" in html
    assert 'href="/e/town-hall/"' in html
    assert "Union Hall" in html and "(Europe/Madrid)" in html
    assert 'data-kind="event"' in html
    for title in ("Secret meeting", "Called-off vigil", "Old march"):
        assert title not in html


def test_it_searches_events_by_title_and_place_in_any_case(client, events, listed):
    by_title = page(client, "?q=TOWN+HALL").content.decode()
    by_place = page(client, "?q=union").content.decode()
    elsewhere = page(client, "?q=library").content.decode()

    assert "Town hall on the contract" in by_title and "Cancel the Northwind" not in by_title
    assert "Town hall on the contract" in by_place
    assert "Town hall on the contract" not in elsewhere and "Fund the library" in elsewhere
