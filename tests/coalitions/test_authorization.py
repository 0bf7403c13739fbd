"""Who gets what: every organizer URL that shows or exports data, for every kind of visitor.

Host staff see the whole campaign (viewers: figures only). A partner's staff see what their own
organization brought and the supporters who agreed to hear from it, never another partner's.
Platform administrators are not members and use the Django admin instead.
"""

import csv
import io

import pytest
from django.urls import reverse

from groundswell.accounts.models import Role, User
from tests.coalitions.conftest import sign_through
from tests.conftest import confirmation_link_from_outbox

pytestmark = pytest.mark.django_db

LOGIN = "login"
VISITORS = [
    "anonymous",
    "host_viewer",
    "host_organizer",
    "partner_a",
    "partner_b",
    "platform_admin",
]

# url name -> expected status for each visitor, in VISITORS order
TABLE = {
    "organizer:campaign": [LOGIN, 200, 200, 302, 302, 404],
    "organizer:campaign_preview": [LOGIN, 200, 200, 404, 404, 404],
    "organizer:campaign_edit": [LOGIN, 403, 200, 404, 404, 404],
    "organizer:campaign_export": [LOGIN, 403, 200, 404, 404, 404],
    "organizer:campaign_partners": [LOGIN, 200, 200, 403, 403, 404],
    "organizer:campaign_contribution": [LOGIN, 200, 200, 200, 200, 404],
    "organizer:campaign_supporters_export": [LOGIN, 403, 200, 200, 200, 404],
}


@pytest.fixture
def visitors(campaign, partner_a, partner_b, staff_of, make_user) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "host_viewer": staff_of(campaign.organization, Role.VIEWER),
        "host_organizer": staff_of(campaign.organization, Role.ORGANIZER),
        "partner_a": staff_of(partner_a.organization, Role.ORGANIZER),
        "partner_b": staff_of(partner_b.organization, Role.ORGANIZER),
        "platform_admin": User.objects.create_superuser("root", "root@example.org", "pw"),
    }


@pytest.fixture
def signers(client, campaign, partner_a, partner_b):
    """One signer per organization, each consenting to the one that brought them."""
    sign_through(
        client, campaign, email="host-fan@example.org", name="Hana Host", contact_host="on"
    )
    client.post(confirmation_link_from_outbox())
    for partner, email, name in [
        ("migrant-justice", "a-fan@example.org", "Abel Alpha"),
        ("digital-rights", "b-fan@example.org", "Bea Beta"),
    ]:
        sign_through(
            client, campaign, partner=partner, email=email, name=name, contact_partner="on"
        )
        client.post(confirmation_link_from_outbox())
    sign_through(
        client, campaign, partner="migrant-justice", email="quiet@example.org", name="Quinn Quiet"
    )
    client.post(confirmation_link_from_outbox())


@pytest.mark.parametrize("url_name", TABLE)
@pytest.mark.parametrize("visitor", VISITORS)
def test_the_authorization_table(client, campaign, visitors, url_name, visitor):
    expected = TABLE[url_name][VISITORS.index(visitor)]
    if visitors[visitor] is not None:
        client.force_login(visitors[visitor])

    response = client.get(reverse(url_name, args=[campaign.slug]))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    ("visitor", "expected_emails"),
    [
        ("host_organizer", {"host-fan@example.org"}),
        ("partner_a", {"a-fan@example.org"}),
        ("partner_b", {"b-fan@example.org"}),
    ],
)
def test_each_organization_downloads_only_its_consenting_supporters(
    client, campaign, visitors, signers, visitor, expected_emails
):
    client.force_login(visitors[visitor])

    rows = csv_rows(
        client.get(reverse("organizer:campaign_supporters_export", args=[campaign.slug]))
    )

    assert {row["email"] for row in rows} == expected_emails
    assert list(rows[0]) == [
        "first_name", "last_name", "email", "postal_code", "country", "created", "source",
    ]  # fmt: skip


def test_a_partner_sees_its_own_contribution_and_never_another_partners_people(
    client, campaign, visitors, signers
):
    client.force_login(visitors["partner_a"])

    body = client.get(
        reverse("organizer:campaign_contribution", args=[campaign.slug])
    ).content.decode()

    assert '<strong data-testid="confirmed-count">2</strong>' in body
    assert "?partner=migrant-justice" in body
    for private in ("b-fan@example.org", "Bea Beta", "a-fan@example.org", "Abel Alpha"):
        assert private not in body


def test_a_partner_is_sent_from_the_host_page_to_its_own(client, campaign, visitors):
    client.force_login(visitors["partner_b"])

    response = client.get(reverse("organizer:campaign", args=[campaign.slug]))

    assert response["Location"] == reverse("organizer:campaign_contribution", args=[campaign.slug])


def test_viewers_see_figures_but_no_personal_data_anywhere(client, campaign, visitors, signers):
    client.force_login(visitors["host_viewer"])

    for url_name in (
        "organizer:campaign",
        "organizer:campaign_partners",
        "organizer:campaign_contribution",
    ):
        body = client.get(reverse(url_name, args=[campaign.slug])).content.decode()
        for private in ("@example.org", "Hana Host", "Abel Alpha", "Bea Beta"):
            assert private not in body, (url_name, private)


def test_the_dashboard_lists_campaigns_hosted_or_co_sponsored(
    client, campaign, visitors, make_campaign
):
    unrelated = make_campaign(title="Unrelated campaign")
    client.force_login(visitors["partner_a"])

    body = client.get(reverse("organizer:dashboard")).content.decode()

    assert campaign.title in body
    assert unrelated.title not in body


def test_only_host_editors_can_remove_partners(client, campaign, visitors, partner_a):
    url = reverse("organizer:campaign_partner_remove", args=[campaign.slug, partner_a.slug])
    for visitor, expected in [
        ("host_viewer", 403),
        ("partner_a", 403),
        ("partner_b", 403),
        ("platform_admin", 404),
    ]:
        client.force_login(visitors[visitor])
        assert client.post(url).status_code == expected, visitor
    partner_a.refresh_from_db()
    assert partner_a.removed_at is None

    client.force_login(visitors["host_organizer"])
    client.post(url)

    partner_a.refresh_from_db()
    assert partner_a.removed_at is not None
