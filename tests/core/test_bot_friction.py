"""Bots that fill every input, or send a form faster than anyone can fill it, are dropped
silently: they get the answer a signer gets, and nothing is stored or sent."""

import re
import time
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from groundswell.core.bot_friction import (
    HONEYPOT_FIELD,
    ISSUED_FIELD,
    form_issued_at,
    form_issued_token,
    submission_is_automated,
)
from groundswell.core.lean import LeanWSGIHandler
from groundswell.core.models import OutboundEmail
from groundswell.letters.models import Signatory
from groundswell.signatures.models import Signature
from tests.conftest import form_opened, sign_data
from tests.core.test_lean import call, environ
from tests.letters.conftest import sign_form_data

pytestmark = pytest.mark.django_db

# What bots send, made when each test runs (a form time made at import would be old by then).
BOTS = {
    "too fast": lambda: form_opened(seconds_ago=1),
    "no form time": lambda: {ISSUED_FIELD: ""},
    "forged form time": lambda: {ISSUED_FIELD: f"{time.time() - 60:.3f}:forged"},
    "another form's time": lambda: form_opened("letter"),
    "honeypot filled": lambda: {HONEYPOT_FIELD: "https://spam.example"},
}
LETTER_BOTS = {
    "too fast": lambda: form_opened("letter", seconds_ago=1),
    "no form time": lambda: {ISSUED_FIELD: ""},
    "another form's time": lambda: form_opened("petition"),
    "honeypot filled": lambda: {HONEYPOT_FIELD: "https://spam.example"},
}


def sign_path(campaign) -> str:
    return reverse("signatures:sign", kwargs={"slug": campaign.slug})


def nothing_stored() -> bool:
    return not Signature.objects.exists() and not OutboundEmail.objects.exists() and not mail.outbox


def test_a_form_time_is_signed_for_its_form():
    token = form_issued_token(form="petition", issued_at=1000.25)

    assert form_issued_at(form="petition", token=token) == 1000.25
    assert form_issued_at(form="letter", token=token) is None
    assert form_issued_at(form="petition", token=token.replace("1000.25", "900.25")) is None
    assert form_issued_at(form="petition", token="") is None


@pytest.mark.parametrize(
    ("age", "honeypot", "automated"),
    [(60, "", False), (3.5, "", False), (2.5, "", True), (-5, "", True), (60, "x", True)],
)
def test_a_submission_is_automated_when_too_fast_or_the_honeypot_is_filled(
    settings, age, honeypot, automated
):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    now = time.time()
    data = {ISSUED_FIELD: form_issued_token(form="petition", issued_at=now - age)}
    data[HONEYPOT_FIELD] = honeypot

    assert submission_is_automated(data, form="petition", now=now) is automated


def test_with_no_minimum_only_the_honeypot_counts(settings):
    settings.SIGNING_MIN_FILL_SECONDS = 0

    assert submission_is_automated({}, form="petition") is False
    assert submission_is_automated({HONEYPOT_FIELD: "x"}, form="petition") is True


def test_a_person_is_taken(client, campaign):
    response = client.post(sign_path(campaign), sign_data())

    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("bot", BOTS.values(), ids=BOTS.keys())
def test_a_bot_gets_what_a_person_gets_and_nothing_is_stored_or_sent(client, campaign, bot):
    person = client.post(sign_path(campaign), sign_data(email="person@example.org"), follow=True)
    Signature.objects.all().delete()
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()

    answer = client.post(sign_path(campaign), sign_data(**bot()), follow=True)

    assert answer.redirect_chain == person.redirect_chain
    assert answer.content == person.content
    assert nothing_stored()


@pytest.mark.parametrize("bot", BOTS.values(), ids=BOTS.keys())
def test_a_bot_in_the_embed_gets_the_embeds_thanks(client, campaign, bot):
    response = client.post(sign_path(campaign), sign_data(embed="true", **bot()))

    assert response["Location"] == reverse("campaigns:petition_embed_thanks", args=[campaign.slug])
    assert nothing_stored()


