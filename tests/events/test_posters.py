"""An event's QR code and a poster to print: title, date and time in the event's time zone,
place and address; for published events only; linked from the organizer's event page."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from groundswell.core.qr_codes import qr_svg
from groundswell.events.models import EventStatus

pytestmark = pytest.mark.django_db


def test_the_qr_code_is_a_scalable_svg_of_the_event_page(client, event):
    response = client.get(reverse("events:event_qr", args=[event.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.decode().startswith("<svg")
    assert response.content == qr_svg(
        url="https://sign.example.org/e/delivery-rally/", title="Delivery rally"
    )


def test_the_poster_shows_title_time_in_the_events_zone_place_code_and_address(client, make_event):
    event = make_event(
        slug="night-vigil",
        title="Night vigil",
        starts_at=datetime(2099, 3, 2, 17, 30, tzinfo=UTC),  # 18:30 in Madrid
        ends_at=datetime(2099, 3, 2, 19, 0, tzinfo=UTC),
        time_zone="Europe/Madrid",
    )

    response = client.get(reverse("events:event_poster", args=[event.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Night vigil" in html
    assert "6:30" in html and "p.m." in html and "(Europe/Madrid)" in html
    assert "Plaza Mayor, Plaza Mayor 1, Madrid" in html
    assert 'src="/e/night-vigil/qr.svg"' in html
    assert "https://sign.example.org/e/night-vigil/" in html


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.FINISHED])
def test_only_a_published_event_has_a_poster_and_a_code(client, make_event, status):
    event = make_event(status=status)

    assert client.get(reverse("events:event_poster", args=[event.slug])).status_code == 404
    assert client.get(reverse("events:event_qr", args=[event.slug])).status_code == 404


def test_the_organizers_event_page_links_the_poster_of_a_published_event(client, owner, make_event):
    client.force_login(owner)
    published = make_event(slug="published-rally")
    draft = make_event(slug="draft-rally", status=EventStatus.DRAFT)

    shown = client.get(reverse("organizer:event", args=[published.slug])).content.decode()
    hidden = client.get(reverse("organizer:event", args=[draft.slug])).content.decode()

    assert 'href="/e/published-rally/poster/"' in shown
    assert 'data-testid="event-poster"' not in hidden
