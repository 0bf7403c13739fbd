"""The language: chosen from Accept-Language, changed with the switcher on every page, remembered
in a cookie, and never mixed up by the public page cache."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.conftest import confirmation_link_from_outbox, sign_data
from tests.core.test_content_security_policy import ANONYMOUS, visits
from tests.core.test_content_security_policy import world as world  # the fixture
from tests.delivery.conftest import (  # noqa: F401 (fixtures)
    _delivery_isolated,
    checkpoint_key_file,
    confirm_many,
)
from tests.events.conftest import (  # noqa: F401 (fixtures)
    make_event,
    rsvp_form,
    rsvped,
    ticket_token,
)
from tests.letters.conftest import (  # noqa: F401 (fixtures)
    letter,
    make_letter,
    sign_form_data,
    sign_letter,
)

pytestmark = pytest.mark.django_db

COOKIE = django_settings.LANGUAGE_COOKIE_NAME
SWITCHER = re.compile(r'<form method="post" action="/i18n/setlang/" class="language-switcher"')
HTML_LANG = re.compile(r'<html lang="([^"]+)"')
# Django's own pages for a forgotten password, drawn as its admin is (in the language chosen,
# without a switcher): only organizers use them, coming from the login page, which has one.
DJANGO_ACCOUNT_PAGES = ("/accounts/password_reset/", "/accounts/reset/")
# The API's reference for developers (django-ninja's Swagger UI): English, like the API itself.
API_REFERENCE = "/api/v1/"


def switch(client, language: str, back_to: str):
    return client.post(reverse("set_language"), {"language": language, "next": back_to})


def test_the_switcher_sets_the_language_and_it_sticks(client, campaign):
    petition = campaign.get_absolute_url() + "?partner=faith-united&source=mail"
    before = client.get(petition, HTTP_ACCEPT_LANGUAGE="en")

    response = switch(client, "es", petition)

    assert 'value="es"' in before.content.decode()
    assert response.status_code == 302
    assert response["Location"] == petition
    cookie = response.cookies[COOKIE]
    assert cookie.value == "es"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    for path in (petition, "/", reverse("login")):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert HTML_LANG.search(page)[1] == "es", path
        assert "Acceso para organizadores" in page


def test_switching_back_to_english_sticks_too(client, campaign):
    switch(client, "es", "/")

    switch(client, "en", "/")

    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page and "Sign the petition" in page


def test_the_switcher_needs_no_csrf_token_as_pages_from_the_cache_carry_none(campaign):
    browser = Client(enforce_csrf_checks=True)

    response = switch(browser, "es", campaign.get_absolute_url())

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"


@pytest.mark.parametrize("back_to", ["https://evil.example/", "//evil.example/x"])
def test_the_switcher_sends_nobody_to_another_site(client, back_to):
    response = switch(client, "es", back_to)

    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client, campaign):
    response = switch(client, "xx", campaign.get_absolute_url())

    assert COOKIE not in response.cookies


def test_after_a_signing_error_the_switcher_leads_back_to_the_petition(client, campaign):
    """The form is shown again at the signing address, which takes no GET."""
    sign = reverse("signatures:sign", args=[campaign.slug])
    page = client.post(sign, sign_data(email="nope")).content.decode()

    assert f'name="next" value="{campaign.get_absolute_url()}"' in page


def test_the_confirmed_page_names_no_token_and_the_switcher_goes_back_by_the_referrer(
    client, campaign
):
    """The page after confirming is the same for every signer (rendered once, see
    render_with_holes): the address it answers, which holds the signer's token, is not in it."""
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data())
    link = confirmation_link_from_outbox()
    page = client.post(link).content.decode()

    back = client.post(reverse("set_language"), {"language": "es"}, HTTP_REFERER=link)

    assert SWITCHER.search(page) and 'name="next"' not in page
    assert back["Location"] == link
    assert "Su firma ya está confirmada" in client.get(link).content.decode()


