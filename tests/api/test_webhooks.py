"""Webhooks against a real HTTP receiver on loopback: signed as Standard Webhooks says, only
what the receiving organization may see, retried after failures, disabled after too many."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from groundswell.accounts.models import Membership, Role
from groundswell.api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from groundswell.api.webhook_events import rsvp_created_webhooks
from groundswell.api.webhooks import (
    WebhookError,
    webhook_deliveries_sweep,
    webhook_delivery_replay,
    webhook_delivery_send,
    webhook_endpoint_create,
    webhook_endpoint_enable,
)
from groundswell.campaigns.models import ResponseStance
from groundswell.campaigns.responses import target_response_record
from groundswell.coalitions.services import partner_remove
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.events.domain import RsvpCreated
from groundswell.events.models import EventStatus
from groundswell.events.services.rsvps import rsvp_walk_in_add
from groundswell.signatures.services import signature_withdraw
from tests.api.conftest import consent_to
from tests.events.conftest import make_event, rsvped  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on loopback that records each POST and answers the next status given."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks?source=groundswell"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    found = Receiver()
    found.thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return headers["webhook-signature"] == f"v1,{expected}"


def test_a_confirmed_signature_is_sent_signed_to_the_host(receiver, host, campaign, signed):
    endpoint = webhook_endpoint_create(
        organization=host, url=receiver.url, events=["signature.confirmed"]
    )

    signed(email="fan@example.org", consents=[consent_to(host)])

    ((headers, body),) = receiver.received
    assert verifies(endpoint.secret, headers, body)
    assert endpoint.secret.startswith("whsec_")
    payload = json.loads(body)
    assert payload["type"] == "signature.confirmed"
    person = payload["data"]["signature"]["person"]
    assert person["email_addresses"] == [{"address": "fan@example.org"}]
    assert WebhookDelivery.objects.get().status == WebhookStatus.DELIVERED


def test_a_tampered_body_does_not_verify(receiver, host, campaign, signed):
    endpoint = webhook_endpoint_create(
        organization=host, url=receiver.url, events=["signature.confirmed"]
    )
    signed(email="fan@example.org")

    ((headers, body),) = receiver.received
    assert not verifies(endpoint.secret, headers, body.replace(b"Ada", b"Eve"))


def test_each_organization_gets_only_what_it_may_see(
    receiver, host, campaign, partner_a, partner_b, signed
):
    for organization in (host, partner_a.organization, partner_b.organization):
        webhook_endpoint_create(
            organization=organization, url=receiver.url, events=["signature.confirmed"]
        )

    signed(email="a-fan@example.org", consents=[consent_to(partner_a.organization)])

    by_text = [json.dumps(payload) for payload in receiver.payloads()]
    assert len(by_text) == 3
    with_address = [text for text in by_text if "a-fan@example.org" in text]
    assert len(with_address) == 1  # partner A's, the one the signer agreed to
    assert sum("signature" in payload["data"] for payload in receiver.payloads()) == 2


def test_an_unsubscribed_event_is_not_sent(receiver, host, campaign, signed):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["delivery.recorded"])

    signed(email="fan@example.org")

    assert receiver.received == []


def test_a_failure_is_retried_later_and_then_delivered(receiver, host, campaign, signed):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["signature.confirmed"])
    receiver.statuses = [500]

    signed(email="fan@example.org")
    delivery = WebhookDelivery.objects.get()

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert webhook_delivery_send(delivery_id=delivery.pk) == ""  # not due yet
    later = timezone.now() + timedelta(hours=1)
    assert webhook_delivery_send(delivery_id=delivery.pk, now=later) == "delivered"
    assert len(receiver.received) == 2
    first, second = (headers["webhook-id"] for headers, _body in receiver.received)
    assert first == second


def test_the_sweep_queues_what_is_due(receiver, host, campaign, signed, run_on_commit):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["signature.confirmed"])
    receiver.statuses = [503]
    signed(email="fan@example.org")
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert webhook_deliveries_sweep() == 1

    assert WebhookDelivery.objects.get().status == WebhookStatus.DELIVERED


def test_repeated_failures_disable_the_endpoint(receiver, host, campaign, signed, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    webhook_endpoint_create(organization=host, url=receiver.url, events=["signature.confirmed"])
    receiver.statuses = [500] * 10

    for number in range(3):
        signed(email=f"fan{number}@example.org")
    for delivery in WebhookDelivery.objects.filter(status="pending"):
        webhook_delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(days=2))

    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert len(receiver.received) == 3
    signed(email="after@example.org")
    assert len(receiver.received) == 3


def test_a_failed_delivery_can_be_replayed(
    receiver, host, campaign, signed, settings, run_on_commit
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    webhook_endpoint_create(organization=host, url=receiver.url, events=["signature.confirmed"])
    receiver.statuses = [500]
    signed(email="fan@example.org")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.FAILED

    with run_on_commit():
        webhook_delivery_replay(delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.DELIVERED
    assert len(receiver.received) == 2


@pytest.mark.parametrize("change", ["demoted", "removed", "deleted"])
def test_an_endpoint_stops_receiving_when_its_maker_no_longer_manages_the_organization(
    receiver, host, campaign, signed, make_user, change
):
    admin = make_user(host, role=Role.ADMIN)
    webhook_endpoint_create(
        organization=host, url=receiver.url, events=["signature.confirmed"], created_by=admin
    )
    receiver.statuses = [500]
    signed(email="before@example.org")  # its first attempt fails: to be retried

    if change == "demoted":
        Membership.objects.filter(user=admin).update(role=Role.ORGANIZER)
    elif change == "removed":
        Membership.objects.filter(user=admin).delete()
    else:
        admin.delete()
    signed(email="after@example.org")
    retried = [
        webhook_delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(days=2))
        for delivery in WebhookDelivery.objects.all()
    ]

    assert len(receiver.received) == 1  # the failed first attempt, before the change
    assert all(status == "" for status in retried)
    assert webhook_deliveries_sweep(now=timezone.now() + timedelta(days=2)) == 0


def test_a_manager_who_switches_it_on_again_answers_for_it(
    receiver, host, campaign, signed, make_user, owner
):
    admin = make_user(host, role=Role.ADMIN)
    endpoint = webhook_endpoint_create(
        organization=host, url=receiver.url, events=["signature.confirmed"], created_by=admin
    )
    Membership.objects.filter(user=admin).delete()

    webhook_endpoint_enable(endpoint=endpoint, active=True, by=owner)
    signed(email="fan@example.org")

    endpoint.refresh_from_db()
    assert endpoint.created_by == owner
    assert len(receiver.received) == 1


def test_the_webhook_pages_say_it_stopped_with_its_maker(client, host, owner, make_user):
    admin = make_user(host, role=Role.ADMIN)
    endpoint = webhook_endpoint_create(
        organization=host,
        url="https://crm.example.org/hooks",
        events=["signature.confirmed"],
        created_by=admin,
    )
    Membership.objects.filter(user=admin).delete()
    client.force_login(owner)
    webhooks = f"/organizer/organizations/{host.slug}/webhooks/"

    listing = client.get(webhooks).content.decode()
    log = client.get(f"{webhooks}{endpoint.pk}/").content.decode()

    assert "stopped: whoever answers for it no longer manages the organization" in listing
    assert "Switch it on to answer for it yourself." in log
    assert 'name="active" value="1"' in log


def test_private_addresses_are_refused_unless_allowed(receiver, host, campaign, signed, settings):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["signature.confirmed"])
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    signed(email="fan@example.org")

    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert "non-public address" in delivery.last_error


def test_it_refuses_plain_http_in_production(host, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(WebhookError):
        webhook_endpoint_create(
            organization=host, url="http://example.org/hook", events=["signature.confirmed"]
        )


def test_a_recorded_delivery_is_sent_with_what_each_may_see(
    receiver, host, campaign, partner_a, owner, signed, run_on_commit
):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["delivery.recorded"])
    webhook_endpoint_create(
        organization=partner_a.organization, url=receiver.url, events=["delivery.recorded"]
    )
    signed(email="fan@example.org")

    with run_on_commit():
        delivery_record(
            campaign=campaign, user=owner, delivered_at=timezone.now(), place="HQ",
            received_by="Head of public affairs", is_public=False,
        )  # fmt: skip

    deliveries = sorted(
        (payload["data"]["delivery"] for payload in receiver.payloads()), key=len, reverse=True
    )
    assert [payload["type"] for payload in receiver.payloads()] == ["delivery.recorded"] * 2
    assert deliveries[0]["place"] == "HQ"  # the host's
    assert "place" not in deliveries[1]  # the partner's: the delivery is not public


def test_a_withdrawal_is_sent_and_the_signers_copies_are_erased(
    receiver, host, campaign, partner_a, signed, run_on_commit
):
    webhook_endpoint_create(
        organization=host, url=receiver.url, events=["signature.confirmed", "signature.withdrawn"]
    )
    webhook_endpoint_create(
        organization=partner_a.organization, url=receiver.url, events=["signature.withdrawn"]
    )
    signature = signed(email="fan@example.org", consents=[consent_to(host)])
    assert WebhookDelivery.objects.filter(signature=signature).exists()

    with run_on_commit():
        signature_withdraw(signature=signature, reason="withdrawn")

    withdrawals = [p for p in receiver.payloads() if p["type"] == "signature.withdrawn"]
    assert len(withdrawals) == 2
    assert sum("signature" in payload["data"] for payload in withdrawals) == 1  # the host's
    # The confirmed event's copy of the signer's data went with the signature.
    assert not WebhookDelivery.objects.filter(event_type="signature.confirmed").exists()
    assert "fan@example.org" not in str(list(WebhookDelivery.objects.values("payload")))


def test_an_rsvp_is_sent_to_the_host_without_the_persons_details(
    receiver,
    host,
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["rsvp.created"])
    event = make_event()

    rsvped(event, name="Rosa Parks", email="rosa@example.org", confirm=False)

    (payload,) = receiver.payloads()
    assert payload["type"] == "rsvp.created"
    assert payload["data"]["event"]["identifiers"] == [f"groundswell:{event.slug}"]
    assert payload["data"]["attendance"]["status"] == "pending"
    assert "rosa" not in json.dumps(payload).lower()


def rsvp_webhooks_received() -> list[int]:
    """The organizations given an `rsvp.created` delivery, in order."""
    return sorted(
        WebhookDelivery.objects.filter(event_type="rsvp.created").values_list(
            "endpoint__organization_id", flat=True
        )
    )


def test_an_rsvp_is_sent_to_a_co_host_only_while_it_acts_in_the_events_name(
    receiver,
    host,
    partner_a,
    partner_b,
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    run_on_commit,
):
    """A co-host is told of every RSVP while its door shows them all (`event_co_hosts_acting`).
    Once the host removed it from the campaign's partners it keeps what its export and the API
    show it (`event_co_hosts_seeing`, `rsvps_consenting`): RSVPs that confirmed consent to it,
    which a new RSVP has not (nobody is asked for a removed partner any more)."""
    standing, removed = partner_a.organization, partner_b.organization
    for organization in (host, standing, removed):
        webhook_endpoint_create(organization=organization, url=receiver.url,
                                events=["rsvp.created"])  # fmt: skip
    event = make_event(co_hosts=[standing, removed])
    partner_remove(partner=partner_b)

    rsvped(event, confirm=False, consent_organization_ids={host.pk, standing.pk, removed.pk})
    with run_on_commit():
        rsvp_walk_in_add(event=event, name="Walk In", email="walk-in@example.org",
                         consent_organization_ids={standing.pk, removed.pk})  # fmt: skip

    assert rsvp_webhooks_received() == sorted([host.pk, standing.pk] * 2)


def test_an_rsvp_to_a_draft_is_sent_to_the_host_alone(
    receiver,
    host,
    partner_a,
    make_event,  # noqa: F811
    run_on_commit,
):
    """A draft is the host's until published: its co-hosts learn nothing of it, not even its
    title from a walk-in the host adds at its door."""
    for organization in (host, partner_a.organization):
        webhook_endpoint_create(organization=organization, url=receiver.url,
                                events=["rsvp.created"])  # fmt: skip
    draft = make_event(status=EventStatus.DRAFT, co_hosts=[partner_a.organization])

    with run_on_commit():
        rsvp_walk_in_add(event=draft, name="Walk In")

    assert rsvp_webhooks_received() == [host.pk]


def test_a_co_host_whose_partnership_ended_is_told_only_of_rsvps_that_agreed_to_hear_from_it(
    receiver,
    partner_b,
    make_event,  # noqa: F811
    rsvped,  # noqa: F811
    run_on_commit,
):
    """The rule of its export and the API, not a new one. No new RSVP can be one of theirs
    today (see above), so this announces two older ones again."""
    webhook_endpoint_create(organization=partner_b.organization, url=receiver.url,
                            events=["rsvp.created"])  # fmt: skip
    event = make_event(co_hosts=[partner_b.organization])
    theirs = rsvped(event, consent_organization_ids={partner_b.organization_id})
    not_theirs = rsvped(event)
    partner_remove(partner=partner_b)
    WebhookDelivery.objects.all().delete()

    with run_on_commit():
        for rsvp in (theirs, not_theirs):
            rsvp_created_webhooks(RsvpCreated(event_id=event.pk, rsvp_id=rsvp.pk))

    told = [
        delivery.payload["data"]["attendance"]["identifiers"]
        for delivery in WebhookDelivery.objects.all()
    ]
    assert told == [[f"groundswell:rsvp:{theirs.pk}"]]


def test_a_targets_response_is_sent_to_every_organization_of_the_coalition(
    receiver, host, campaign, partner_a, run_on_commit
):
    webhook_endpoint_create(organization=host, url=receiver.url, events=["target.responded"])
    webhook_endpoint_create(
        organization=partner_a.organization, url=receiver.url, events=["target.responded"]
    )

    with run_on_commit():
        target_response_record(
            campaign=campaign,
            responder_name="Dana Whitfield",
            responded_at=timezone.now(),
            quote="Cruel and abusive.",
            stance=ResponseStance.REFUSED,
        )

    payloads = receiver.payloads()
    assert len(payloads) == 2
    assert {p["data"]["response"]["stance"] for p in payloads} == {"refused"}
    assert payloads[0]["data"]["response"]["quote"] == "Cruel and abusive."


def test_the_log_of_deliveries_is_kept_for_the_retention_only(
    receiver, host, campaign, owner, signed, run_on_commit, settings
):
    """A payload names people that no owner row finds it from (a delivery's `received_by`, a
    target's responder): the log keeps it WEBHOOK_RETENTION_DAYS, sent, failed or never sent."""
    from groundswell.api.tasks import webhook_deliveries_expire_task

    settings.WEBHOOK_RETENTION_DAYS = 30
    endpoint = webhook_endpoint_create(
        organization=host, url=receiver.url, events=["delivery.recorded", "target.responded"]
    )
    with run_on_commit():
        delivery_record(
            campaign=campaign, user=owner, delivered_at=timezone.now(), place="HQ",
            received_by="Dana Whitfield",
        )  # fmt: skip
        target_response_record(
            campaign=campaign, responder_name="Dana Whitfield", responded_at=timezone.now(),
            quote="No.", stance=ResponseStance.REFUSED,
        )  # fmt: skip
    assert WebhookDelivery.objects.filter(status=WebhookStatus.DELIVERED).count() == 2
    receiver.statuses = [500]
    with run_on_commit():  # one not sent yet: refused, waiting for its retry
        delivery_record(
            campaign=campaign, user=owner, delivered_at=timezone.now(), place="HQ",
            received_by="Dana Whitfield",
        )  # fmt: skip
    assert WebhookDelivery.objects.filter(status=WebhookStatus.PENDING).count() == 1
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=31))
    recent = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="delivery.recorded", event_id="msg_recent", payload={},
        status=WebhookStatus.DELIVERED, next_attempt_at=timezone.now(),
        created_at=timezone.now() - timedelta(days=29),
    )  # fmt: skip

    assert webhook_deliveries_expire_task() == 3

    assert list(WebhookDelivery.objects.all()) == [recent]
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "groundswell.api.tasks.webhook_deliveries_expire_task" in schedule
