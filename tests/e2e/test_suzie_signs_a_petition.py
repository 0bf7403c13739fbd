"""Suzie, on her phone, signs, confirms from her e-mail, and sees the count go up by one."""

import re

import pytest
from django.core import mail

from groundswell.campaigns.models import Campaign
from tests.e2e.conftest import (
    axe_violations,
    shot,
    take_the_time_a_person_would,
    watch_policy_violations,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_suzie_signs_a_petition(live_server, phone, campaign, settings):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    page = phone
    violations = watch_policy_violations(page)
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}?source=e2e")
    assert page.get_by_test_id("signature-count").inner_text() == "0"
    shot(page, "petition-phone")

    page.get_by_label("Full name").fill("Suzie Q. <Tester>")
    page.get_by_role("button", name="Sign").click()
    assert page.get_by_text("Please correct the errors below.").is_visible()
    assert page.get_by_text("Please remove HTML tags").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Full name").fill("Suzie Quatro")
    page.get_by_role("textbox", name="E-mail").fill("suzie@example.org")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Postal code").fill("10001")
    page.get_by_label("Show my name on the list of signers").check()
    # The honeypot is there for bots, and nowhere for Suzie: not seen, not in reach.
    assert page.locator("input[name=website]").count() == 1
    assert page.locator("input[name=website]").is_hidden()
    assert page.get_by_role("textbox", name="Leave this field empty").count() == 0
    take_the_time_a_person_would(page)
    page.get_by_role("button", name="Sign").click()
    page.get_by_role("heading", name="Almost done: check your e-mail").wait_for()
    shot(page, "thanks-phone")

    link = re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    shot(page, "confirm-phone")
    assert axe_violations(page) == []
    campaign.refresh_from_db()
    assert campaign.signature_count == 0

    page.get_by_role("button", name="Confirm my signature").click()
    page.get_by_role("heading", name="Thank you — your signature is confirmed").wait_for()

    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert page.get_by_test_id("signature-count").inner_text() == "1"
    assert page.get_by_text("Suzie Quatro").is_visible()
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 1
    assert violations == []
