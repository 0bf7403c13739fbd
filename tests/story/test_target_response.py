"""The target's answer: organizers record it; the petition page shows where the target stands
(and how long it has been silent since the delivery), and the JSON carries it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.campaigns import events
from groundswell.campaigns.models import ResponseStance, TargetResponse, TimelineEntry
from groundswell.campaigns.responses import (
    target_response_delete,
    target_response_record,
    target_response_update,
)
from groundswell.coalitions.models import Partner
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.updates.models import Update, UpdateStatus

pytestmark = pytest.mark.django_db

SAID_AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def record(campaign, **overrides):
    values = {
        "campaign": campaign,
        "responder_name": "Dana Whitfield",
        "responder_title": "CEO, Northwind Cloud",
        "responded_at": SAID_AT,
        "quote": 'We find the policy "cruel and abusive", but the contract stands.',
        "source_url": "https://social.example.com/@dana/1",
        "stance": ResponseStance.REFUSED,
    }
    values.update(overrides)
    return target_response_record(**values)


def form_data(**overrides):
    data = {
        "responder_name": "Dana Whitfield",
        "responder_title": "CEO",
        "responded_at": "2026-03-03T09:00",
        "quote": "The contract stands.",
        "source_url": "https://social.example.com/@dana/1",
        "stance": "refused",
    }
    data.update(overrides)
    return data


def test_recording_a_response_adds_it_to_the_timeline_and_tells_subscribers_after_commit(
    campaign, monkeypatch, django_capture_on_commit_callbacks
):
    heard = []
    monkeypatch.setattr(events.target_responded, "_after_commit", [heard.append])

    with django_capture_on_commit_callbacks(execute=True):
        response = record(campaign)
        assert heard == []

    assert heard == [
        events.TargetResponded(
            response_id=response.pk, campaign_id=campaign.pk, stance=ResponseStance.REFUSED
        )
    ]
    entry = TimelineEntry.objects.get(campaign=campaign, kind="response")
    assert (entry.key, entry.at, entry.url) == (str(response.pk), SAID_AT, response.source_url)
    assert entry.shown_title == "Dana Whitfield responded"


@pytest.mark.parametrize(
    "source_url",
    ["javascript:alert(1)", "ftp://example.com/file", "not a link", "data:text/html,x"],
)
def test_it_refuses_a_source_that_is_not_a_web_link_and_stores_nothing(campaign, source_url):
    with pytest.raises(ValidationError) as refused:
        record(campaign, source_url=source_url)

    assert "source_url" in refused.value.message_dict
    assert not TargetResponse.objects.exists()
    assert not TimelineEntry.objects.filter(kind="response").exists()


def test_it_refuses_an_unknown_stance_and_stores_nothing(campaign):
    with pytest.raises(ValidationError) as refused:
        record(campaign, stance="delighted")

    assert "stance" in refused.value.message_dict
    assert not TargetResponse.objects.exists()


def test_it_refuses_a_name_with_control_characters(campaign):
    with pytest.raises(ValidationError):
        record(campaign, responder_name="Dana\u202eWhitfield")


def test_correcting_a_response_moves_its_timeline_entry_and_deleting_removes_it(campaign):
    response = record(campaign)
    later = SAID_AT + timedelta(days=1)

    target_response_update(
        response=response, data={"responded_at": later, "stance": ResponseStance.PARTLY_MET}
    )

    assert TargetResponse.objects.get().stance == ResponseStance.PARTLY_MET
    assert TimelineEntry.objects.get(kind="response").at == later
    target_response_delete(response=TargetResponse.objects.get())
    assert not TimelineEntry.objects.filter(kind="response").exists()


def test_a_bad_correction_changes_nothing(campaign):
    response = record(campaign)

    with pytest.raises(ValidationError):
        target_response_update(response=response, data={"source_url": "javascript:x"})

    assert TargetResponse.objects.get().source_url == "https://social.example.com/@dana/1"


def test_the_page_shows_the_latest_stance_and_quote_escaped(client, campaign):
    record(campaign, stance=ResponseStance.ACKNOWLEDGED, responded_at=SAID_AT - timedelta(days=3))
    record(campaign, quote="<script>alert(1)</script> No.")

    page = client.get(campaign.get_absolute_url()).content.decode()

    stance = page[page.index('data-testid="target-stance"') :]
    assert "Refused" in stance
    assert "&lt;script&gt;alert(1)&lt;/script&gt; No." in stance
    assert "<script>alert(1)" not in page
    assert "Earlier responses" in stance


def test_before_any_delivery_or_response_the_page_says_nothing_of_the_target(client, campaign):
    page = client.get(campaign.get_absolute_url()).content.decode()

    assert 'data-testid="target-stance"' not in page
    data = client.get(reverse("campaigns:petition_json", args=[campaign.slug])).json()
    assert data["target_response"] == {"stance": "no_response", "since": None, "responses": []}


def test_after_a_delivery_the_page_counts_the_silence_since(client, campaign, owner):
    delivered_at = timezone.now() - timedelta(days=12)
    delivery_record(
        campaign=campaign, user=owner, delivered_at=delivered_at, place="HQ", received_by="Desk"
    )

    page = client.get(campaign.get_absolute_url()).content.decode()
    data = client.get(reverse("campaigns:petition_json", args=[campaign.slug])).json()

    stance = page[page.index('data-testid="target-stance"') :]
    assert "No response yet" in stance
    assert "silent for 1\xa0week, 5\xa0days since the delivery" in stance
    assert data["target_response"] == {
        "stance": "no_response",
        "since": delivered_at.isoformat(),
        "responses": [],
    }


def test_the_json_carries_every_response_newest_first(client, campaign):
    record(campaign, stance=ResponseStance.ACKNOWLEDGED, responded_at=SAID_AT - timedelta(days=3))
    record(campaign)

    data = client.get(reverse("campaigns:petition_json", args=[campaign.slug])).json()

    assert data["target_response"]["stance"] == "refused"
    assert data["target_response"]["since"] == SAID_AT.isoformat()
    assert data["target_response"]["responses"][0] == {
        "name": "Dana Whitfield",
        "title": "CEO, Northwind Cloud",
        "at": SAID_AT.isoformat(),
        "quote": 'We find the policy "cruel and abusive", but the contract stands.',
        "source_url": "https://social.example.com/@dana/1",
        "stance": "refused",
    }
    assert [r["stance"] for r in data["target_response"]["responses"]] == [
        "refused",
        "acknowledged",
    ]


# The organizer's pages -----------------------------------------------------------------------


def test_an_organizer_records_a_response(client, campaign, owner):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_responses", args=[campaign.slug]), form_data()
    )

    assert response.status_code == 302
    stored = TargetResponse.objects.get()
    assert (stored.stance, stored.recorded_by) == ("refused", owner)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_response_forms_labels_are_capitalised_like_every_other(
    client, campaign, owner, language
):
    client.force_login(owner)
    response = record(campaign)
    pages = [
        reverse("organizer:campaign_responses", args=[campaign.slug]),
        reverse("organizer:campaign_response_edit", args=[campaign.slug, response.pk]),
    ]

    for page in pages:
        html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        labels = re.findall(r"<label for=\"id_[a-z_]+\">([^<]+)</label>", html)
        assert len(labels) >= 6, page
        assert all(label[0].isupper() for label in labels), labels
    assert ("Fuente:" if language == "es" else "Source:") in labels


def test_recording_one_can_draft_an_update_to_signers(client, campaign, owner):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_responses", args=[campaign.slug]),
        {**form_data(), "draft_update": "on"},
    )

    update = Update.objects.get()
    assert response.url == reverse("organizer:update_edit", args=[update.pk])
    assert (update.status, update.audience) == (UpdateStatus.DRAFT, "host_signers")
    assert update.subject == "Dana Whitfield responded to our petition"
    assert "> The contract stands." in update.body_markdown
    assert "https://social.example.com/@dana/1" in update.body_markdown


@pytest.mark.parametrize(
    "bad",
    [
        {"source_url": "javascript:alert(1)"},
        {"source_url": "ftp://example.com/post"},
        {"stance": "furious"},
        {"responder_name": ""},
        {"responded_at": "yesterday"},
    ],
)
def test_the_organizer_page_refuses_bad_input_and_stores_nothing(client, campaign, owner, bad):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_responses", args=[campaign.slug]), form_data(**bad)
    )

    assert response.status_code == 400
    assert not TargetResponse.objects.exists()


def test_outsiders_viewers_and_partners_record_nothing(
    client, campaign, viewer, outsider, make_org, make_user
):
    partner = Partner.objects.create(campaign=campaign, organization=make_org(), slug="p")
    partner_staff = make_user(partner.organization, role=Role.OWNER)
    url = reverse("organizer:campaign_responses", args=[campaign.slug])
    answers = []
    for person in (outsider, viewer, partner_staff):
        client.force_login(person)
        answers.append(client.post(url, form_data()).status_code)

    assert answers == [404, 403, 404]
    assert not TargetResponse.objects.exists()


def test_a_response_of_another_campaign_is_not_found(client, campaign, owner, make_campaign):
    other = record(make_campaign())
    client.force_login(owner)

    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, other.pk])

    assert client.post(url).status_code == 404
    assert TargetResponse.objects.filter(pk=other.pk).exists()


def test_deleting_a_response_first_shows_what_will_be_deleted_and_deletes_nothing(
    client, campaign, owner
):
    response = record(campaign)
    client.force_login(owner)
    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, response.pk])

    page = client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Delete the response of Dana Whitfield?" in body
    assert "removed from the petition page" in body
    assert f'<form method="post" action="{url}">' in body
    assert "csrfmiddlewaretoken" in body
    assert f'href="{reverse("organizer:campaign_responses", args=[campaign.slug])}"' in body
    assert TargetResponse.objects.filter(pk=response.pk).exists()
    assert TimelineEntry.objects.filter(kind="response").exists()


def test_only_the_confirmation_pages_post_deletes_the_response(client, campaign, owner):
    response = record(campaign)
    client.force_login(owner)
    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, response.pk])

    answer = client.post(url)

    assert answer.url == reverse("organizer:campaign_responses", args=[campaign.slug])
    assert not TargetResponse.objects.exists()
    assert not TimelineEntry.objects.filter(kind="response").exists()


def test_the_delete_post_needs_the_forms_csrf_token(campaign, owner):
    response = record(campaign)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, response.pk])

    assert client.post(url).status_code == 403
    assert TargetResponse.objects.filter(pk=response.pk).exists()


def test_the_list_links_to_the_confirmation_rather_than_deleting_at_once(client, campaign, owner):
    response = record(campaign)
    client.force_login(owner)
    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, response.pk])

    body = client.get(reverse("organizer:campaign_responses", args=[campaign.slug])).content
    page = body.decode()

    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page
    assert "data-confirm" not in page


def test_those_who_may_not_delete_are_refused_the_confirmation_as_the_deletion(
    client, campaign, viewer, outsider, make_org, make_user
):
    response = record(campaign)
    partner = Partner.objects.create(campaign=campaign, organization=make_org(), slug="p")
    partner_staff = make_user(partner.organization, role=Role.OWNER)
    url = reverse("organizer:campaign_response_delete", args=[campaign.slug, response.pk])
    answers = []
    for person in (outsider, viewer, partner_staff):
        client.force_login(person)
        answers.append((client.get(url).status_code, client.post(url).status_code))

    assert answers == [(404, 404), (403, 403), (404, 404)]
    assert TargetResponse.objects.filter(pk=response.pk).exists()
