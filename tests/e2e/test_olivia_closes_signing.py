"""Olivia logs in, reads her dashboard and her campaign's chart, and closes signing on the page
that says what closing does (no script needed: cancelling there changes nothing); nothing on the
way breaks the Content-Security-Policy."""

import pytest

from groundswell.campaigns.models import Campaign, CampaignStatus
from tests.e2e.conftest import shot, watch_policy_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_olivia_closes_signing_under_the_policy(live_server, browser, campaign, owner, signed):
    signed(confirm=True, email="early@example.org")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    violations = watch_policy_violations(page)
    try:
        page.goto(f"{live_server.url}/organizer/")
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name=campaign.title).click()
        page.get_by_test_id("chart-summary").wait_for()
        shot(page, "organizer-campaign")
        for name in ("Coalition partners", "Our own contribution"):
            page.get_by_role("link", name=name).click()
            page.go_back()

        page.get_by_role("link", name="Close signing…").click()
        page.get_by_test_id("consequences").wait_for()
        assert "You can reopen signing later." in page.get_by_test_id("consequences").inner_text()
        shot(page, "organizer-confirm-close")
        page.get_by_role("link", name="Cancel, change nothing").click()
        page.get_by_test_id("chart-summary").wait_for()
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN

        page.get_by_role("link", name="Close signing…").click()
        page.get_by_role("button", name="Close signing").click()
        page.get_by_role("link", name="Reopen signing…").wait_for()
    finally:
        page.close()

    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    assert violations == []
