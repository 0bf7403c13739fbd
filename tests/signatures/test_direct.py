"""A valid signature is answered by the direct lane exactly as the middleware chain answers it;
anything else is the chain's, with the signature attempted once."""

import io
import re
from urllib.parse import urlencode
from wsgiref.validate import validator

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import resolve

from groundswell.coalitions.models import Partner
from groundswell.core.lean import LeanWSGIHandler
from groundswell.signatures import views
from groundswell.signatures.direct import SIGN_PATH, DirectSigningHandler
from groundswell.signatures.models import Signature
from tests.conftest import sign_data
from tests.core.test_lean import call, environ, inside_the_test_transaction, sign_path


class Chain:
    """The lean chain, noting what reached it."""

    def __init__(self) -> None:
        self.lean = LeanWSGIHandler()
        self.reached: list[dict] = []

    def __call__(self, env: dict, start_response):
        self.reached.append(dict(env))
        return self.lean(env, start_response)


def posted(data: dict, **headers: str) -> dict:
    return environ("POST", sign_path(), urlencode(data).encode(), **headers)


def test_the_lane_takes_the_url_confs_signing_path():
    path = sign_path("a_b-9")

    assert SIGN_PATH.match(path)["slug"] == "a_b-9"
    assert resolve(path).func is views.sign
    assert not SIGN_PATH.match(path + "x")
    assert not SIGN_PATH.match("/p/a/confirm/t/")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("how", ["plain", "partner", "embed", "https"])
def test_a_valid_signature_is_answered_as_the_chain_answers_it(
    campaign, make_org, settings, language, how
):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    Partner.objects.create(campaign=campaign, organization=make_org("Ally"), slug="ally")
    extra = {"partner": {"partner": "ally"}, "embed": {"embed": "1"}}.get(how, {})
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if how == "https":
        headers["HTTP_X_FORWARDED_PROTO"] = "https"
    chain = Chain()
    lane = DirectSigningHandler(chain)

    through_chain = call(
        LeanWSGIHandler(), posted(sign_data(email="a@example.org", **extra), **headers)
    )
    # Twice: the first redirect of a language and path is where its headers are learnt.
    through_lane = [
        call(validator(lane), posted(sign_data(email=email, **extra), **headers))
        for email in ("b@example.org", "c@example.org")
    ]

    assert through_chain[0] == "302 Found"
    assert through_lane == [through_chain, through_chain]
    assert chain.reached == []
    stored = Signature.objects.order_by("email")
    assert [s.email for s in stored] == ["a@example.org", "b@example.org", "c@example.org"]
    assert {s.language for s in stored} == {language}
    assert {s.partner_id is not None for s in stored} == {how == "partner"}
    if how == "https":
        assert "Strict-Transport-Security" in through_chain[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "evil.example"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"QUERY_STRING": "lang=es"},
        {"CONTENT_TYPE": "multipart/form-data; boundary=x"},
        {"HTTP_USER_AGENT": "BadBot/1.0"},
    ],
)
def test_what_the_lane_does_not_know_reaches_the_chain_as_it_came(campaign, settings, headers):
    settings.DISALLOWED_USER_AGENTS = [re.compile(r"^BadBot")]
    chain = Chain()

    def env_for(email: str) -> dict:
        return {**posted(sign_data(email=email)), **headers}

    through_chain = call(LeanWSGIHandler(), env_for("a@example.org"))
    through_lane = call(DirectSigningHandler(chain), env_for("b@example.org"))

    assert len(chain.reached) == 1
    assert views.SIGNING_ATTEMPTED not in chain.reached[0]
    assert through_lane[:2] == through_chain[:2]
    if headers.get("HTTP_HOST") or headers.get("HTTP_USER_AGENT"):
        # Refused by the chain's own middleware, before anything was written.
        assert through_chain[0][:3] in {"400", "403"}
        assert not Signature.objects.exists()


