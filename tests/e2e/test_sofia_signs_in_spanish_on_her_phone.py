"""Sofía's phone is set to Spanish: the petition, its errors and its e-mails answer in Spanish,
nothing is wider than her 360 px screen, axe finds nothing, and the receipt that comes after
she confirms is in Spanish too."""

import re

import pytest
from django.core import mail

from groundswell.signatures.models import Signature
from tests.e2e.conftest import axe_violations, shot, take_the_time_a_person_would

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = "document.documentElement.scrollWidth"


def test_sofia_signs_in_spanish_on_her_phone(live_server, browser, campaign, settings):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert page.get_attribute("html", "lang") == "es"
    assert page.evaluate(WIDTH) <= 360
    assert axe_violations(page) == []

    page.get_by_role("button", name="Firmar", exact=True).click()
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_text("Corrija los errores que se indican abajo, por favor.").is_visible()
    assert axe_violations(page) == []
    shot(page, "sofia-errors-es-360")

    page.locator("#id_name").fill("Sofía Ramírez")
    page.locator("#id_email").fill("sofia@example.org")
    page.locator("#id_country").select_option("MX")
    page.locator("#id_postal_code").fill("06700")
    take_the_time_a_person_would(page)
    page.get_by_role("button", name="Firmar", exact=True).click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "es"
    assert mail.outbox[-1].subject.startswith("Confirme su firma")

    link = re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    assert page.evaluate(WIDTH) <= 360
    shot(page, "sofia-confirmed-es-360")
    assert Signature.objects.get().language == "es"
    assert mail.outbox[-1].subject.startswith("Su comprobante")
    context.close()