@pytest.mark.parametrize("chain", [WSGIHandler, LeanWSGIHandler])
@pytest.mark.parametrize("bot", BOTS.values(), ids=BOTS.keys())
def test_both_signing_chains_drop_bots(campaign, chain, bot):
    body = urlencode(sign_data(**bot())).encode()

    status, headers, _page = call(chain(), environ("POST", sign_path(campaign), body))

    assert status == "302 Found"
    assert headers["Location"] == reverse("signatures:thanks", args=[campaign.slug])
    assert nothing_stored()


def test_a_bot_sending_invalid_data_sees_the_errors_a_person_would(client, campaign):
    response = client.post(sign_path(campaign), sign_data(email="nope", **BOTS["too fast"]()))

    assert response.status_code == 400
    assert nothing_stored()


def form_time_in(page: str) -> str:
    return re.search(rf'name="{ISSUED_FIELD}" value="([^"]+)"', page).group(1)


def test_the_petition_page_from_the_shared_cache_carries_a_form_time_that_works(
    client, campaign, settings, monkeypatch
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    first = client.get(campaign.get_absolute_url()).content.decode()
    cached = client.get(campaign.get_absolute_url()).content.decode()
    token = form_time_in(cached)
    # The copy from the cache carries the time it was rendered, before this visitor came: the
    # check can only be more lenient for them.
    assert token == form_time_in(first)
    submit = {**sign_data(), ISSUED_FIELD: token}

    client.post(sign_path(campaign), submit)
    assert nothing_stored()  # sent at once: too fast

    later = time.time() + settings.SIGNING_MIN_FILL_SECONDS + 0.5
    monkeypatch.setattr("groundswell.core.bot_friction.time.time", lambda: later)
    assert client.post(sign_path(campaign), submit).status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("path", ["campaigns:petition", "campaigns:petition_embed", "letters:sign"])
def test_the_honeypot_is_out_of_reach_of_people_and_screen_readers(client, campaign, letter, path):
    slug = letter.slug if path.startswith("letters") else campaign.slug
    page = client.get(reverse(path, args=[slug])).content.decode()

    trap = re.search(r'<div class="form-trap" aria-hidden="true">(.*?)</div>', page).group(1)
    assert 'for="id_website"' in trap
    assert "Leave this field empty" in trap
    field = re.search(r"<input [^>]*>", trap).group(0)
    for attribute in ('name="website"', 'tabindex="-1"', 'autocomplete="off"', 'type="text"'):
        assert attribute in field
    assert page.count('name="website"') == 1
    assert re.search(rf'type="hidden" name="{ISSUED_FIELD}" value="[^"]+"', page)


def test_a_form_shown_again_keeps_its_time_so_a_quick_correction_is_taken(client, campaign):
    """A person who fixes a typo in a few seconds must not be taken for a bot."""
    opened = form_opened(seconds_ago=60)
    shown_again = client.post(sign_path(campaign), sign_data(email="nope", **opened))

    token = form_time_in(shown_again.content.decode())
    assert token == opened[ISSUED_FIELD]
    response = client.post(sign_path(campaign), sign_data(**{ISSUED_FIELD: token}))
    assert response.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("bot", LETTER_BOTS.values(), ids=LETTER_BOTS.keys())
@pytest.mark.parametrize("category", ["employees", "scholars", "supporters"])
def test_a_bot_signing_a_letter_gets_what_a_person_gets(client, letter, bot, category):
    path = reverse("letters:sign", kwargs={"slug": letter.slug})
    person = client.post(path, sign_form_data(letter, category=category), follow=True)
    Signatory.objects.all().delete()
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()

    answer = client.post(path, sign_form_data(letter, category=category, **bot()), follow=True)

    assert answer.redirect_chain == person.redirect_chain
    assert answer.content == person.content
    assert not Signatory.objects.exists()
    assert not OutboundEmail.objects.exists() and not mail.outbox