@pytest.mark.django_db
def test_an_undecodable_body_gets_the_chains_page(campaign):
    body = urlencode(sign_data()).encode() + b"&comment=%ff%fe"
    chain = Chain()

    status, _headers, _page = call(DirectSigningHandler(chain), environ("POST", sign_path(), body))

    assert status.startswith("400")
    assert len(chain.reached) == 1
    assert not Signature.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status"),
    [
        (sign_data(email="not-an-address"), "400"),
        (sign_data(text_version="99"), "409"),
    ],
)
def test_a_form_shown_again_is_the_chains_page_with_the_attempt_made_once(
    campaign, monkeypatch, data, status
):
    attempts = []
    real = views.signing_attempt
    monkeypatch.setattr(
        "groundswell.signatures.direct.signing_attempt",
        lambda request, slug: attempts.append(slug) or real(request, slug),
    )
    monkeypatch.setattr(
        views, "signing_attempt", lambda *a: pytest.fail("the attempt was made twice")
    )
    chain = Chain()

    answer = call(DirectSigningHandler(chain), posted(data))
    monkeypatch.setattr(views, "signing_attempt", real)
    through_chain = call(LeanWSGIHandler(), posted(data))

    assert attempts == [campaign.slug]
    assert len(chain.reached) == 1
    assert answer[0].startswith(status)
    assert answer == through_chain
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_counts_each_request_once(campaign, settings):
    settings.SIGNING_RATE_LIMIT_PER_MINUTE = 2
    cache.clear()
    lane = DirectSigningHandler(Chain())
    statuses = [call(lane, posted(sign_data(email=f"s{n}@example.org")))[0][:3] for n in range(4)]

    assert statuses == ["302", "302", "429", "429"]
    assert Signature.objects.count() == 2


@pytest.mark.django_db
def test_a_database_outage_is_the_chains_503_and_the_signature_is_tried_once(campaign, monkeypatch):
    tries = []

    def unreachable(**kwargs):
        tries.append(kwargs["email"])
        raise OperationalError("connection refused")

    monkeypatch.setattr("groundswell.signatures.views.signature_create", unreachable)
    status, headers, _page = call(DirectSigningHandler(Chain()), posted(sign_data()))

    assert status.startswith("503")
    assert headers["Retry-After"] == "5"
    assert len(tries) == 1


@pytest.mark.django_db
def test_the_body_reaches_the_chain_whole_after_the_lane_read_it(campaign):
    data = sign_data(email="not-an-address", name="Ada Núñez")
    chain = Chain()

    status, _headers, page = call(DirectSigningHandler(chain), posted(data))

    assert status.startswith("400")
    assert "Ada Núñez" in page


@pytest.mark.django_db
def test_a_middleware_the_lane_does_not_know_turns_it_off(campaign, settings):
    lane = DirectSigningHandler(Chain())
    assert lane.enabled

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_lean.NewMiddleware"]
    call(lane, posted(sign_data()))

    assert not lane.enabled
    assert len(lane.chain.reached) == 1
    assert Signature.objects.count() == 1


def test_the_wsgi_input_is_left_alone_when_the_request_is_not_a_signature():
    chain = Chain()
    chain.lean = lambda env, start: [env["wsgi.input"].read()]
    env = environ("POST", "/p/x/confirm/t/", b"body")

    assert DirectSigningHandler(chain)(env, None) == [b"body"]
    assert isinstance(chain.reached[0]["wsgi.input"], io.BytesIO)


@pytest.mark.django_db
def test_the_application_every_server_runs_answers_signatures_through_the_lane(
    campaign, monkeypatch
):
    from groundswell.config import wsgi

    answered = []
    monkeypatch.setattr(
        DirectSigningHandler, "answer", lambda self, request, slug: answered.append(slug)
    )

    statuses = []
    with inside_the_test_transaction():
        wsgi.application(posted(sign_data()), lambda status, headers: statuses.append(status))

    assert answered == [campaign.slug]
    # Left to the chain by the stand-in above, and answered there.
    assert statuses == ["302 Found"]
