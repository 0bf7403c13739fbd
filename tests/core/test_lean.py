"""Signing and confirming take a shorter middleware chain, and answer exactly as the full one."""

import io
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, close_old_connections
from django.urls import reverse
from django.utils import timezone

from groundswell.core.lean import LeanWSGIHandler, lean_dispatch, lean_middleware, takes_lean_chain
from groundswell.core.process_cache import process_cache_clear
from groundswell.signatures.models import Signature
from groundswell.signatures.services import confirmation_token_make
from tests.conftest import sign_data

SESSION = "sessionid=abc"


def environ(method: str, path: str, body: bytes = b"", **headers: str) -> dict:
    return {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_HOST": "testserver", "wsgi.errors": io.StringIO(), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0), **headers,
    }  # fmt: skip


@contextmanager
def inside_the_test_transaction():
    """As Django's test client does: a request must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(application, env: dict) -> tuple[str, dict[str, str], str]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    with inside_the_test_transaction():
        chunks = application(env, start_response)
        body = b"".join(chunks).decode()
        chunks.close()
    return answer["status"], answer["headers"], body


def sign_path(slug: str = "cancel-the-contract") -> str:
    return reverse("signatures:sign", kwargs={"slug": slug})


@pytest.mark.parametrize(
    ("slug", "token"),
    [("cancel-the-contract", "abc:1xW:def"), ("a_b-9", "Zm9v-_:1:2"), ("x", "t")],
)
def test_the_lean_paths_are_exactly_signing_confirming_and_the_shared_page(slug, token):
    confirm = reverse("signatures:confirm", kwargs={"slug": slug, "token": token})
    page = reverse("campaigns:petition", kwargs={"slug": slug})
    page_json = reverse("campaigns:petition_json", kwargs={"slug": slug})

    assert takes_lean_chain(environ("POST", sign_path(slug)))
    assert takes_lean_chain(environ("POST", confirm))
    for method in ("GET", "HEAD"):
        assert takes_lean_chain(environ(method, page))
        assert takes_lean_chain(environ(method, page_json))
    for path in (
        reverse("signatures:thanks", kwargs={"slug": slug}),
        reverse("signatures:withdraw", kwargs={"slug": slug, "token": token}),
        page,
        sign_path(slug) + "x/",
        "/organizer/",
    ):
        assert not takes_lean_chain(environ("POST", path))
    for path in (
        sign_path(slug),
        confirm,
        reverse("signatures:withdraw", kwargs={"slug": slug, "token": token}),
        reverse("campaigns:petition_comments", kwargs={"slug": slug}),
        page + "x/",
        "/organizer/",
    ):
        assert not takes_lean_chain(environ("GET", path))
    assert not takes_lean_chain(environ("PUT", page))


@pytest.mark.parametrize("cookie", [SESSION, "messages=xyz", f"csrftoken=1; {SESSION}"])
def test_a_visitor_with_a_session_or_a_message_takes_the_full_chain(cookie):
    page = reverse("campaigns:petition", kwargs={"slug": "cancel-the-contract"})

    assert not takes_lean_chain(environ("POST", sign_path(), HTTP_COOKIE=cookie))
    assert not takes_lean_chain(environ("GET", page, HTTP_COOKIE=cookie))
    assert takes_lean_chain(environ("POST", sign_path(), HTTP_COOKIE="csrftoken=1; lang=en"))
    assert takes_lean_chain(environ("GET", page, HTTP_COOKIE="csrftoken=1; lang=en"))


def test_the_dispatcher_sends_each_request_to_its_chain():
    seen = []
    application = lean_dispatch(
        full=lambda env, start: seen.append("full") or [],
        lean=lambda env, start: seen.append("lean") or [],
    )

    application(environ("POST", sign_path()), None)
    application(environ("POST", sign_path(), HTTP_COOKIE=SESSION), None)
    application(environ("GET", "/healthz"), None)

    assert seen == ["lean", "full", "full"]


def test_the_lean_chain_keeps_security_locale_and_database_middleware(settings):
    kept = lean_middleware()

    assert kept == [
        "groundswell.core.middleware.DatabaseUnavailableMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "groundswell.core.csp.ContentSecurityPolicyMiddleware",
        "groundswell.core.link_language.LinkLanguageLocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "groundswell.core.middleware.UndecodableInputMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_lean.NewMiddleware"]
    assert lean_middleware()[-1] == "tests.core.test_lean.NewMiddleware"


# Not Vary: the full chain adds "Cookie" once the session has been looked at, and these POST
# answers, which no cache keeps, do not depend on cookies in the lean chain.
COMPARED_HEADERS = (
    "Location", "Content-Type", "Content-Language", "X-Frame-Options",
    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Retry-After",
    "Content-Security-Policy",
)  # fmt: skip


def answers(application, env_for) -> tuple:
    status, headers, body = call(application, env_for())
    return status, {name: headers.get(name) for name in COMPARED_HEADERS}, body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "language"),
    [
        (sign_data(email="first@example.org"), "en"),
        (sign_data(email="not-an-address"), "en"),
        (sign_data(email="first@example.org", name="<b>Ada</b>"), "es"),
    ],
)
def test_signing_answers_the_same_through_both_chains(campaign, data, language):
    full, lean = WSGIHandler(), LeanWSGIHandler()

    def env_for(email_prefix: str):
        body = urlencode({**data, "email": email_prefix + data["email"]}).encode()
        return lambda: environ("POST", sign_path(), body, HTTP_ACCEPT_LANGUAGE=language)

    through_full = answers(full, env_for("full-"))
    status, headers, body = answers(lean, env_for("lean-"))

    # The same answer, but for the typed address shown again in an error.
    assert (status, headers, body.replace("lean-", "full-")) == through_full
    assert through_full[0] in {"302 Found", "400 Bad Request"}
    stored = set(Signature.objects.values_list("email", flat=True))
    if through_full[0] == "302 Found":
        assert stored == {"full-first@example.org", "lean-first@example.org"}
    else:
        assert stored == set()


def own_links_out(page: str) -> str:
    page = re.sub(r"/(receipt|withdraw)/[^/\"]+/", r"/\1/TOKEN/", page)
    # The signer's referral code, in their share links (plain and URL-encoded).
    return re.sub(r"(r=|r%3D)[A-Za-z0-9_-]+", r"\1CODE", page)


@pytest.mark.django_db
def test_confirming_answers_the_same_through_both_chains(campaign, signed):
    full, lean = WSGIHandler(), LeanWSGIHandler()
    first, second = signed(confirm=False, email="a@example.org"), signed(confirm=False)

    def env_for(signature):
        token = confirmation_token_make(public_id=signature.public_id)
        path = reverse("signatures:confirm", kwargs={"slug": campaign.slug, "token": token})
        return lambda: environ("POST", path)

    status, headers, body = answers(full, env_for(first))
    lean_status, lean_headers, lean_body = answers(lean, env_for(second))

    assert (lean_status, lean_headers) == (status, headers)
    assert status == "200 OK"
    # The same page but for each signer's own links.
    assert own_links_out(lean_body) == own_links_out(body)
    assert second.public_id in lean_body
    assert Signature.objects.filter(confirmed_at__isnull=False).count() == 2


def form_issued_out(page: str) -> str:
    return re.sub(r'name="issued" value="[^"]+"', 'name="issued" value="ISSUED"', page)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["campaigns:petition", "campaigns:petition_json"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("cached", [0, 5])
def test_the_shared_page_answers_the_same_through_both_chains(
    campaign, signed, settings, name, language, cached
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = cached
    signed(name="<b>Ada</b>", show_name=True)
    # Hours ago, not seconds: "confirmed 2 seconds ago" on one render and "3 seconds ago" on
    # the other failed this test on a busy machine.
    Signature.objects.update(confirmed_at=timezone.now() - timedelta(hours=2, minutes=30))
    path = reverse(name, kwargs={"slug": campaign.slug})

    def env_for():
        return environ("GET", path, HTTP_ACCEPT_LANGUAGE=language, HTTP_COOKIE="lang=x")

    status, headers, body = call(WSGIHandler(), env_for())
    process_cache_clear()
    cache.clear()
    lean_status, lean_headers, lean_body = call(LeanWSGIHandler(), env_for())

    # The same page but for the moment its form was issued at.
    assert (lean_status, form_issued_out(lean_body)) == (status, form_issued_out(body))
    assert lean_headers == headers
    assert status == "200 OK"
    assert "Set-Cookie" not in headers
    assert "<b>Ada</b>" not in body


@pytest.mark.django_db
def test_a_database_outage_is_a_503_through_the_lean_chain_too(campaign, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("groundswell.signatures.views.signature_create", unreachable)
    body = urlencode(sign_data()).encode()

    status, headers, _page = call(LeanWSGIHandler(), environ("POST", sign_path(), body))

    assert status.startswith("503")
    assert headers["Retry-After"] == "5"


@pytest.mark.django_db
@pytest.mark.parametrize("chain", [WSGIHandler, LeanWSGIHandler])
def test_a_host_not_allowed_is_refused_before_anything_is_written(campaign, signed, chain):
    pending = signed(confirm=False, email="a@example.org")
    token = confirmation_token_make(public_id=pending.public_id)
    confirm = reverse("signatures:confirm", kwargs={"slug": campaign.slug, "token": token})
    body = urlencode(sign_data(email="b@example.org")).encode()

    for env in (
        environ("POST", sign_path(), body, HTTP_HOST="evil.example"),
        environ("POST", confirm, HTTP_HOST="evil.example"),
    ):
        status, _headers, _page = call(chain(), env)
        assert status.startswith("400")
    assert list(Signature.objects.values_list("email", "confirmed_at")) == [("a@example.org", None)]


class NewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
