"""Events and their RSVPs through the API: the host's events and the ones a partner co-hosts
once published; of the RSVPs, only people who confirmed consent to the key's own organization
(the RSVP export's rule)."""

import pytest

from groundswell.events.models import EventStatus
from groundswell.events.services.rsvps import rsvp_walk_in_add

pytestmark = pytest.mark.django_db


def attendances(api, event, key, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return api("get", f"/api/v1/events/{event.slug}/attendances?{query}", key=key)


def test_the_host_sees_its_event_and_the_rsvps_who_consented_to_it(
    api, host, campaign, partner_a, make_event, rsvped, make_key
):
    event = make_event(co_hosts=[partner_a.organization], capacity=1, title="Delivery rally")
    rsvped(
        event, name="Ada Lovelace", email="ada@example.org", phone="+34 600 111 222",
        guests=0, consent_organization_ids={host.pk},
    )  # fmt: skip
    rsvped(event, name="Waiting Wanda", consent_organization_ids={host.pk})
    rsvped(event, name="Quiet Quentin")
    rsvped(event, name="Pending Pat", confirm=False, consent_organization_ids={host.pk})
    key = make_key(host)

    shown = api("get", f"/api/v1/events/{event.slug}", key=key).json()
    body = attendances(api, event, key).json()

    assert shown["identifiers"] == [f"groundswell:{event.slug}"]
    assert shown["title"] == "Delivery rally"
    assert shown["location"] == {"venue": "Plaza Mayor", "address": "Plaza Mayor 1, Madrid"}
    # Wanda and Quentin wait: counts are of everyone, consent or not (the public page's).
    assert (shown["rsvp_count"], shown["waitlist_count"], shown["capacity"]) == (1, 2, 1)
    listed = api("get", "/api/v1/events", key=key).json()["_embedded"]["osdi:events"]
    assert [entry["waitlist_count"] for entry in listed] == [2]
    assert shown["_links"]["osdi:petition"]["href"].endswith(f"/api/v1/petitions/{campaign.slug}")
    entries = body["_embedded"]["osdi:attendances"]
    assert [entry["person"]["given_name"] for entry in entries] == ["Ada", "Waiting"]
    ada = entries[0]
    assert ada["status"] == "confirmed"
    assert ada["checked_in"] is False
    assert ada["person"]["family_name"] == "Lovelace"
    assert ada["person"]["email_addresses"] == [{"address": "ada@example.org", "primary": True}]
    assert ada["person"]["phone_numbers"] == [{"number": "+34 600 111 222", "primary": True}]
    assert entries[1]["status"] == "waitlisted"
    assert "Quentin" not in str(body) and "Pending" not in str(body)


def test_a_co_host_sees_only_the_rsvps_who_consented_to_it(
    api, host, partner_a, make_event, rsvped, make_key
):
    event = make_event(co_hosts=[partner_a.organization])
    rsvped(
        event, name="Both Barbara", consent_organization_ids={host.pk, partner_a.organization.pk}
    )
    rsvped(event, name="Host Harriet", consent_organization_ids={host.pk})

    response = attendances(api, event, make_key(partner_a.organization))

    assert response.status_code == 200
    names = [e["person"]["given_name"] for e in response.json()["_embedded"]["osdi:attendances"]]
    assert names == ["Both"]


def test_it_refuses_another_organizations_event_as_not_found(api, make_event, make_org, make_key):
    event = make_event()
    key = make_key(make_org("Other"))

    assert api("get", f"/api/v1/events/{event.slug}", key=key).status_code == 404
    response = attendances(api, event, key)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    listed = api("get", "/api/v1/events", key=key).json()["_embedded"]["osdi:events"]
    assert listed == []


def test_drafts_are_hidden_from_co_hosts_but_not_from_their_host(
    api, host, partner_a, make_event, make_key
):
    draft = make_event(status=EventStatus.DRAFT, co_hosts=[partner_a.organization])
    published = make_event(co_hosts=[partner_a.organization])
    partner_key = make_key(partner_a.organization)

    partner_list = api("get", "/api/v1/events", key=partner_key).json()
    host_list = api("get", "/api/v1/events", key=make_key(host)).json()

    assert [e["identifiers"] for e in partner_list["_embedded"]["osdi:events"]] == [
        [f"groundswell:{published.slug}"]
    ]
    assert api("get", f"/api/v1/events/{draft.slug}", key=partner_key).status_code == 404
    assert attendances(api, draft, partner_key).status_code == 404
    assert {e["identifiers"][0] for e in host_list["_embedded"]["osdi:events"]} == {
        f"groundswell:{draft.slug}",
        f"groundswell:{published.slug}",
    }


def test_the_cursor_walks_every_page_once(api, host, make_event, rsvped, make_key):
    event = make_event(capacity=None)
    for number in range(5):
        rsvped(event, name=f"Person{number} X", consent_organization_ids={host.pk})
    key = make_key(host)

    seen, cursor, pages = [], None, 0
    while True:
        params = {"per_page": 2, **({"cursor": cursor} if cursor else {})}
        body = attendances(api, event, key, **params).json()
        seen += [e["identifiers"][0] for e in body["_embedded"]["osdi:attendances"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert "next" in body["_links"]

    assert pages == 3
    assert len(seen) == len(set(seen)) == 5


def test_events_are_filtered_by_modified_date(api, host, make_event, make_key):
    make_event()
    key = make_key(host)

    later = api("get", "/api/v1/events?filter=modified_date gt '2999-01-01'", key=key).json()
    earlier = api("get", "/api/v1/events?modified_since=2000-01-01", key=key).json()

    assert later["_embedded"]["osdi:events"] == []
    assert len(earlier["_embedded"]["osdi:events"]) == 1


def test_it_refuses_a_bad_cursor_with_a_json_400(api, host, make_event, make_key):
    event = make_event()

    response = attendances(api, event, make_key(host), cursor="nonsense")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameter"


def test_walk_ins_are_counted_beside_the_rsvps(api, host, make_event, rsvped, make_key):
    event = make_event(capacity=3)
    rsvped(event, name="Ada Lovelace", guests=0)
    rsvp_walk_in_add(event=event, name="Walk In")

    shown = api("get", f"/api/v1/events/{event.slug}", key=make_key(host)).json()

    assert (shown["rsvp_count"], shown["walk_in_count"], shown["capacity"]) == (1, 1, 3)
