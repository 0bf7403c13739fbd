"""The organizer's update pages: owner, member (viewer) and outsider; a partner's own updates."""

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner
from groundswell.updates.models import Update, UpdateStatus


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.UPDATE_SEND_RATE = 0


def compose(client, campaign, **overrides):
    data = {"subject": "We delivered", "body_markdown": "Thank *you*.", "audience": "host_signers"}
    data.update(overrides)
    return client.post(reverse("organizer:campaign_update_new", args=[campaign.slug]), data)


def test_the_owner_writes_previews_and_sends_an_update(
    client, owner, campaign, consenting_signers, django_assert_max_num_queries
):
    owner.email = "owner@example.org"
    owner.save()
    consenting_signers(campaign=campaign, organization=campaign.organization, count=12)
    client.force_login(owner)

    form = client.get(reverse("organizer:campaign_update_new", args=[campaign.slug]))
    assert "(12 now)" in form.content.decode()
    response = compose(client, campaign)
    update = Update.objects.get()
    assert response.url == reverse("organizer:update", args=[update.pk])

    page = client.get(response.url).content.decode()
    assert "<em>you</em>" in page and "12 people are in this audience now" in page

    client.post(reverse("organizer:update_test", args=[update.pk]))
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]

    client.post(reverse("organizer:update_send", args=[update.pk]))
    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT
    assert len(mail.outbox) == 13

    with django_assert_max_num_queries(10):
        progress = client.get(reverse("organizer:update_progress", args=[update.pk])).json()
    assert (progress["sent"], progress["remaining"], progress["status"]) == (12, 0, "sent")
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("organizer:campaign_updates", args=[campaign.slug]))
    assert "We delivered" in listing.content.decode()


def test_it_refuses_to_send_to_an_empty_audience(client, owner, campaign):
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()

    response = client.post(reverse("organizer:update_send", args=[update.pk]), follow=True)

    assert "Nobody is in this audience" in response.content.decode()
    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_it_refuses_a_schedule_in_the_past(client, owner, campaign, consenting_signers):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()

    response = client.post(
        reverse("organizer:update_schedule", args=[update.pk]),
        {"at": "2020-01-01T10:00"},
        follow=True,
    )

    assert "future" in response.content.decode()
    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_a_member_sees_updates_but_cannot_write_or_send(client, viewer, owner, campaign):
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    client.force_login(viewer)

    assert (
        client.get(reverse("organizer:campaign_updates", args=[campaign.slug])).status_code == 200
    )
    assert client.get(reverse("organizer:update", args=[update.pk])).status_code == 200
    assert compose(client, campaign).status_code == 403
    assert client.post(reverse("organizer:update_send", args=[update.pk])).status_code == 403
    assert client.post(reverse("organizer:update_cancel", args=[update.pk])).status_code == 403


def test_it_rejects_outsiders(client, outsider, owner, campaign):
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    client.force_login(outsider)

    for name in ("update", "update_progress", "update_edit"):
        assert client.get(reverse(f"organizer:{name}", args=[update.pk])).status_code == 404
    assert client.post(reverse("organizer:update_cancel", args=[update.pk])).status_code == 404
    assert compose(client, campaign).status_code == 404
    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_a_partner_writes_to_its_own_supporters_and_the_host_does_not_see_it(
    client, owner, campaign, make_org, make_user, consenting_signers
):
    partner_org = make_org("Faith United")
    Partner.objects.create(campaign=campaign, organization=partner_org, slug="faith")
    staff = make_user(partner_org, role=Role.ORGANIZER)
    consenting_signers(campaign=campaign, organization=partner_org, count=2, prefix="f")
    client.force_login(staff)

    assert compose(client, campaign).status_code == 400  # not the host's signers
    compose(client, campaign, audience="partner_supporters")
    update = Update.objects.get()
    assert update.organization == partner_org

    client.force_login(owner)
    assert client.get(reverse("organizer:update", args=[update.pk])).status_code == 404
    listing = client.get(reverse("organizer:campaign_updates", args=[campaign.slug]))
    assert "We delivered" not in listing.content.decode()


