"""Kim signs on her phone with the keyboard alone (Tab, Space, Enter and typing): the skip link
comes first, a mistake moves the focus to the error summary, which links to the field, and the
signature is made and confirmed without a pointer. axe finds nothing on the pages of the way."""

import re

import pytest
from django.core import mail

from groundswell.signatures.models import Signature
from tests.e2e.conftest import axe_violations, shot, take_the_time_a_person_would

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACTIVE = "document.activeElement"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"{ACTIVE}.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never took the focus after {limit} presses of Tab")


def test_kim_signs_and_confirms_with_the_keyboard_alone(live_server, browser, campaign, settings):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")

    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    tab_to(page, "#id_name")
    page.keyboard.type("Kim Park")
    tab_to(page, "button[type=submit].primary")
    take_the_time_a_person_would(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    # The summary has the focus (a screen reader reads it; a phone scrolls it into view)...
    assert page.evaluate(f"{ACTIVE}.hasAttribute('data-error-summary')")
    assert (
        page.evaluate("document.querySelector('[data-error-summary]').getBoundingClientRect().top")
        >= 0
    )
    shot(page, "keyboard-error-summary-360")
    assert axe_violations(page) == []
    # ...and links to each field in error, which says what is wrong with it.
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    assert page.locator("#id_email_error").is_visible()
    tab_to(page, "[data-error-summary] a[href='#id_email']")
    page.keyboard.press("Enter")
    assert page.evaluate(f"{ACTIVE}.id") == "id_email"

    page.keyboard.type("kim@example.org")
    tab_to(page, "#id_country")
    page.keyboard.type("United States of America")
    tab_to(page, "#id_postal_code")
    page.keyboard.type("10001")
    tab_to(page, "#id_show_name")
    page.keyboard.press("Space")
    assert page.locator("#id_show_name").is_checked()
    tab_to(page, "button[type=submit].primary")
    take_the_time_a_person_would(page)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Almost done: check your e-mail").wait_for()
    assert axe_violations(page) == []

    link = re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    assert axe_violations(page) == []
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you — your signature is confirmed").wait_for()
    assert axe_violations(page) == []
    shot(page, "keyboard-confirmed-360")
    signature = Signature.objects.get()
    assert signature.name == "Kim Park"
    assert signature.country == "US"
    assert signature.confirmed_at is not None
    context.close()