def test_every_public_page_has_the_switcher_and_the_language_it_is_written_in(world):
    """Every page an anonymous visitor can open, in Spanish: the switcher is there (but in the
    embedded form, which a partner's page frames), `lang` says Spanish, as does the header."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    problems, checked = [], 0
    for rows in visits(world).values():
        for visit in rows:
            if visit.who != ANONYMOUS or visit.path == reverse("set_language"):
                continue
            if visit.path.startswith(API_REFERENCE):
                continue
            response = getattr(browser, visit.method)(visit.path, visit.data)
            html = response.get("Content-Type", "").startswith("text/html")
            if not html or response.streaming or 300 <= response.status_code < 400:
                continue
            page = response.content.decode()
            where = f"{visit.method.upper()} {visit.path}"
            checked += 1
            if not HTML_LANG.search(page) or HTML_LANG.search(page)[1] != "es":
                problems.append(f"{where}: lang is not es")
            if response.get("Content-Language") != "es":
                problems.append(f"{where}: Content-Language {response.get('Content-Language')}")
            embedded = '<html lang="es" class="embed">' in page
            if not (
                embedded or visit.path.startswith(DJANGO_ACCOUNT_PAGES) or SWITCHER.search(page)
            ):
                problems.append(f"{where}: no language switcher")
    assert not problems, "\n".join(problems)
    assert checked > 40


def test_the_page_for_a_database_outage_says_its_language(client, campaign, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("groundswell.signatures.petition_views.campaign_public_get", unreachable)

    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")

    assert page.status_code == 503
    assert '<html lang="es">' in page.content.decode()
    assert "Vuelva a intentarlo en un momento, por favor" in page.content.decode()


class TestThePageCache:
    @pytest.fixture(autouse=True)
    def _cached(self, settings):
        settings.PUBLIC_PAGE_CACHE_SECONDS = 5
        cache.clear()

    def test_a_page_cached_in_english_is_never_served_in_spanish(self, client, campaign):
        english = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

        spanish = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
        chosen = Client()
        chosen.cookies[COOKIE] = "es"
        chose_spanish = chosen.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

        assert "Sign the petition" in english.content.decode()
        for page in (spanish, chose_spanish):
            assert '<html lang="es">' in page.content.decode()
            assert "Firme la petición" in page.content.decode()

    def test_a_page_cached_in_spanish_is_never_served_in_english(self, client, campaign):
        chosen = Client()
        chosen.cookies[COOKIE] = "es"
        spanish = chosen.get(campaign.get_absolute_url())

        english = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        switched_back = chosen
        switch(switched_back, "en", "/")
        english_again = switched_back.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")

        assert "Firme la petición" in spanish.content.decode()
        for page in (english, english_again):
            assert '<html lang="en">' in page.content.decode()
            assert "Sign the petition" in page.content.decode()

    def test_a_language_cookie_is_served_from_the_cache_like_everyone(
        self, campaign, signed, django_assert_max_num_queries
    ):
        first_visitor, next_visitor = Client(), Client()
        first_visitor.cookies[COOKIE] = next_visitor.cookies[COOKIE] = "es"
        first = first_visitor.get(campaign.get_absolute_url())
        signed(confirm=True)

        with django_assert_max_num_queries(0):
            again = next_visitor.get(campaign.get_absolute_url())

        assert again.content == first.content
        assert 'aria-valuenow="0"' in again.content.decode()

    def test_browsers_and_shared_caches_keep_one_copy_per_language(self, client, campaign):
        response = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
        from_the_cache = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")

        for answer in (response, from_the_cache):
            varies = {name.strip() for name in answer["Vary"].split(",")}
            assert {"Accept-Language", "Cookie"} <= varies
            assert answer["Content-Language"] == "es"


# A link naming a language (?lang=, core.link_language): what the e-mails we send carry.


def test_a_link_naming_a_language_opens_the_page_in_it_whatever_the_browser_chose(campaign):
    chose_english = Client(HTTP_ACCEPT_LANGUAGE="en")
    chose_english.cookies[COOKIE] = "en"

    page = chose_english.get(campaign.get_absolute_url() + "?lang=es")
    next_page = chose_english.get(campaign.get_absolute_url())

    assert '<html lang="es">' in page.content.decode()
    assert "Firme la petición" in page.content.decode()
    assert page["Content-Language"] == "es"
    # Nothing is remembered: the browser's own choice is the next page's language.
    assert COOKIE not in page.cookies
    assert '<html lang="en">' in next_page.content.decode()


def test_a_link_naming_a_language_the_site_does_not_offer_changes_nothing(campaign):
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(campaign.get_absolute_url() + "?lang=fr")

    assert '<html lang="es">' in page.content.decode()


@pytest.mark.parametrize("by", ["next", "referrer"])
def test_the_switcher_leads_back_without_the_links_language_which_would_outrank_it(
    client, campaign, by
):
    opened = campaign.get_absolute_url() + "?partner=faith-united&lang=es&source=mail"
    page = client.get(opened).content.decode()

    if by == "next":
        back = switch(client, "en", opened)
    else:
        back = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER=opened)

    assert 'name="next"' in page
    assert back["Location"] == campaign.get_absolute_url() + "?partner=faith-united&source=mail"
    assert '<html lang="en">' in client.get(back["Location"]).content.decode()


class TestThePageCacheAndLinksNamingALanguage:
    @pytest.fixture(autouse=True)
    def _cached(self, settings):
        settings.PUBLIC_PAGE_CACHE_SECONDS = 5
        cache.clear()

    def test_a_cached_english_page_is_never_served_for_a_link_naming_spanish(
        self, campaign, django_assert_max_num_queries
    ):
        english = Client(HTTP_ACCEPT_LANGUAGE="en").get(campaign.get_absolute_url())
        chose_english = Client(HTTP_ACCEPT_LANGUAGE="en")
        chose_english.cookies[COOKIE] = "en"

        linked = chose_english.get(campaign.get_absolute_url() + "?lang=es")
        with django_assert_max_num_queries(0):  # the link's own copy, from the cache
            linked_again = Client(HTTP_ACCEPT_LANGUAGE="en").get(
                campaign.get_absolute_url() + "?lang=es"
            )

        assert "Sign the petition" in english.content.decode()
        for page in (linked, linked_again):
            assert '<html lang="es">' in page.content.decode()
            assert "Firme la petición" in page.content.decode()

    def test_a_link_naming_spanish_leaves_no_spanish_copy_for_the_plain_address(self, campaign):
        Client(HTTP_ACCEPT_LANGUAGE="en").get(campaign.get_absolute_url() + "?lang=es")

        plain = Client(HTTP_ACCEPT_LANGUAGE="en").get(campaign.get_absolute_url())
        linked_to_english = Client(HTTP_ACCEPT_LANGUAGE="es").get(
            campaign.get_absolute_url() + "?lang=en"
        )

        for page in (plain, linked_to_english):
            assert '<html lang="en">' in page.content.decode()
            assert "Sign the petition" in page.content.decode()
