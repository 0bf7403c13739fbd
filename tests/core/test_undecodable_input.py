"""Bytes that are not UTF-8 text, in a query string or a form, get a clear 400 or a form error:
never a 500, and never a name stored as mojibake."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from groundswell.campaigns.models import Campaign
from groundswell.core.lean import LeanWSGIHandler
from groundswell.core.middleware import undecodable
from groundswell.core.models import OutboundEmail
from groundswell.signatures.models import Signature
from tests.conftest import sign_data
from tests.core.test_lean import call, environ

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
READABLE = "contains bytes that are not text"


def sign_body(name: bytes) -> bytes:
    """A signing form, as a browser encodes it, with `name` as raw bytes."""
    from urllib.parse import urlencode

    rest = urlencode({key: value for key, value in sign_data().items() if key != "name"})
    return b"name=" + name + b"&" + rest.encode()


def sign_path(campaign: Campaign) -> str:
    return reverse("signatures:sign", kwargs={"slug": campaign.slug})


@pytest.mark.parametrize(
    "name",
    [
        b"Ada%FFLovelace",  # a percent-encoded byte that is not UTF-8: Django reads U+FFFD
        b"Ada\xff\xfeLovelace",  # raw bytes that are not UTF-8: Django reads the body as Latin-1
        b"Jos%C3",  # a sequence cut short
        b"%C0%AF",  # an overlong encoding of "/"
        b"Ada%00",  # a NUL
    ],
)
def test_a_form_that_is_not_utf8_is_refused_with_a_clear_400(client, campaign, name):
    response = client.post(sign_path(campaign), sign_body(name), content_type=FORM)

    assert response.status_code == 400
    assert READABLE in response.content.decode()
    assert Signature.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize("chain", [WSGIHandler, LeanWSGIHandler])
def test_both_signing_chains_refuse_it(campaign, chain):
    status, _headers, page = call(
        chain(), environ("POST", sign_path(campaign), sign_body(b"Ada\xffLovelace"))
    )

    assert status.startswith("400")
    assert READABLE in page
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("name", [b"Jos%C3%A9+Garc%C3%ADa", "José García".encode()])
def test_utf8_whether_percent_encoded_or_raw_is_taken(client, campaign, name):
    response = client.post(sign_path(campaign), sign_body(name), content_type=FORM)

    assert response.status_code == 302
    assert Signature.objects.get().name == "José García"


@pytest.mark.parametrize("query", ["partner=%FF", "partner=%00", "source=%C3", "q=%E2%82"])
def test_a_query_string_that_is_not_utf8_is_refused_with_a_clear_400(client, campaign, query):
    for path in (
        campaign.get_absolute_url(),
        reverse("campaigns:petition_embed", args=[campaign.slug]),
    ):
        response = client.get(f"{path}?{query}")

        assert response.status_code == 400
        assert READABLE in response.content.decode()


def test_a_utf8_query_string_is_read_as_usual(client, campaign):
    response = client.get(f"{campaign.get_absolute_url()}?source=caf%C3%A9&partner=x")

    assert response.status_code == 200


def test_an_upload_form_that_is_not_utf8_gets_a_form_error(client, owner, campaign):
    """Multipart bodies are left to the forms: Django reads bad bytes there as U+FFFD."""
    client.force_login(owner)
    boundary = "BoUnDaRy"
    fields = {
        "title": b"Broken \xff title", "slug": campaign.slug.encode(), "ask": b"Cancel it.",
        "target_name": b"Dana", "goal": b"100", "background": b"", "target_title": b"",
        "target_organization": b"", "opens_at": b"", "closes_at": b"",
    }  # fmt: skip
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in fields.items()
        )
        + f"--{boundary}--\r\n".encode()
    )

    response = client.post(
        reverse("organizer:campaign_edit", args=[campaign.slug]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        (b"", False), (b"a=1&b=two", False), (b"q=caf%C3%A9", False), (b"a=%F0%9F%91%8D", False),
        (b"a=%ff", True), (b"a=\x00", True), (b"a=%00", True), (b"a=\xe9", True),
        (b"a=%ED%A0%80", True),  # an encoded surrogate is not UTF-8 either
    ],
)  # fmt: skip
def test_what_counts_as_undecodable(raw, refused):
    assert undecodable(raw) is refused
