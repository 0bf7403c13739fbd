import time

import pytest
from django.urls import reverse

from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.signatures.services import signature_withdraw

pytestmark = pytest.mark.django_db


def test_the_petition_page_shows_the_ask_target_progress_and_form(client, campaign, signed):
    signed(confirm=True)

    response = client.get(campaign.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert campaign.ask in body
    assert "Dana Whitfield, CEO, Northwind Cloud" in body
    assert 'aria-valuenow="1"' in body
    assert 'name="email"' in body and 'for="id_email"' in body


def test_it_lists_only_confirmed_signers_who_chose_to_be_shown(client, campaign, signed):
    signed(confirm=True, name="Public Person", email="a@example.org", show_name=True)
    signed(confirm=True, name="Private Person", email="b@example.org", show_name=False)
    signed(confirm=False, name="Pending Person", email="c@example.org", show_name=True)

    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "Public Person" in body
    assert "Private Person" not in body
    assert "Pending Person" not in body
    assert "@example.org" not in body


def test_background_markdown_is_rendered_without_scripts(client, make_campaign):
    campaign = make_campaign(
        background="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)"
    )

    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "<strong>Bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "javascript:" not in body
    assert 'href="https://a.example"' in body


def test_a_source_code_in_the_address_is_carried_into_the_form(client, campaign):
    body = client.get(campaign.get_absolute_url() + "?source=newsletter").content.decode()

    assert 'name="source" value="newsletter"' in body


def test_the_page_makes_a_bounded_number_of_queries(
    client, campaign, signed, django_assert_max_num_queries
):
    for number in range(20):
        signed(confirm=True, email=f"p{number}@example.org", show_name=True)

    # The campaign, its partners, recent signers, public comments, the count per day (its chart),
    # and what higher apps add (petition_sections): the timeline (which also tells the target's
    # stance: its responses are read only when it has some), deliveries, events and the
    # checkpoint behind the count. One query each, whatever the number of rows.
    with django_assert_max_num_queries(9):
        client.get(campaign.get_absolute_url())


def test_the_json_gives_the_confirmed_deduplicated_count(client, campaign, signed):
    signed(confirm=True, email="a@example.org")
    signed(confirm=True, email="A+again@example.org")
    signed(confirm=False, email="b@example.org")

    response = client.get(reverse("campaigns:petition_json", kwargs={"slug": campaign.slug}))

    data = response.json()
    assert response["Content-Type"] == "application/json"
    assert data["slug"] == campaign.slug
    assert data["title"] == campaign.title
    assert data["status"] == "open"
    assert data["goal"] == 100
    assert data["signature_count"] == 1
    assert data["updated_at"]


def test_drafts_are_invisible_to_the_public(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:petition_json", args=[draft.slug])).status_code == 404


def test_closed_campaigns_show_their_count_but_no_form(client, make_campaign):
    closed = make_campaign(status=CampaignStatus.CLOSED)

    body = client.get(closed.get_absolute_url()).content.decode()

    assert "no longer takes signatures" in body
    assert 'name="email"' not in body


def test_the_home_page_lists_open_campaigns(client, campaign, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT, title="Secret draft")

    body = client.get("/").content.decode()

    assert campaign.title in body
    assert draft.title not in body
    assert Campaign.objects.count() == 2


def test_anonymous_views_are_served_from_a_short_lived_cache(
    client, campaign, signed, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    json_url = reverse("campaigns:petition_json", args=[campaign.slug])
    first_page = client.get(campaign.get_absolute_url())
    first_json = client.get(json_url)
    signed(confirm=True)

    with django_assert_max_num_queries(0):
        cached_page = client.get(campaign.get_absolute_url())
        cached_json = client.get(json_url)

    assert cached_page.content == first_page.content
    assert cached_json.json()["signature_count"] == 0
    assert cached_json["Access-Control-Allow-Origin"] == "*"
    assert "max-age=5" in cached_page["Cache-Control"]
    assert "public" in cached_page["Cache-Control"]
    assert first_json.json() == cached_json.json()


def test_a_withdrawn_signers_name_leaves_every_copy_of_the_page_when_its_time_is_up(
    client, campaign, signed, settings, monkeypatch
):
    """The shared cache's copy and each process's copy of it hold the names signers chose to
    show; once PUBLIC_PAGE_CACHE_SECONDS are up, the next request renders the page without the
    withdrawn name (a stale copy is served only to others while such a render runs:
    tests/core/test_page_cache.py)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    ada = signed(name="Ada Lovelace", show_name=True)
    assert "Ada Lovelace" in client.get(campaign.get_absolute_url()).content.decode()

    signature_withdraw(signature=ada, reason="withdrawn")
    # Within the copy's time, the copy is what everyone gets (from this process's memory).
    assert "Ada Lovelace" in client.get(campaign.get_absolute_url()).content.decode()
    later = time.time() + 6, time.monotonic() + 6
    monkeypatch.setattr(time, "time", lambda: later[0])
    monkeypatch.setattr(time, "monotonic", lambda: later[1])

    assert "Ada Lovelace" not in client.get(campaign.get_absolute_url()).content.decode()


def test_a_visitor_from_a_tagged_link_gets_the_cached_page_without_the_tag(
    client, campaign, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    page = client.get(campaign.get_absolute_url() + "?fbclid=IwAR0first&utm_source=feed")

    with django_assert_max_num_queries(0):
        again = client.get(campaign.get_absolute_url() + "?fbclid=IwAR0second")
        plain = client.get(campaign.get_absolute_url())

    assert again.content == plain.content == page.content
    assert b"IwAR0" not in page.content and b"utm_source" not in page.content


def test_organizers_with_a_session_always_see_fresh_pages(
    client, owner, campaign, signed, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    client.force_login(owner)
    client.get(campaign.get_absolute_url())
    signed(confirm=True)

    body = client.get(campaign.get_absolute_url()).content.decode()

    assert 'aria-valuenow="1"' in body


@pytest.mark.parametrize(
    "cookies",
    [
        {"sessionid": "junk"},
        {"sessionid": "a" * 32},
        {"messages": "junk"},
        {"messages": "W1siX19qc29uX21lc3NhZ2UiLDAsMjAsImhpIl1d:forged"},
        {"csrftoken": "x", "tracking": "y"},
    ],
)
def test_a_cookie_that_is_neither_a_login_nor_a_message_does_not_skip_the_cache(
    client, campaign, signed, settings, django_assert_max_num_queries, cookies
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    first = client.get(campaign.get_absolute_url())
    signed(confirm=True)
    for name, value in cookies.items():
        client.cookies[name] = value

    # At most the session lookup that finds no such session; no page is rendered.
    with django_assert_max_num_queries(1):
        again = client.get(campaign.get_absolute_url())

    assert again.content == first.content
    assert 'aria-valuenow="0"' in again.content.decode()


def test_a_visitor_with_a_message_waiting_sees_it_on_a_fresh_page(
    client, campaign, signed, settings
):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    client.get(campaign.get_absolute_url())
    signed(confirm=True)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "Welcome aboard")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    body = client.get(campaign.get_absolute_url()).content.decode()

    assert "Welcome aboard" in body
    assert 'aria-valuenow="1"' in body
