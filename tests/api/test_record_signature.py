"""Recording signatures through the API: the form's rules, the host's confirmed_by mode, and
Idempotency-Key retries that never count twice."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from groundswell.api.errors import ApiError
from groundswell.api.idempotency import idempotent
from groundswell.api.keys import api_key_create
from groundswell.api.models import IdempotentRequest
from groundswell.core.models import OutboundEmail
from groundswell.signatures.models import Consent, Signature

pytestmark = pytest.mark.django_db


def body(email="ada@example.org", **extra):
    return {
        "person": {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email_addresses": [{"address": email}],
            "postal_addresses": [{"postal_code": "N1 9GU", "country": "GB"}],
        },
        **extra,
    }


def url(campaign):
    return f"/api/v1/petitions/{campaign.slug}/signatures"


def test_a_write_key_records_a_pending_signature_and_its_confirmation_email(
    api, host, campaign, make_key
):
    response = api("post", url(campaign), key=make_key(host, "write"), json=body(contact_host=True))

    assert response.status_code == 202
    assert response.json() == {"status": "pending_confirmation", "identifiers": []}
    signature = Signature.objects.get()
    assert (signature.channel, signature.confirmed_at, signature.name) == (
        "api",
        None,
        "Ada Lovelace",
    )
    assert Consent.objects.get().organization == host
    assert len(mail.outbox) == 1 and "confirm" in mail.outbox[0].body


def test_a_repeat_gets_the_same_answer_and_changes_nothing(api, host, campaign, make_key):
    key = make_key(host, "write")
    first = api("post", url(campaign), key=key, json=body())
    again = api("post", url(campaign), key=key, json=body(comments="Changed my mind"))

    assert first.json() == again.json()
    assert Signature.objects.get().comment == ""


def test_it_refuses_bad_input_with_the_fields_named(api, host, campaign, make_key):
    response = api(
        "post", url(campaign), key=make_key(host, "write"), json=body(email="not an address")
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert [problem["field"] for problem in response.json()["detail"]] == ["email"]
    assert not Signature.objects.exists()


def test_it_refuses_a_body_that_is_not_json(client, host, campaign, make_key):
    response = client.post(
        url(campaign), "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_key(host, 'write')}",
    )  # fmt: skip

    assert response.status_code in (400, 422)
    assert response.json()["error"]


def test_a_read_key_may_not_record(api, host, campaign, make_key):
    response = api("post", url(campaign), key=make_key(host), json=body())

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_a_partner_records_signers_it_brought_with_consent_to_itself(
    api, campaign, partner_a, make_key
):
    key = make_key(partner_a.organization, "write")

    api("post", url(campaign), key=key, json=body(contact_partner=True))

    signature = Signature.objects.get()
    assert signature.partner == partner_a
    assert Consent.objects.get().organization == partner_a.organization


def test_only_the_host_may_vouch_for_a_signer(api, campaign, partner_a, make_key):
    response = api(
        "post", url(campaign), key=make_key(partner_a.organization, "write"),
        json=body(confirmed_by="organizer"),
    )  # fmt: skip

    assert response.status_code == 403
    assert response.json()["error"] == "host_only"
    assert not Signature.objects.exists()


def test_the_hosts_vouched_signature_counts_at_once_and_apart(
    api, host, campaign, make_key, run_on_commit
):
    key = make_key(host, "write")
    with run_on_commit():
        response = api("post", url(campaign), key=key, json=body(confirmed_by="organizer"))

    assert response.status_code == 201
    signature = Signature.objects.get()
    assert response.json()["identifiers"] == [f"groundswell:{signature.public_id}"]
    assert (signature.channel, signature.confirmed_by) == ("api", "organizer")
    assert signature.confirmed_at is not None
    # No link to confirm (the log's receipt may follow, as for every counted signature).
    assert not any("/confirm/" in message.body for message in mail.outbox)
    petition = api("get", f"/api/v1/petitions/{campaign.slug}", key=key).json()
    assert petition["total_signatures"] == 1
    assert petition["channels"]["api"] == 1
    assert petition["channels"]["confirmed_by_organizer"] == 1
    assert petition["channels"]["online"] == 0


def test_a_retry_with_the_same_idempotency_key_acts_once(api, host, campaign, make_key):
    key = make_key(host, "write")
    first = api("post", url(campaign), key=key, json=body(confirmed_by="organizer"),
                idempotency_key="retry-1")  # fmt: skip
    retry = api("post", url(campaign), key=key, json=body(confirmed_by="organizer"),
                idempotency_key="retry-1")  # fmt: skip

    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json()
    assert Signature.objects.count() == 1


def test_the_answer_kept_for_retries_holds_nothing_of_the_signer(api, host, campaign, make_key):
    """Personal data has one owner row: the answer kept for retries outlives a withdrawal by up to
    IDEMPOTENCY_RETENTION_HOURS, so it must not be a copy of the signer's name or address."""
    key = make_key(host, "write")
    api("post", url(campaign), key=key, json=body(email="ada.lovelace@example.org"),
        idempotency_key="kept-1")  # fmt: skip

    kept = IdempotentRequest.objects.get()
    assert "lovelace" not in str(kept.response_body).lower()
    assert "example.org" not in str(kept.response_body)
    assert len(kept.request_hash) == 64  # a keyed hash of the body, not the body


