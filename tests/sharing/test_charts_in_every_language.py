"""Charts are drawn with SVG numbers, whatever the reader's language: Spanish writes 48,9 where
SVG needs 48.9, and a chart drawn with commas collapses into a heap of labels at its left edge.
The numbers people read (values, totals, labels) stay in their language."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from groundswell.core.svg_charts import day_label
from groundswell.signatures.models import Signature

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
COORDINATE = re.compile(r'\b(?:x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"')


def svg_numbers(html: str) -> list[str]:
    return [value for svg in SVG.findall(html) for value in COORDINATE.findall(svg)]


@pytest.fixture
def spike(campaign, signed, partner):
    """Enough signatures for coordinates with decimals, some through a partner."""
    for number in range(7):
        signature = signed(email=f"s{number}@example.org", country="US", postal_code="10001")
        if number % 2:
            Signature.objects.filter(pk=signature.pk).update(partner=partner)
    return campaign


def test_every_chart_draws_with_svg_numbers_in_spanish(client, spike, owner):
    client.force_login(owner)
    pages = {
        "petition": client.get(spike.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es"),
        "dashboard": client.get(
            reverse("organizer:campaign", args=[spike.slug]), HTTP_ACCEPT_LANGUAGE="es"
        ),
        "charts": client.get(
            reverse("organizer:campaign_charts", args=[spike.slug]), HTTP_ACCEPT_LANGUAGE="es"
        ),
    }

    for name, response in pages.items():
        html = response.content.decode()
        assert response["Content-Language"] == "es", name
        numbers = svg_numbers(html)
        assert numbers, name
        assert [value for value in numbers if "," in value] == [], name
        assert any("." in value for value in numbers), name


def test_a_days_label_on_the_time_axis_is_written_in_the_readers_order():
    day = date(2026, 11, 8)

    with translation.override("en"):
        assert day_label(day) == "Nov 8"
    with translation.override("es"):
        assert day_label(day) == "8 nov"
