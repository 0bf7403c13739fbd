"""Olivia the organizer creates, previews, publishes and exports; others cannot."""

import csv
import io

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role
from groundswell.campaigns.models import Campaign, CampaignStatus

pytestmark = pytest.mark.django_db


def new_campaign_data(organization, **overrides):
    data = {
        "organization": organization.pk,
        "title": "Stop the data centre",
        "slug": "stop-the-data-centre",
        "ask": "Withdraw the planning application.",
        "background": "Because **water**.",
        "target_name": "Sam Reyes",
        "target_title": "",
        "target_organization": "City Council",
        "goal": 5000,
        "opens_at": "",
        "closes_at": "",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client, campaign):
    for url in (
        reverse("organizer:dashboard"),
        reverse("organizer:campaign", args=[campaign.slug]),
        reverse("organizer:campaign_export", args=[campaign.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_organizer_creates_a_draft_previews_and_publishes_it(client, owner, host):
    client.force_login(owner)

    response = client.post(reverse("organizer:campaign_new"), new_campaign_data(host))

    campaign = Campaign.objects.get(slug="stop-the-data-centre")
    assert response.status_code == 302
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.background_html == "<p>Because <strong>water</strong>.</p>"
    assert client.get(campaign.get_absolute_url()).status_code == 404
    preview = client.get(reverse("organizer:campaign_preview", args=[campaign.slug]))
    assert preview.status_code == 200
    assert "Preview" in preview.content.decode()

    client.post(reverse("organizer:campaign_action", args=[campaign.slug, "publish"]))

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    assert client.get(campaign.get_absolute_url()).status_code == 200


def test_invalid_campaign_input_is_refused_with_messages(client, owner, host):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_new"),
        new_campaign_data(host, title="<script>x</script>", goal="-5", slug="bad slug!"),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Please remove HTML tags" in body
    assert "Enter a valid “slug”" in body
    assert Campaign.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Stop the data centre\r\nBcc: everyone@example.org"),
        ("target_name", "Sam\nReyes"),
        ("title", "\u202eertnec atad eht potS"),
        ("target_organization", "\u200b"),
    ],
)
def test_a_line_break_or_invisible_character_in_a_line_is_refused_in_the_editor(
    client, owner, campaign, field, value
):
    client.force_login(owner)
    data = new_campaign_data(campaign.organization, slug=campaign.slug, **{field: value})
    data.pop("organization")

    response = client.post(reverse("organizer:campaign_edit", args=[campaign.slug]), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title
    created = client.post(
        reverse("organizer:campaign_new"),
        new_campaign_data(campaign.organization, **{field: value}),
    )
    assert created.status_code == 200
    assert not Campaign.objects.filter(slug="stop-the-data-centre").exists()


def test_an_organizer_cannot_create_a_campaign_for_another_organization(client, owner, make_org):
    client.force_login(owner)
    foreign = make_org("Not mine")

    client.post(reverse("organizer:campaign_new"), new_campaign_data(foreign))

    assert Campaign.objects.count() == 0


def test_an_organizer_edits_the_campaign(client, owner, campaign):
    client.force_login(owner)
    data = new_campaign_data(campaign.organization, slug=campaign.slug, title="New title")
    data.pop("organization")

    client.post(reverse("organizer:campaign_edit", args=[campaign.slug]), data)

    campaign.refresh_from_db()
    assert campaign.title == "New title"


def test_an_impossible_transition_is_refused(client, owner, campaign):
    client.force_login(owner)

    response = client.post(
        reverse("organizer:campaign_action", args=[campaign.slug, "publish"]), follow=True
    )

    assert "cannot do that" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_the_dashboard_shows_confirmed_and_pending_counts_and_a_chart(
    client, owner, campaign, signed, django_assert_max_num_queries
):
    signed(confirm=True, email="a@example.org")
    signed(confirm=False, email="b@example.org")
    client.force_login(owner)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("organizer:campaign", args=[campaign.slug]))

    body = response.content.decode()
    assert '<strong data-testid="confirmed-count">1</strong>' in body
    assert '<strong data-testid="pending-count">1</strong>' in body
    assert body.count("<rect ") == 30
    summary = body.split('data-testid="chart-summary">')[1].split("</p>")[0]
    assert summary.startswith("1 in these 30 days; the busiest day was ")
    assert summary.endswith(", with 1.")


def test_an_email_that_cannot_be_sent_is_shown_on_the_dashboard_without_its_address(
    client, owner, viewer, campaign, monkeypatch
):
    from django.core.mail import BadHeaderError

    from groundswell.core.models import EmailFailure, OutboundEmail
    from tests.conftest import sign_data

    def broken_header(self, *args, **kwargs):
        raise BadHeaderError("Header values can't contain newlines (got 'suzie@example.org')")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_header)
    signed = client.post(
        reverse("signatures:sign", args=[campaign.slug]),
        sign_data(name="Suzie Q", email="suzie@example.org"),
    )
    monkeypatch.undo()

    assert signed.status_code == 302
    email = OutboundEmail.objects.get()
    assert (email.campaign, email.failure) == (campaign, EmailFailure.INVALID_MESSAGE)
    for member in (owner, viewer):
        client.force_login(member)
        body = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()
        assert "1 e-mail could not be sent" in body
        assert "a header or the address is malformed" in body
        assert "suzie" not in body.lower()


