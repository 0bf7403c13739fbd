"""Reading through the API: each key sees what its organization's staff may export, and no more."""

import pytest

from groundswell.accounts.models import Membership, Role
from groundswell.api.keys import api_key_create, api_key_revoke
from groundswell.api.models import ApiKey, ApiScope
from tests.api.conftest import consent_to

pytestmark = pytest.mark.django_db


def emails(body, relation="osdi:signatures"):
    found = set()
    for item in body["_embedded"][relation]:
        person = item.get("person", item)
        found |= {address["address"] for address in person["email_addresses"]}
    return found


def test_it_refuses_a_request_without_a_key(api, campaign):
    response = api("get", "/api/v1/petitions")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_it_refuses_an_unknown_key(api, campaign):
    response = api("get", "/api/v1/petitions", key="gs_abcdef123456_nope")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_key"


def test_it_refuses_a_revoked_key(api, host, make_key):
    key = make_key(host)
    api_key_revoke(api_key=ApiKey.objects.get())

    response = api("get", "/api/v1/petitions", key=key)

    assert response.status_code == 401
    assert response.json()["error"] == "revoked_key"


@pytest.mark.parametrize("change", ["demoted", "removed", "deleted"])
def test_a_key_stops_working_when_its_maker_no_longer_manages_the_organization(
    api, host, campaign, make_user, change
):
    admin = make_user(host, role=Role.ADMIN)
    key = api_key_create(organization=host, name="CRM", scope=ApiScope.READ, created_by=admin)
    assert api("get", "/api/v1/petitions", key=key.secret).status_code == 200

    if change == "demoted":
        Membership.objects.filter(user=admin).update(role=Role.ORGANIZER)
    elif change == "removed":
        Membership.objects.filter(user=admin).delete()
    else:
        admin.delete()
    response = api("get", f"/api/v1/petitions/{campaign.slug}", key=key.secret)

    assert response.status_code == 401
    # A deleted account takes the keys it made with it.
    assert response.json()["error"] == ("invalid_key" if change == "deleted" else "revoked_key")


def test_a_key_made_by_a_manager_works_for_as_long_as_they_manage(api, host, campaign, make_user):
    admin = make_user(host, role=Role.ADMIN)
    key = api_key_create(organization=host, name="CRM", scope=ApiScope.READ, created_by=admin)
    Membership.objects.filter(user=admin).update(role=Role.OWNER)

    assert api("get", "/api/v1/petitions", key=key.secret).status_code == 200


def test_the_keys_page_says_which_keys_stopped_with_their_maker(client, host, owner, make_user):
    admin = make_user(host, role=Role.ADMIN)
    api_key_create(organization=host, name="Old CRM", scope=ApiScope.READ, created_by=admin)
    Membership.objects.filter(user=admin).delete()
    client.force_login(owner)

    page = client.get(f"/organizer/organizations/{host.slug}/api-keys/").content.decode()

    assert "stopped: whoever made it no longer manages the organization" in page


def test_it_accepts_the_osdi_token_header(api, host, campaign, make_key):
    response = api("get", "/api/v1/petitions", osdi_api_token=make_key(host))

    assert response.status_code == 200


def test_the_key_is_stored_hashed_and_its_use_recorded(api, host, make_key):
    key = make_key(host)

    api("get", "/api/v1/petitions", key=key)

    stored = ApiKey.objects.get()
    assert key not in {stored.prefix, stored.secret_hash}
    assert stored.last_used_at is not None


def test_a_key_over_its_rate_gets_429_with_retry_after(api, host, make_key, settings):
    settings.API_RATE_LIMIT = 2
    key = make_key(host)

    statuses = [api("get", "/api/v1/petitions", key=key).status_code for _ in range(3)]
    response = api("get", "/api/v1/petitions", key=key)

    assert statuses == [200, 200, 429]
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_petitions_list_the_hosted_and_co_sponsored_only(
    api, host, campaign, partner_a, make_campaign, make_key
):
    unrelated = make_campaign(title="Unrelated")

    host_body = api("get", "/api/v1/petitions", key=make_key(host)).json()
    partner_body = api("get", "/api/v1/petitions", key=make_key(partner_a.organization)).json()

    assert [p["identifiers"] for p in host_body["_embedded"]["osdi:petitions"]] == [
        [f"groundswell:{campaign.slug}"]
    ]
    assert [p["title"] for p in partner_body["_embedded"]["osdi:petitions"]] == [campaign.title]
    assert unrelated.title not in str(host_body)
    assert host_body["_links"]["self"]["href"].startswith("http://testserver/api/v1/petitions")


