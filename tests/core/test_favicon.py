"""Browsers ask every site for an icon: every page links one, and /favicon.ico leads to it
instead of answering 404 (with, in the demo, an 18 KB debug page) on every page view."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICON = static("groundswell/favicon.svg")


def test_pages_link_the_icon(client, campaign):
    pages = [
        client.get(campaign.get_absolute_url()),
        client.get(reverse("campaigns:petition_embed", args=[campaign.slug])),
        client.get(reverse("login")),
        client.get(reverse("api-v1:openapi-view")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in page.content.decode()


def test_favicon_ico_leads_to_the_icon_and_may_be_cached(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == ICON
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_the_icon_is_a_small_svg(client):
    response = client.get(ICON)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"<svg") and len(body) < 1024
    assert b"<script" not in body and b"style" not in body