def test_the_dashboard_says_so_when_nothing_was_confirmed_this_month(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()

    assert "No signatures were confirmed in these 30 days." in body


def test_the_dashboard_lists_only_my_organizations_campaigns(
    client, owner, campaign, make_campaign, django_assert_max_num_queries
):
    other = make_campaign(title="Someone else's")
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        body = client.get(reverse("organizer:dashboard")).content.decode()

    assert campaign.title in body
    assert other.title not in body


def read_csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_members_who_may_see_personal_data_download_the_csv(client, owner, campaign, signed):
    from groundswell.signatures.consent import ConsentGiven

    consent = ConsentGiven(organization_id=campaign.organization_id, wording="Yes", language="en")
    signed(confirm=True, email="a@example.org", name="=HYPERLINK(evil)", consents=[consent])
    client.force_login(owner)

    response = client.get(reverse("organizer:campaign_export", args=[campaign.slug]))

    rows = read_csv(response)
    assert response["Content-Type"].startswith("text/csv")
    assert {row["email"] for row in rows} == {"a@example.org"}
    assert rows[0]["name"] == "'=HYPERLINK(evil)"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("viewer", 403), ("outsider", 404), ("organizer", 200), ("admin", 200)],
)
def test_only_members_with_a_personal_data_role_may_export(
    client, campaign, make_user, outsider, who, expected
):
    users = {
        "viewer": make_user(campaign.organization, role=Role.VIEWER),
        "organizer": make_user(campaign.organization, role=Role.ORGANIZER),
        "admin": make_user(campaign.organization, role=Role.ADMIN),
        "outsider": outsider,
    }
    client.force_login(users[who])

    response = client.get(reverse("organizer:campaign_export", args=[campaign.slug]))

    assert response.status_code == expected


def test_viewers_see_figures_but_cannot_edit_or_export(client, viewer, campaign):
    client.force_login(viewer)

    body = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()

    assert "Download signatures" not in body
    assert client.get(reverse("organizer:campaign_edit", args=[campaign.slug])).status_code == 403
    response = client.post(reverse("organizer:campaign_action", args=[campaign.slug, "close"]))
    assert response.status_code == 403


def test_outsiders_cannot_tell_a_draft_exists(client, outsider, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)
    client.force_login(outsider)

    for name in ("organizer:campaign", "organizer:campaign_preview", "organizer:campaign_edit"):
        assert client.get(reverse(name, args=[draft.slug])).status_code == 404


def test_the_dashboard_links_to_my_organizations(client, owner, host):
    client.force_login(owner)

    body = client.get(reverse("organizer:dashboard")).content.decode()

    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Organizer dashboard · Groundswell"
    assert reverse("organizer:organization_members", args=[host.slug]) in body


def test_a_status_change_first_shows_what_it_does_and_changes_nothing(client, owner, campaign):
    client.force_login(owner)
    url = reverse("organizer:campaign_action", args=[campaign.slug, "mark_won"])

    page = client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert "This cannot be undone." in body
    assert 'class="danger"' in body
    assert f'action="{url}"' in body
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_it_refuses_to_confirm_a_change_the_status_does_not_allow(client, owner, campaign):
    client.force_login(owner)

    reopen = client.get(reverse("organizer:campaign_action", args=[campaign.slug, "reopen"]))
    unknown = client.get(reverse("organizer:campaign_action", args=[campaign.slug, "explode"]))

    assert reopen.status_code == 404
    assert unknown.status_code == 404


def test_the_dashboard_separates_pages_downloads_and_status_changes(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()

    pages, rest = body.split('id="campaign-downloads"')
    downloads, status = rest.split('id="campaign-status"')
    assert reverse("organizer:campaign_edit", args=[campaign.slug]) in pages
    assert reverse("organizer:campaign_export", args=[campaign.slug]) in downloads
    close = reverse("organizer:campaign_action", args=[campaign.slug, "close"])
    assert f'href="{close}"' in status


def test_the_dashboard_leads_to_open_letters_and_events(client, owner):
    """A letter need not belong to a campaign: its organizers must find it from the start."""
    client.force_login(owner)

    body = client.get(reverse("organizer:dashboard")).content.decode()

    assert f'href="{reverse("organizer:letter_list")}"' in body
    assert f'href="{reverse("organizer:event_list")}"' in body