def test_another_organizations_petition_is_not_found(api, campaign, make_org, make_key):
    key = make_key(make_org("Other group"))

    response = api("get", f"/api/v1/petitions/{campaign.slug}/signatures", key=key)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_host_sees_confirmed_signers_with_contact_details_only_with_consent(
    api, host, campaign, signed, make_key
):
    signed(email="fan@example.org", consents=[consent_to(host)])
    signed(email="quiet@example.org", name="Quinn Quiet")
    signed(email="pending@example.org", confirm=False)

    body = api("get", f"/api/v1/petitions/{campaign.slug}/signatures", key=make_key(host)).json()

    people = [item["person"] for item in body["_embedded"]["osdi:signatures"]]
    assert len(people) == 2
    assert emails(body) == {"fan@example.org"}
    quiet = next(person for person in people if person["given_name"] == "Quinn")
    assert quiet["postal_addresses"] == [{"postal_code": "", "country": "GB"}]
    assert "pending@example.org" not in str(body)


def test_a_partner_sees_only_the_signers_who_consented_to_it(
    api, campaign, partner_a, partner_b, signed, make_key
):
    signed(email="a-fan@example.org", consents=[consent_to(partner_a.organization)])
    signed(email="b-fan@example.org", consents=[consent_to(partner_b.organization)])
    signed(email="host-only@example.org", consents=[consent_to(campaign.organization)])

    body = api(
        "get",
        f"/api/v1/petitions/{campaign.slug}/signatures",
        key=make_key(partner_a.organization),
    ).json()
    people = api("get", "/api/v1/people", key=make_key(partner_a.organization)).json()

    assert emails(body) == {"a-fan@example.org"}
    assert len(body["_embedded"]["osdi:signatures"]) == 1
    assert emails(people, "osdi:people") == {"a-fan@example.org"}


def test_pages_follow_the_cursor_without_repeating_or_skipping(
    api, host, campaign, signed, make_key
):
    for number in range(5):
        signed(email=f"signer{number}@example.org", consents=[consent_to(host)])
    key = make_key(host)

    seen, url = [], f"/api/v1/petitions/{campaign.slug}/signatures?per_page=2"
    while url:
        body = api("get", url, key=key).json()
        seen += sorted(emails(body))
        url = body["_links"].get("next", {}).get("href", "").removeprefix("http://testserver")

    assert sorted(seen) == [f"signer{number}@example.org" for number in range(5)]
    assert len(seen) == 5


def test_modified_date_filters_return_only_later_changes(api, host, campaign, signed, make_key):
    old = signed(email="old@example.org", consents=[consent_to(host)])
    new = signed(email="new@example.org", consents=[consent_to(host)])
    key = make_key(host)
    since = old.confirmed_at.isoformat()
    path = f"/api/v1/petitions/{campaign.slug}/signatures"

    osdi = api("get", path, key=key, QUERY_STRING="").json()
    filtered = api("get", f"{path}?filter=modified_date gt '{since}'", key=key).json()
    by_parameter = api("get", path + "?modified_since=" + since.replace("+", "%2B"), key=key)

    assert len(osdi["_embedded"]["osdi:signatures"]) == 2
    assert emails(filtered) == {"new@example.org"}
    assert emails(by_parameter.json()) == {"new@example.org"}
    assert new.confirmed_at > old.confirmed_at


@pytest.mark.parametrize(
    "query",
    ["cursor=not-a-cursor", "per_page=0", "per_page=1000", "filter=name eq 'x'",
     "modified_since=yesterday"],
)  # fmt: skip
def test_bad_list_parameters_get_400_with_a_message(api, host, campaign, make_key, query):
    response = api(
        "get", f"/api/v1/petitions/{campaign.slug}/signatures?{query}", key=make_key(host)
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameter"
    assert response.json()["message"]


def test_the_petition_shows_its_channels_breakdown(api, host, campaign, signed, make_key):
    signed(email="online@example.org")

    body = api("get", f"/api/v1/petitions/{campaign.slug}", key=make_key(host)).json()

    assert body["channels"]["paper"] == 0
    assert body["_links"]["osdi:signatures"]["href"].endswith(
        f"/petitions/{campaign.slug}/signatures"
    )


def test_the_openapi_document_and_the_docs_are_served(client):
    document = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert document.status_code == 200
    assert "/api/v1/petitions/{slug}/signatures" in document.json()["paths"]
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