# Sending and cancelling cannot be undone: each button opens a page saying what will happen, and
# only that page's form (a POST) does it.


def test_sending_first_shows_whom_it_goes_to_and_sends_nothing(
    client, owner, campaign, consenting_signers
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=3)
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    url = reverse("organizer:update_send", args=[update.pk])

    page = client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Send “We delivered” now?" in body
    assert "It goes to the 3 people in its audience now" in body
    assert "cannot be recalled" in body
    assert f'<form method="post" action="{url}">' in body
    assert "csrfmiddlewaretoken" in body
    assert f'href="{reverse("organizer:update", args=[update.pk])}"' in body
    assert Update.objects.get().status == UpdateStatus.DRAFT
    assert mail.outbox == []


def test_cancelling_first_shows_what_stops_and_changes_nothing(
    client, owner, campaign, consenting_signers
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    url = reverse("organizer:update_cancel", args=[update.pk])

    page = client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Cancel “We delivered”?" in body
    assert "It will never be sent." in body
    assert "cannot be resumed" in body
    assert "Keep the update" in body
    assert f'<form method="post" action="{url}">' in body
    assert Update.objects.get().status == UpdateStatus.DRAFT


def test_cancelling_an_update_being_sent_says_what_was_sent_stays_sent(
    client, owner, campaign, make_update
):
    update = make_update()
    Update.objects.filter(pk=update.pk).update(status=UpdateStatus.SENDING)
    client.force_login(owner)

    body = client.get(reverse("organizer:update_cancel", args=[update.pk])).content.decode()

    assert "what was already sent stays sent" in body
    assert "It will never be sent." not in body
    assert Update.objects.get().status == UpdateStatus.SENDING


def test_the_update_page_links_to_the_confirmations_rather_than_acting_at_once(
    client, owner, campaign, consenting_signers
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    send = reverse("organizer:update_send", args=[update.pk])
    cancel = reverse("organizer:update_cancel", args=[update.pk])

    page = client.get(reverse("organizer:update", args=[update.pk])).content.decode()

    assert f'href="{send}"' in page and f'href="{cancel}"' in page
    assert f'action="{send}"' not in page and f'action="{cancel}"' not in page
    assert "data-confirm" not in page and "confirm.js" not in page


def test_a_confirmation_of_what_can_no_longer_happen_leads_back_to_the_update(
    client, owner, campaign, consenting_signers
):
    consenting_signers(campaign=campaign, organization=campaign.organization, count=1)
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    client.post(reverse("organizer:update_cancel", args=[update.pk]))

    answers = [
        client.get(reverse(f"organizer:{name}", args=[update.pk]), follow=True)
        for name in ("update_send", "update_cancel")
    ]

    for answer in answers:
        assert answer.redirect_chain == [(reverse("organizer:update", args=[update.pk]), 302)]
        assert "already sent or cancelled" in answer.content.decode()
    assert Update.objects.get().status == UpdateStatus.CANCELLED


def test_sending_to_an_empty_audience_is_refused_before_asking(client, owner, campaign):
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()

    answer = client.get(reverse("organizer:update_send", args=[update.pk]), follow=True)

    assert answer.redirect_chain == [(reverse("organizer:update", args=[update.pk]), 302)]
    assert "Nobody is in this audience" in answer.content.decode()


def test_those_who_may_not_send_or_cancel_are_refused_the_confirmations_too(
    client, owner, viewer, outsider, campaign
):
    client.force_login(owner)
    compose(client, campaign)
    update = Update.objects.get()
    answers = {}
    for person, who in ((viewer, "viewer"), (outsider, "outsider")):
        client.force_login(person)
        for name in ("update_send", "update_cancel"):
            url = reverse(f"organizer:{name}", args=[update.pk])
            answers[who, name] = (client.get(url).status_code, client.post(url).status_code)

    assert answers == {
        ("viewer", "update_send"): (403, 403),
        ("viewer", "update_cancel"): (403, 403),
        ("outsider", "update_send"): (404, 404),
        ("outsider", "update_cancel"): (404, 404),
    }
    assert Update.objects.get().status == UpdateStatus.DRAFT
