"""Wen works at Northwind: on her phone she signs the employees' letter, name withheld, and
proves her affiliation through her work inbox without her name ever reaching it."""

import re

import pytest
from django.core import mail

from groundswell.letters.models import Signatory
from tests.e2e.conftest import (
    axe_violations,
    shot,
    take_the_time_a_person_would,
    watch_policy_violations,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def letter(make_letter):
    return make_letter(slug="northwind-workers", title="Northwind workers against the contract")


def test_wen_signs_an_open_letter_with_her_name_withheld(live_server, phone, letter, settings):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    page = phone
    violations = watch_policy_violations(page)
    page.goto(f"{live_server.url}/letters/{letter.slug}/sign/")
    assert page.get_by_test_id("work-device-warning").is_visible()

    page.get_by_label("Employees of Northwind Cloud").check()
    page.get_by_label("name withheld").check()
    page.get_by_role("textbox", name="Full name").fill("Wen Okafor")
    page.get_by_role("textbox", name="Affiliation").fill("Northwind Cloud, Storage")
    page.get_by_role("textbox", name="Work e-mail").fill("wen@gmail.com")
    page.get_by_role("button", name="Sign", exact=True).click()
    assert page.get_by_text("Please correct the errors below.").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="Work e-mail").fill("wen.okafor@northwind.example")
    assert page.locator("input[name=website]").is_hidden()
    take_the_time_a_person_would(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state()
    shot(page, "letter-thanks-phone")
    assert axe_violations(page) == []
    verify = mail.outbox[-1]
    assert "Okafor" not in verify.body
    link = re.search(r"(http://\S+/verify/\S+/)", verify.body).group(1)

    page.goto(link)
    assert axe_violations(page) == []
    assert Signatory.objects.get().work_verified_at is None
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/letters/{letter.slug}/")
    shot(page, "letter-phone")
    body = page.content()
    assert "name withheld" in body
    assert "Okafor" not in body
    assert Signatory.objects.get().work_verified_at is not None
    assert violations == []
