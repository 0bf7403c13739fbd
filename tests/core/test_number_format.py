"""One number format everywhere, in the reader's language: 1,166 in English, 1.166 in Spanish."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from groundswell.core.templatetags.numbers import number_display

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """What a reader sees: the page without its tags (aria-valuenow keeps plain digits)."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", 1166, "1,166"),
        ("es", 1166, "1.166"),
        ("en", 1234567, "1,234,567"),
        ("es", 1234567, "1.234.567"),
        ("en", 0, "0"),
        ("es", 999, "999"),
        ("es", "1166", "1.166"),
    ],
)
def test_it_writes_numbers_as_the_reader_does(language, value, shown):
    with translation.override(language):
        assert number_display(value) == shown
        assert Template("{{ value|number }}").render(Context({"value": value})) == shown


def test_it_leaves_what_is_not_a_number_alone():
    assert number_display(None) == ""
    assert number_display("n/a") == "n/a"


def test_the_petition_page_and_the_home_page_write_a_count_the_same_way(client, campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(signature_count=1166, goal=25000)
    home = text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="es"))
    page = text_of(client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es"))

    assert "1.166" in home and "1.166" in page and "25.000" in page
    assert "1166" not in home and "1166" not in page