def test_the_same_idempotency_key_with_another_body_is_refused(api, host, campaign, make_key):
    key = make_key(host, "write")
    api("post", url(campaign), key=key, json=body(), idempotency_key="retry-2")

    response = api(
        "post", url(campaign), key=key, json=body(email="other@example.org"),
        idempotency_key="retry-2",
    )  # fmt: skip

    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert Signature.objects.count() == 1


def test_a_refused_request_stores_no_answer(api, host, campaign, make_key):
    api("post", url(campaign), key=make_key(host, "write"), json=body(email="bad"),
        idempotency_key="retry-3")  # fmt: skip

    assert not IdempotentRequest.objects.exists()


def test_the_idempotency_key_is_kept_only_as_a_keyed_hash(api, host, campaign, make_key):
    response = api("post", url(campaign), key=make_key(host, "write"), json=body(),
                   idempotency_key="Grace.Hopper@example.org")  # fmt: skip

    assert response.status_code == 202
    kept = IdempotentRequest.objects.values().get()
    assert not any("hopper" in str(value).lower() for value in kept.values())
    assert not any("example.org" in str(value) for value in kept.values())


def test_a_retry_with_an_address_as_its_key_is_answered_again(api, host, campaign, make_key):
    key = make_key(host, "write")
    first = api("post", url(campaign), key=key, json=body(),
                idempotency_key="grace.hopper@example.org")  # fmt: skip
    retry = api("post", url(campaign), key=key, json=body(),
                idempotency_key="grace.hopper@example.org")  # fmt: skip
    other = api("post", url(campaign), key=key, json=body(email="other@example.org"),
                idempotency_key="grace.hopper@example.org")  # fmt: skip

    assert (first.status_code, retry.status_code) == (202, 202)
    assert retry.json() == first.json()
    assert other.status_code == 422
    assert other.json()["error"] == "idempotency_key_reused"
    assert IdempotentRequest.objects.count() == 1


def test_each_organization_has_its_own_idempotency_keys(host, make_org):
    ours = api_key_create(organization=host, name="CRM", scope="write").api_key
    theirs = api_key_create(organization=make_org("Partner"), name="CRM", scope="write").api_key
    calls: list[str] = []

    def work(name: str):
        def run():
            calls.append(name)
            return 201, {"by": name}

        return run

    ours_first, replayed = idempotent(
        api_key=ours, key="same", fingerprint="f" * 64, work=work("ours")
    )
    theirs_first, theirs_replayed = idempotent(
        api_key=theirs, key="same", fingerprint="e" * 64, work=work("theirs")
    )
    ours_again, ours_replayed = idempotent(
        api_key=ours, key="same", fingerprint="f" * 64, work=work("ours")
    )

    assert calls == ["ours", "theirs"]
    assert (replayed, theirs_replayed, ours_replayed) == (False, False, True)
    assert ours_again == ours_first == (201, {"by": "ours"})
    assert theirs_first == (201, {"by": "theirs"})
    with pytest.raises(ApiError) as refused:
        idempotent(api_key=theirs, key="same", fingerprint="f" * 64, work=work("theirs"))
    assert refused.value.status == 422


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions need PostgreSQL (SQLite serializes writers)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("extra", "status"),
    [({"confirmed_by": "organizer"}, 201), ({}, 202)],
    ids=["vouched", "pending"],
)
def test_concurrent_retries_record_one_signature_and_get_one_answer(
    host, campaign, make_key, extra, status
):
    key = make_key(host, "write")
    answers: list[tuple[int, dict]] = []
    barrier = threading.Barrier(6)

    def post() -> None:
        try:
            barrier.wait()
            response = Client().post(
                url(campaign), body(**extra), content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="same-everywhere",
            )  # fmt: skip
            answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Signature.objects.count() == 1
    assert len(answers) == 6
    assert {answered for answered, _answer in answers} == {status}
    assert len({str(answer) for _status, answer in answers}) == 1
    # One request acted: one e-mail (its confirmation link, or its receipt) at most.
    assert OutboundEmail.objects.filter(signature__isnull=False).count() <= 1
    assert IdempotentRequest.objects.get().response_status == status


def test_api_writes_need_no_csrf_token(host, campaign, make_key):
    response = Client(enforce_csrf_checks=True).post(
        url(campaign), body(), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_key(host, 'write')}",
    )  # fmt: skip

    assert response.status_code == 202
