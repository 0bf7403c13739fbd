"""After confirming, signers are offered what the organizers chose: sign the open letter, RSVP
to the campaign's next event, share, follow a partner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.campaigns.what_next import WhatNextError, what_next_register, what_next_wiring
from groundswell.events.models import EventStatus
from groundswell.letters.models import Letter, LetterStatus
from groundswell.letters.services.letters import letter_create
from groundswell.signatures.models import Signature
from groundswell.signatures.services import confirmation_token_make
from tests.conftest import sign_data

pytestmark = pytest.mark.django_db

WIRING = [
    "sign_letter: groundswell.letters.next_steps.sign_the_letter",
    "rsvp: groundswell.events.next_steps.rsvp_to_the_event",
    "share: groundswell.signatures.next_steps.share_the_petition",
    "follow_partner: groundswell.coalitions.next_steps.follow_a_partner",
]


def test_every_next_step_is_listed():
    assert what_next_wiring() == WIRING


def test_steps_are_registered_only_while_the_apps_load():
    with pytest.raises(WhatNextError):
        what_next_register("late", "Late", lambda campaign, partner_id: None)


def confirmed_page(client, campaign, **fields):
    client.post(reverse("signatures:sign", args=[campaign.slug]), sign_data(**fields))
    signature = Signature.objects.get(email=fields.get("email", "ada@example.org"))
    token = confirmation_token_make(public_id=signature.public_id)
    return client.post(reverse("signatures:confirm", args=[campaign.slug, token])).content.decode()


@pytest.fixture
def open_letter(campaign):
    letter = letter_create(
        organization=campaign.organization,
        slug="the-letter",
        title="Workers against the contract",
        addressee="Dana Whitfield",
        text="We ask you to cancel the contract.",
        campaign=campaign,
    )
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.OPEN)
    return letter


def test_the_confirmed_page_offers_the_open_letter_and_sharing(client, campaign, open_letter):
    html = confirmed_page(client, campaign)

    assert 'data-testid="next-sign_letter"' in html
    assert 'href="/letters/the-letter/"' in html
    assert 'data-testid="next-share"' in html


def test_a_signer_brought_by_a_partner_is_offered_to_follow_it(client, campaign, partner):
    Organization.objects.filter(pk=partner.organization_id).update(website="https://mjn.example")

    html = confirmed_page(client, campaign, partner=partner.slug)

    assert 'href="https://mjn.example"' in html
    assert "Follow Migrant Justice Network" in html


def test_the_confirmed_page_offers_the_campaigns_next_published_event(client, campaign, make_event):
    soon = timezone.now() + timedelta(days=2)
    make_event(slug="secret-rally", title="Secret rally", status=EventStatus.DRAFT, starts_at=soon)
    make_event(slug="later-rally", title="Later rally")  # in a week
    make_event(
        slug="next-rally", title="Next rally", starts_at=soon, ends_at=soon + timedelta(hours=2)
    )

    html = confirmed_page(client, campaign)

    assert 'data-testid="next-rsvp"' in html
    assert 'href="/e/next-rally/"' in html
    assert "RSVP: Next rally" in html
    assert "Plaza Mayor" in html and "(Europe/Madrid)" in html
    assert "Secret rally" not in html and "Later rally" not in html


def test_no_rsvp_step_without_an_event_to_come(client, campaign, make_event):
    make_event(slug="cancelled-rally", status=EventStatus.CANCELLED)
    past = timezone.now() - timedelta(days=3)
    make_event(slug="past-rally", starts_at=past, ends_at=past + timedelta(hours=2))

    assert 'data-testid="next-rsvp"' not in confirmed_page(client, campaign)


def test_only_the_steps_organizers_chose_are_shown(client, campaign, open_letter):
    Campaign.objects.filter(pk=campaign.pk).update(what_next=["share"])
    campaign.refresh_from_db()

    html = confirmed_page(client, campaign)

    assert 'data-testid="next-sign_letter"' not in html
    assert 'data-testid="next-share"' in html


def test_no_step_no_heading(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(what_next=[])

    assert 'data-testid="what-next"' not in confirmed_page(client, campaign)


class TestTheOrganizersChoice:
    def url(self, campaign):
        return reverse("organizer:campaign_what_next", args=[campaign.slug])

    def test_an_organizer_chooses_the_steps(self, client, campaign, owner):
        client.force_login(owner)

        response = client.post(self.url(campaign), {"what_next": ["share", "sign_letter"]})

        assert response.status_code == 302
        campaign.refresh_from_db()
        assert campaign.what_next == ["share", "sign_letter"]

    def test_it_refuses_an_unknown_step_and_changes_nothing(self, client, campaign, owner):
        client.force_login(owner)

        response = client.post(self.url(campaign), {"what_next": ["share", "dance"]})

        assert response.status_code == 200
        assert "dance" in response.content.decode()
        campaign.refresh_from_db()
        assert campaign.what_next is None

    def test_a_viewer_sees_the_choice_but_cannot_change_it(self, client, campaign, viewer):
        client.force_login(viewer)

        assert client.get(self.url(campaign)).status_code == 200
        assert client.post(self.url(campaign), {"what_next": []}).status_code == 403
